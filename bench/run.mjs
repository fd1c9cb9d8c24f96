// `npm run bench [-- --quick] [-- --only sockets,cpu,http,memory,http2,websocket,cores] [-- --write]`
//
// Side-by-side benchmarks of the sansio adapters against each runtime's own sockets and servers. A and
// B run interleaved in the same run (rotating which goes first), each row reports the median over
// rounds of the per-round ratio, and a control row (raw against raw) shows the noise. Prints markdown
// tables; a full run (no --quick, no --only) also writes bench/RESULTS.md. See bench/README.md.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import os from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createLoadGenerator } from "./lib/load.mjs";
import { renderResults } from "./lib/report.mjs";
import { benchRuntimes } from "./lib/runtimes.mjs";
import { renderCores, runCoresRows } from "./sections/cores.mjs";
import { runCpuRows } from "./sections/cpu.mjs";
import { runHttpRows } from "./sections/http.mjs";
import { runHttp2Rows } from "./sections/http2.mjs";
import { runMemoryRows } from "./sections/memory.mjs";
import { runSocketRows } from "./sections/sockets.mjs";
import { runWebSocketRows } from "./sections/websocket.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..");
const MiB = 1024 * 1024;
const SECTIONS = ["sockets", "cpu", "http", "memory", "http2", "websocket", "cores"];

const USAGE = `usage: npm run bench -- [--quick] [--only ${SECTIONS.join(",")}] [--write]
  --quick   small sizes and few rounds (about 2 minutes)
  --only    run only these sections (comma separated)
  --write   write bench/RESULTS.md even for a quick or partial run
Set SANSIO_BENCH_LOAD=autocannon to use autocannon even when wrk is installed.`;

const FULL = {
  rounds: 5,
  bulkBytes: 256 * MiB,
  chunk: 64 * 1024,
  rttCount: 20_000,
  rttSize: 64,
  httpRounds: 5,
  seconds: 3,
  warmSeconds: 1,
  memoryConnections: 10_000,
  memoryRounds: 3,
  h2Rounds: 5,
  h2Seconds: 2,
  h2WarmRequests: 20_000,
  h2ClientRequests: 100_000,
  h2ClientRounds: 3,
  wsRounds: 5,
  wsSeconds: 2,
  wsWarmSeconds: 1,
  limitMs: 35 * 60_000,
};
const QUICK = {
  rounds: 3,
  bulkBytes: 32 * MiB,
  chunk: 64 * 1024,
  rttCount: 2_000,
  rttSize: 64,
  httpRounds: 2,
  seconds: 1,
  warmSeconds: 1,
  memoryConnections: 2_000,
  memoryRounds: 1,
  h2Rounds: 1,
  h2Seconds: 0.5,
  h2WarmRequests: 5_000,
  h2ClientRequests: 10_000,
  h2ClientRounds: 1,
  wsRounds: 1,
  wsSeconds: 0.5,
  wsWarmSeconds: 0.25,
  limitMs: 8 * 60_000,
};

function parseArgs(argv) {
  const options = { quick: false, only: SECTIONS, write: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--help" || arg === "-h") {
      console.log(USAGE);
      process.exit(0);
    } else if (arg === "--quick") options.quick = true;
    else if (arg === "--write") options.write = true;
    else if (arg === "--only" || arg.startsWith("--only=")) {
      const list = arg === "--only" ? argv[++i] : arg.slice("--only=".length);
      options.only = (list ?? "").split(",").filter(Boolean);
      const unknown = options.only.filter((name) => !SECTIONS.includes(name));
      if (unknown.length > 0 || options.only.length === 0) {
        console.error(`unknown section(s) ${unknown.join(",")}\n${USAGE}`);
        process.exit(2);
      }
    } else {
      console.error(`unknown argument ${arg}\n${USAGE}`);
      process.exit(2);
    }
  }
  return options;
}

function gitDescription() {
  try {
    const commit = execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: root, encoding: "utf8" }).trim();
    const dirty = execFileSync("git", ["status", "--porcelain", "--untracked-files=no"], {
      cwd: root,
      encoding: "utf8",
    }).trim();
    return dirty ? `${commit} + uncommitted changes` : commit;
  } catch {
    return "unknown";
  }
}

function machine() {
  const cpus = os.cpus();
  return {
    cpu: `${cpus[0]?.model ?? "unknown CPU"}, ${cpus.length} logical cores`,
    memory: `${(os.totalmem() / 1024 ** 3).toFixed(1)} GiB`,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    load: os
      .loadavg()
      .map((value) => value.toFixed(2))
      .join(" "),
  };
}

