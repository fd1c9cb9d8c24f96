// Row: one listener process vs one per core (two here), HTTP/1.1 hello with 50 keep-alive connections,
// per runtime. A two-core machine that also runs the load generator cannot show scaling, so the row
// reports what the processes cost: server CPU time per request (all server processes summed), beside
// the requests per second either way. The per-core side is N processes listening on one port with
// reusePort (docs/MULTICORE.md); each must take part of the load.
//
// Registered in bench/run.mjs as the "cores" section; also runnable alone:
//   node bench/sections/cores.mjs [--quick]
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { startChild, stopAll } from "../lib/child.mjs";
import { cpuNanos } from "../lib/cpu.mjs";
import { interleave, median, pairedRatio } from "../lib/stats.mjs";

const CONNECTIONS = 50;
const SCRIPT = "bench/cores/server.mjs";

/** How many listener processes "one per core" starts: the machine's cores, at least 2. */
export function perCoreProcesses() {
  return Math.max(2, availableParallelism());
}

/**
 * Starts `count` listener processes of `runtime` on one port (the first picks it).
 * @param {import("../lib/runtimes.mjs").BenchRuntime} runtime
 * @param {number} count
 * @param {import("../lib/child.mjs").BenchChild[]} children where started children are added (for stopAll)
 */
async function startGroup(runtime, count, children) {
  const flags = runtime.id === "deno" ? ["--unstable-net"] : [];
  const args = (port) => [...runtime.prefix, ...flags, SCRIPT, String(port)];
  const first = await startChild(runtime.command, args(0));
  children.push(first);
  const group = [first];
  for (let i = 1; i < count; i++) {
    const next = await startChild(runtime.command, args(first.ready.port));
    children.push(next);
    group.push(next);
  }
  return { port: first.ready.port, pids: group.map((child) => child.pid) };
}

/**
 * @param {Record<string, import("../lib/runtimes.mjs").BenchRuntime>} runtimes
 * @param {{ rounds: number, seconds: number, warmSeconds: number }} config
 * @param {{ run: (o: object) => Promise<{ rps: number, requests: number }> }} load
 * @param {(line: string) => void} log
 */
export async function runCoresRows(runtimes, config, load, log) {
  const processes = perCoreProcesses();
  const rows = [];
  for (const id of ["node", "bun", "deno"]) {
    const runtime = runtimes[id];
    const children = [];
    try {
      const one = await startGroup(runtime, 1, children);
      const many = await startGroup(runtime, processes, children);
      /** One load run: requests per second, server CPU µs per request, and each process's CPU share. */
      const measure =
        (group, seconds = config.seconds) =>
        async () => {
          const before = group.pids.map(cpuNanos);
          const { rps, requests } = await load.run({
            port: group.port,
            connections: CONNECTIONS,
            seconds,
            pipelining: 1,
          });
          const spent = group.pids.map((pid, i) => cpuNanos(pid) - before[i]);
          const total = spent.reduce((a, b) => a + b, 0);
          return { rps, cpuPerRequest: total / 1000 / requests, leastShare: Math.min(...spent) / total };
        };
      await measure(one, config.warmSeconds)();
      await measure(many, config.warmSeconds)();
      log(
        `  ${runtime.label}: 1 process vs ${processes} with reusePort, ${config.rounds} rounds of ${config.seconds} s`,
      );
      const samples = await interleave(config.rounds, [
        { key: "one", run: measure(one) },
        { key: "many", run: measure(many) },
      ]);
      const pick = (key, field) => samples[key].map((sample) => sample[field]);
      rows.push({
        runtime: runtime.label,
        processes,
        oneRps: median(pick("one", "rps")),
        manyRps: median(pick("many", "rps")),
        rpsRatio: pairedRatio(pick("many", "rps"), pick("one", "rps")),
        oneCpu: median(pick("one", "cpuPerRequest")),
        manyCpu: median(pick("many", "cpuPerRequest")),
        cpuRatio: pairedRatio(pick("many", "cpuPerRequest"), pick("one", "cpuPerRequest")),
        leastShare: median(pick("many", "leastShare")),
      });
    } catch (error) {
      log(`  ${runtime.label}: FAILED ${error instanceof Error ? error.message : error}`);
      rows.push({ runtime: runtime.label, error: String(error) });
    } finally {
      await stopAll(children);
    }
  }
  return { processes, rows };
}

const fixed = (value, digits = 0) => (Number.isFinite(value) ? value.toFixed(digits) : "–");

/**
 * The section's markdown.
 * @param {{ processes: number, rows: any[] }} results
 * @param {string} generator the load generator's name
 */
export function renderCores(results, generator) {
  const header = [
    "runtime",
    "1 process req/s",
    `${results.processes} processes req/s`,
    `${results.processes} / 1 req/s`,
    "server CPU µs/req: 1 / per core",
    "CPU per request: per core / 1",
    "smallest process's CPU share",
  ];
  const body = results.rows.map((row) =>
    row.error
      ? [row.runtime, `FAILED: ${row.error.split("\n")[0]}`, "", "", "", "", ""]
      : [
          row.runtime,
          fixed(row.oneRps),
          fixed(row.manyRps),
          `${fixed(row.rpsRatio, 2)}x`,
          `${fixed(row.oneCpu, 1)} / ${fixed(row.manyCpu, 1)}`,
          `${fixed(row.cpuRatio, 2)}x`,
          `${fixed(row.leastShare * 100)} %`,
        ],
  );
  return [
    `### One process vs one per core (reusePort), HTTP/1.1 hello, ${CONNECTIONS} keep-alive connections (${generator})`,
    "",
    `| ${header.join(" | ")} |`,
    `| ${header.map(() => "---").join(" | ")} |`,
    ...body.map((cells) => `| ${cells.join(" | ")} |`),
    "",
    "The load generator shares the cores, so req/s cannot scale here; CPU per request says what spreading",
    "over processes costs (1.00x: nothing). The CPU share shows the kernel gave every process work.",
    "",
  ].join("\n");
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { createLoadGenerator } = await import("../lib/load.mjs");
  const { benchRuntimes } = await import("../lib/runtimes.mjs");
  const quick = process.argv.includes("--quick");
  const config = quick ? { rounds: 2, seconds: 1, warmSeconds: 1 } : { rounds: 5, seconds: 3, warmSeconds: 1 };
  const load = await createLoadGenerator();
  const started = Date.now();
  const log = (line) => console.error(`[${((Date.now() - started) / 1000).toFixed(0).padStart(3)} s] ${line}`);
  try {
    const results = await runCoresRows(benchRuntimes(), config, load, log);
    console.log(renderCores(results, load.name));
  } finally {
    await load.close();
  }
}
