// Row 5: memory of idle keep-alive connections on Node, @sansio/http1 over @sansio/node against
// node:http. Each trial starts a fresh server (node --expose-gc), measures it after a full GC, opens
// the connections from a separate client process (one answered request each, then idle), measures
// again, and divides the growth by the number of connections.
import { startChild } from "../lib/child.mjs";
import { interleave, median } from "../lib/stats.mjs";

/**
 * @param {Record<string, import("../lib/runtimes.mjs").BenchRuntime>} runtimes
 * @param {{ rounds: number, connections: number }} config
 * @param {(line: string) => void} log
 */
export async function runMemoryRows(runtimes, config, log) {
  const node = runtimes.node;
  const client = await startChild(node.command, ["bench/memory/client.mjs"]);
  try {
    const trial = (impl) => {
      const per = { heap: [], external: [], rss: [] };
      const run = async () => {
        const server = await startChild(node.command, ["--expose-gc", "bench/http/node.mjs", impl]);
        try {
          const before = await server.send({ cmd: "memory" });
          const opened = await client.send({ cmd: "open", port: server.ready.port, count: config.connections });
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
    log(`  ${node.label}: ${config.connections} idle connections, ${config.rounds} rounds`);
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
      rows: [row("@sansio/http1 over @sansio/node", sansio.per), row("node:http", native.per)],
    };
  } finally {
    await client.stop();
  }
}
