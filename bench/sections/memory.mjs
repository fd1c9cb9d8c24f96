// Memory of idle connections on Node, one server against another (row 5: @sansio/http1 over
// @sansio/node against node:http; the http2 and websocket sections use the same measurement). Each
// trial starts a fresh server (node --expose-gc), measures it after a full GC, opens the connections
// from a separate client process (bench/memory/client.mjs: one answer each, then idle), measures
// again, and divides the growth by the number of connections.
import { startChild } from "../lib/child.mjs";
import { interleave, median } from "../lib/stats.mjs";

/**
 * @typedef {{
 *   script: string,
 *   kind: "http1" | "h2" | "ws",
 *   sides: { sansio: string, native: string },
 * }} IdleMemorySpec
 * `node --expose-gc <script> sansio|native` starts a server; `kind` is what the client opens;
 * `sides` names the two servers in the table.
 */

/**
 * Measures idle memory per connection of the `sansio` and `native` servers of `spec`, interleaved.
 * @param {import("../lib/runtimes.mjs").BenchRuntime} node
 * @param {{ rounds: number, connections: number }} config
 * @param {IdleMemorySpec} spec
 * @param {(line: string) => void} log
 */
export async function measureIdleMemory(node, config, spec, log) {
  const client = await startChild(node.command, ["bench/memory/client.mjs"]);
  try {
    const trial = (impl) => {
      const per = { heap: [], external: [], rss: [] };
      const run = async () => {
        const server = await startChild(node.command, ["--expose-gc", spec.script, impl]);
        try {
          const before = await server.send({ cmd: "memory" });
          const opened = await client.send({
            cmd: "open",
            port: server.ready.port,
            count: config.connections,
            kind: spec.kind,
          });
          if (opened.open !== config.connections) throw new Error(`opened ${opened.open} of ${config.connections}`);
          const after = await server.send({ cmd: "memory" });
          await client.send({ cmd: "close" });
          for (const key of ["heap", "external", "rss"]) per[key].push((after[key] - before[key]) / config.connections);
          return (after.rss - before.rss) / config.connections;
        } finally {
          await client.send({ cmd: "close" }).catch(() => {});
          await server.stop();
        }
      };
      return { per, run };
    };
    const sansio = trial("sansio");
    const native = trial("native");
    log(`  ${node.label}: ${config.connections} idle ${spec.kind} connections, ${config.rounds} rounds`);
    await interleave(config.rounds, [
      { key: "sansio", run: sansio.run },
      { key: "native", run: native.run },
    ]);
    const row = (name, per) => ({
      server: name,
      heap: median(per.heap),
      external: median(per.external),
      rss: median(per.rss),
      samples: per,
    });
    return {
      runtime: node.label,
      connections: config.connections,
      rows: [row(spec.sides.sansio, sansio.per), row(spec.sides.native, native.per)],
    };
  } finally {
    await client.stop();
  }
}

/**
 * Row 5: idle keep-alive HTTP/1.1 connections.
 * @param {Record<string, import("../lib/runtimes.mjs").BenchRuntime>} runtimes
 * @param {{ rounds: number, connections: number }} config
 * @param {(line: string) => void} log
 */
export function runMemoryRows(runtimes, config, log) {
  return measureIdleMemory(
    runtimes.node,
    config,
    {
      script: "bench/http/node.mjs",
      kind: "http1",
      sides: { sansio: "@sansio/http1 over @sansio/node", native: "node:http" },
    },
    log,
  );
}
