// Rows 1 and 2: bulk echo and 64-byte round trips, adapter against the raw runtime API, per runtime.
// Node, Deno and Bun: a server process (raw echo server + adapter echo server) and a client process of
// the same runtime; "adapter" is adapter client to adapter server, "raw" is raw client to raw server,
// and two more variants put the adapter on one side only (client to the raw server, raw client to the
// adapter server) to show which side a difference comes from.
// workerd: the bench Worker is the client (adapter or raw Workers socket), the raw Node echo server the peer.
import { startChild } from "../lib/child.mjs";
import { cpuOf } from "../lib/cpu.mjs";
import { interleave, median, pairedRatio } from "../lib/stats.mjs";

const MiB = 1024 * 1024;

/**
 * @param {Record<string, import("../lib/runtimes.mjs").BenchRuntime>} runtimes
 * @param {{ rounds: number, bulkBytes: number, chunk: number, rttCount: number, rttSize: number }} config
 * @param {(line: string) => void} log
 */
export async function runSocketRows(runtimes, config, log) {
  const bulk = [];
  const rtt = [];
  for (const id of ["node", "deno", "bun", "workerd"]) {
    const runtime = runtimes[id];
    const serverRuntime = id === "workerd" ? runtimes.node : runtime;
    const serverScript = `bench/socket/${serverRuntime.id}.mjs`;
    const clientScript = `bench/socket/${id}.mjs`;
    const children = [];
    try {
      const server = await startChild(serverRuntime.command, [...serverRuntime.prefix, serverScript, "--serve"]);
      children.push(server);
      const client = await startChild(runtime.command, [...runtime.prefix, clientScript]);
      children.push(client);
      const ports = server.ready;
      const portOf = (impl) => (id === "workerd" ? ports.raw : ports[impl]);
      const sides = id !== "workerd";
      // Every process of the trial: both ends (and workerd under its launcher).
      const pids = [server.pid, client.pid, client.ready.pid].filter((pid) => pid !== undefined);
      /** One trial: its wall-clock milliseconds and the CPU nanoseconds all its processes used. */
      const measured = (command) => async () => {
        const cpu = cpuOf(pids);
        const ms = await client.send(command);
        return { ms, cpu: cpuOf(pids) - cpu };
      };
      /** A trial with `impl` as the client, against the `server` echo server (default: the same kind). */
      const bulkTrial = (impl, total, server = impl) =>
        measured({ test: "bulk", impl, port: portOf(server), chunk: config.chunk, total });
      const rttTrial = (impl, count, server = impl) =>
        measured({ test: "rtt", impl, port: portOf(server), size: config.rttSize, count });
      /** The variants of one row: both sides, raw, raw again (control), and one side each. */
      const variants = (trial, size) => [
        { key: "adapter", run: trial("adapter", size) },
        { key: "raw", run: trial("raw", size) },
        { key: "control", run: trial("raw", size) },
        ...(sides
          ? [
              { key: "client", run: trial("adapter", size, "raw") },
              { key: "server", run: trial("raw", size, "adapter") },
            ]
          : []),
      ];

      // Warm-up (JIT, first connections), not measured.
      for (const impl of ["raw", "adapter"]) {
        await bulkTrial(impl, Math.min(config.bulkBytes, 16 * MiB))();
        await rttTrial(impl, Math.min(config.rttCount, 2000))();
      }

      log(`  ${runtime.label}: bulk echo, ${config.rounds} rounds`);
      const bulkSamples = await interleave(config.rounds, variants(bulkTrial, config.bulkBytes));
      const mibps = (ms) => config.bulkBytes / MiB / (ms / 1000);
      bulk.push({ runtime: runtime.label, ...summarize(bulkSamples, mibps) });

      log(`  ${runtime.label}: round trips, ${config.rounds} rounds`);
      const rttSamples = await interleave(config.rounds, variants(rttTrial, config.rttCount));
      const micros = (ms) => (ms * 1000) / config.rttCount;
      rtt.push({ runtime: runtime.label, ...summarize(rttSamples, micros) });
    } catch (error) {
      log(`  ${runtime.label}: FAILED ${error instanceof Error ? error.message : error}`);
      bulk.push({ runtime: runtime.label, error: String(error) });
      rtt.push({ runtime: runtime.label, error: String(error) });
    } finally {
      for (const child of children.reverse()) await child.stop();
    }
  }
  return { bulk, rtt };
}

/**
 * Medians and paired ratios of one row's samples (`{ ms, cpu }` per trial). `ratio` is adapter / raw
 * in throughput (raw time / adapter time); `cpuRatio` the same in CPU time (raw CPU / adapter CPU), which
 * a busy machine disturbs much less; `control` compares raw with itself; `clientOnly` and `serverOnly`
 * are the throughput ratios with the adapter on that side only (undefined where not measured);
 * `adapterCpu` and `rawCpu` the median CPU nanoseconds of one trial.
 */
export function summarize(samples, unit) {
  const field = (key, name) => samples[key].map((sample) => sample[name]);
  return {
    adapter: unit(median(field("adapter", "ms"))),
    raw: unit(median(field("raw", "ms"))),
    ratio: pairedRatio(field("raw", "ms"), field("adapter", "ms")),
    control: pairedRatio(field("raw", "ms"), field("control", "ms")),
    cpuRatio: pairedRatio(field("raw", "cpu"), field("adapter", "cpu")),
    adapterCpu: median(field("adapter", "cpu")),
    rawCpu: median(field("raw", "cpu")),
    cpuControl: pairedRatio(field("raw", "cpu"), field("control", "cpu")),
    clientOnly: samples.client ? pairedRatio(field("raw", "ms"), field("client", "ms")) : undefined,
    serverOnly: samples.server ? pairedRatio(field("raw", "ms"), field("server", "ms")) : undefined,
    samples,
  };
}
