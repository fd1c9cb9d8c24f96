// Memory of idle connections, one server against another (row 5: @sansio/http1 over @sansio/node
// against node:http, and over @sansio/bun and @sansio/deno against Bun.serve and Deno.serve; the http2
// and websocket sections use the same measurement on Node). Each trial starts a fresh server (node
// --expose-gc, deno --v8-flags=--expose-gc, bun with Bun.gc), measures it after a full GC, opens the connections
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
 * `<runtime> <gc flags> <script> sansio|native` starts a server; `kind` is what the client opens;
 * `sides` names the two servers in the table.
 */

/** The arguments that run `script` on `runtime` with a full GC available to lib/memory.mjs. */
function gcArgs(runtime, script) {
  if (runtime.id === "node") return ["--expose-gc", script];
  if (runtime.id === "deno") return [...runtime.prefix, "--v8-flags=--expose-gc", script];
  return [...runtime.prefix, script];
}

/**
 * Measures idle memory per connection of the `sansio` and `native` servers of `spec`, interleaved.
 * The client (bench/memory/client.mjs) always runs on Node; the servers on `server` (default Node).
 * @param {import("../lib/runtimes.mjs").BenchRuntime} node
 * @param {{ rounds: number, connections: number }} config
 * @param {IdleMemorySpec} spec
 * @param {(line: string) => void} log
 */
export async function measureIdleMemory(node, config, spec, log, server = node) {
  const client = await startChild(node.command, ["bench/memory/client.mjs"]);
  try {
    const trial = (impl) => {
      const per = { heap: [], external: [], rss: [] };
      const run = async () => {
        const child = await startChild(server.command, [...gcArgs(server, spec.script), impl]);
        try {
          const before = await child.send({ cmd: "memory" });
          const opened = await client.send({
            cmd: "open",
            port: child.ready.port,
            count: config.connections,
            kind: spec.kind,
          });
          if (opened.open !== config.connections) throw new Error(`opened ${opened.open} of ${config.connections}`);
          const after = await child.send({ cmd: "memory" });
          await client.send({ cmd: "close" });
          for (const key of ["heap", "external", "rss"]) per[key].push((after[key] - before[key]) / config.connections);
          return (after.rss - before.rss) / config.connections;
        } finally {
          await client.send({ cmd: "close" }).catch(() => {});
          await child.stop();
        }
      };
      return { per, run };
    };
    const sansio = trial("sansio");
    const native = trial("native");
    log(`  ${server.label}: ${config.connections} idle ${spec.kind} connections, ${config.rounds} rounds`);
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
      runtime: server.label,
      connections: config.connections,
      rows: [row(spec.sides.sansio, sansio.per), row(spec.sides.native, native.per)],
    };
  } finally {
    await client.stop();
  }
}

/** Row 5's servers per runtime: the script and the names of its two sides. */
const HTTP1_IDLE = {
  node: { script: "bench/http/node.mjs", native: "node:http", adapter: "@sansio/node" },
  bun: { script: "bench/http/bun.mjs", native: "Bun.serve", adapter: "@sansio/bun" },
  deno: { script: "bench/http/deno.mjs", native: "Deno.serve", adapter: "@sansio/deno" },
};

/**
 * Row 5: idle keep-alive HTTP/1.1 connections on Node, Bun and Deno, each against its own server.
 * Resolves with one result per runtime (Node's first); a runtime that failed has `error`.
 * @param {Record<string, import("../lib/runtimes.mjs").BenchRuntime>} runtimes
 * @param {{ rounds: number, connections: number }} config
 * @param {(line: string) => void} log
 */
export async function runMemoryRows(runtimes, config, log) {
  const results = [];
  for (const id of ["node", "bun", "deno"]) {
    const sides = HTTP1_IDLE[id];
    try {
      results.push(
        await measureIdleMemory(
          runtimes.node,
          config,
          {
            script: sides.script,
            kind: "http1",
            sides: { sansio: `@sansio/http1 over ${sides.adapter}`, native: sides.native },
          },
          log,
          runtimes[id],
        ),
      );
    } catch (error) {
      log(`  ${runtimes[id].label}: memory FAILED ${error instanceof Error ? error.message : error}`);
      results.push({ runtime: runtimes[id].label, native: sides.native, error: String(error) });
    }
  }
  return results;
}
