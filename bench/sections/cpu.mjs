// CPU-bound rows (issue 15): bulk echo and 64-byte round trips with client and server in ONE process,
// sharing one thread, on Node, Deno and Bun. The two-process socket rows (sockets.mjs) let one side's
// cost hide behind the other's work on the second core; here every cost of the adapter is paid on the
// same thread, as on a busy server. One child per runtime (`bench/socket/<runtime>.mjs --local`) runs
// both echo servers and the clients; the variants are the same as in sockets.mjs (adapter, raw, raw
// again as control, and the adapter on one side only). workerd cannot accept TCP, so it has no row here
// (its client side is row 1 and 2's workerd row).
import { startChild } from "../lib/child.mjs";
import { cpuNanos } from "../lib/cpu.mjs";
import { interleave } from "../lib/stats.mjs";
import { summarize } from "./sockets.mjs";

const MiB = 1024 * 1024;

/**
 * @param {Record<string, import("../lib/runtimes.mjs").BenchRuntime>} runtimes
 * @param {{ rounds: number, bulkBytes: number, chunk: number, rttCount: number, rttSize: number }} config
 * @param {(line: string) => void} log
 * @param {string[]} [ids] the runtimes to measure
 */
export async function runCpuRows(runtimes, config, log, ids = ["node", "deno", "bun"]) {
  const bulk = [];
  const rtt = [];
  for (const id of ids) {
    const runtime = runtimes[id];
    let child;
    try {
      child = await startChild(runtime.command, [...runtime.prefix, `bench/socket/${id}.mjs`, "--local"]);
      const local = child;
      const ports = local.ready;
      /** One trial: its wall-clock milliseconds and the CPU nanoseconds of the one process. */
      const measured = (command) => async () => {
        const cpu = cpuNanos(local.pid);
        const ms = await local.send(command);
        return { ms, cpu: cpuNanos(local.pid) - cpu };
      };
      const bulkTrial = (impl, total, server = impl) =>
        measured({ test: "bulk", impl, port: ports[server], chunk: config.chunk, total });
      const rttTrial = (impl, count, server = impl) =>
        measured({ test: "rtt", impl, port: ports[server], size: config.rttSize, count });
      const variants = (trial, size) => [
        { key: "adapter", run: trial("adapter", size) },
        { key: "raw", run: trial("raw", size) },
        { key: "control", run: trial("raw", size) },
        { key: "client", run: trial("adapter", size, "raw") },
        { key: "server", run: trial("raw", size, "adapter") },
      ];

      for (const impl of ["raw", "adapter"]) {
        await bulkTrial(impl, Math.min(config.bulkBytes, 16 * MiB))();
        await rttTrial(impl, Math.min(config.rttCount, 2000))();
      }

      log(`  ${runtime.label}: one process, bulk echo, ${config.rounds} rounds`);
      const bulkSamples = await interleave(config.rounds, variants(bulkTrial, config.bulkBytes));
      const mib = config.bulkBytes / MiB;
      const bulkRow = summarize(bulkSamples, (ms) => mib / (ms / 1000));
      // CPU time per MiB moved through the echo (microseconds).
      bulk.push({
        runtime: runtime.label,
        ...bulkRow,
        adapterCpuPer: bulkRow.adapterCpu / 1000 / mib,
        rawCpuPer: bulkRow.rawCpu / 1000 / mib,
      });

      log(`  ${runtime.label}: one process, round trips, ${config.rounds} rounds`);
      const rttSamples = await interleave(config.rounds, variants(rttTrial, config.rttCount));
      const rttRow = summarize(rttSamples, (ms) => (ms * 1000) / config.rttCount);
      // CPU time per round trip (microseconds), both ends included.
      rtt.push({
        runtime: runtime.label,
        ...rttRow,
        adapterCpuPer: rttRow.adapterCpu / 1000 / config.rttCount,
        rawCpuPer: rttRow.rawCpu / 1000 / config.rttCount,
      });
    } catch (error) {
      log(`  ${runtime.label}: FAILED ${error instanceof Error ? error.message : error}`);
      bulk.push({ runtime: runtime.label, error: String(error) });
      rtt.push({ runtime: runtime.label, error: String(error) });
    } finally {
      await child?.stop();
    }
  }
  return { bulk, rtt };
}