const options = parseArgs(process.argv.slice(2));
const config = options.quick ? QUICK : FULL;
for (const name of ["runtime-api", "node", "deno", "bun", "workers", "http1", "http2", "websocket"]) {
  if (!existsSync(join(root, "packages", name, "dist", "index.js"))) {
    console.error(`packages/${name}/dist is missing: run \`npm run build\` first`);
    process.exit(1);
  }
}

const started = Date.now();
const watchdog = setTimeout(() => {
  console.error(`bench: still running after ${config.limitMs / 60_000} minutes; giving up`);
  process.exit(1);
}, config.limitMs);
watchdog.unref();
const log = (line) => console.error(`[${((Date.now() - started) / 1000).toFixed(0).padStart(3)} s] ${line}`);

const runtimes = benchRuntimes();
const host = machine();
log(
  `${options.quick ? "quick" : "full"} run: ${Object.values(runtimes)
    .map((r) => r.label)
    .join(", ")}`,
);
log(`machine: ${host.cpu}; load average ${host.load}`);

/** @type {Record<string, any>} */
const results = {};
if (options.only.includes("sockets")) {
  log("sockets: bulk echo and round trips, adapter vs raw");
  results.sockets = await runSocketRows(runtimes, config, log);
}
if (options.only.includes("cpu")) {
  log("cpu: bulk echo and round trips in one process, adapter vs raw");
  results.cpu = await runCpuRows(runtimes, config, log);
}
/** The HTTP sections' rounds and durations. */
const httpConfig = { rounds: config.httpRounds, seconds: config.seconds, warmSeconds: config.warmSeconds };

/** Runs an HTTP section with a load generator of its own; the result names the generator. */
async function withLoadGenerator(title, run) {
  const load = await createLoadGenerator();
  log(`${title}${load.name}`);
  try {
    return { generator: load.name, ...(await run(load)) };
  } finally {
    await load.close();
  }
}

if (options.only.includes("http")) {
  results.http = await withLoadGenerator("http: load generator ", (load) =>
    runHttpRows(runtimes, httpConfig, load, log),
  );
}
if (options.only.includes("memory")) {
  log("memory: idle keep-alive connections");
  try {
    results.memory = await runMemoryRows(
      runtimes,
      { rounds: config.memoryRounds, connections: config.memoryConnections },
      log,
    );
  } catch (error) {
    log(`  memory: FAILED ${error instanceof Error ? error.message : error}`);
    results.memory = { error: String(error) };
  }
}
if (options.only.includes("http2")) {
  log("http2: server (h2load), client, idle memory");
  results.http2 = await runHttp2Rows(runtimes, config, log);
}
if (options.only.includes("websocket")) {
  log("websocket: echo, idle memory");
  results.websocket = await runWebSocketRows(runtimes, config, log);
}

if (options.only.includes("cores")) {
  results.cores = await withLoadGenerator("cores: one process vs one per core (reusePort), load generator ", (load) =>
    runCoresRows(runtimes, httpConfig, load, log),
  );
}

const seconds = (Date.now() - started) / 1000;
const tables = `${renderResults(results, config)}${results.cores ? `\n${renderCores(results.cores, results.cores.generator)}` : ""}`;
console.log(`\n${tables}`);
log(`done in ${seconds.toFixed(0)} s`);

const complete = !options.quick && options.only.length === SECTIONS.length;
if (complete || options.write) {
  const command = `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(" ")}` : ""}`;
  const text = `# Benchmark results

Written by \`${command}\` (bench/run.mjs); how to read them: bench/README.md.
Ratios are medians over rounds of A/B measured in the same round; the control rows measure one side
against itself and show how much this machine's noise alone moves a ratio. The absolute numbers are
this machine's, on this day: compare ratios, not them.

- Date: ${new Date().toISOString()}
- Commit: ${gitDescription()}
- Machine: ${host.cpu}, ${host.memory} RAM, ${host.os}; load average at start ${host.load} (the cores are shared)
- Runtimes: ${Object.values(runtimes)
    .map((r) => r.label)
    .join(", ")}
- Rounds: ${config.rounds} (sockets), ${config.httpRounds} × ${config.seconds} s (HTTP), ${config.memoryRounds} (memory), ${config.h2Rounds} × ${config.h2Seconds} s (HTTP/2 server), ${config.h2ClientRounds} (HTTP/2 client), ${config.wsRounds} × ${config.wsSeconds} s (WebSocket); total time ${seconds.toFixed(0)} s

${tables}`;
  await writeFile(join(here, "RESULTS.md"), text);
  log("wrote bench/RESULTS.md");
}
clearTimeout(watchdog);
