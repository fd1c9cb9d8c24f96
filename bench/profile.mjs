// `node bench/profile.mjs <node|deno|bun|workerd> <bulk|rtt> [adapter|raw] [trials] [--local]`
// `node bench/profile.mjs <node|deno|bun> http [sansio|native] [seconds] [pipelining]`
//
// Runs one benchmark side under the runtime's own CPU profiler (`--cpu-prof` on Node, Deno and Bun:
// both the echo server and the client process, or the HTTP server under the bench's load generator;
// workerd: the bench Worker through workerd's inspector, against the raw Node echo server; --local: the
// CPU-bound rows 1b/2b, client and server in one process, one profile) and prints
// where the time goes: the functions with the most self time. The .cpuprofile files stay in the printed directory (open them in Chrome DevTools or
// speedscope for the call trees).
import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { bundleWorker, workerdBinary, workerdConfig } from "../packages/workers/test/workerd-process.mjs";
import { startChild } from "./lib/child.mjs";
import { createLoadGenerator } from "./lib/load.mjs";
import { benchRuntimes } from "./lib/runtimes.mjs";
import { BENCH_WORKER } from "./lib/workerd.mjs";

const local = process.argv.includes("--local");
const args = process.argv.slice(2).filter((arg) => arg !== "--local");
const [id = "node", test = "bulk"] = args;
const http = test === "http";
const [impl = http ? "sansio" : "adapter", trialsArg = http ? "10" : "5", pipeliningArg = "1"] = args.slice(2);
const runtimes = benchRuntimes();
const runtime = runtimes[id];
const implementations = http ? ["sansio", "native"] : ["adapter", "raw"];
if (
  !runtime ||
  !["bulk", "rtt", "http"].includes(test) ||
  !implementations.includes(impl) ||
  (http && id === "workerd") ||
  (local && (http || id === "workerd"))
) {
  console.error(`usage: node bench/profile.mjs <node|deno|bun|workerd> <bulk|rtt> [adapter|raw] [trials]
       node bench/profile.mjs <node|deno|bun> <bulk|rtt> [adapter|raw] [trials] --local
       node bench/profile.mjs <node|deno|bun> http [sansio|native] [seconds] [pipelining]`);
  process.exit(2);
}
const trials = Number(trialsArg);
const dir = mkdtempSync(join(tmpdir(), `sansio-profile-${id}-${test}-`));

/** The runtime's flags that write a CPU profile into `dir` on exit, named after `role`. */
function profileFlags(role) {
  const name = `${role}.cpuprofile`;
  if (id === "node") return [`--cpu-prof`, `--cpu-prof-dir=${dir}`, `--cpu-prof-name=${name}`];
  if (id === "deno") return ["run", "-A", `--cpu-prof-dir=${dir}`, `--cpu-prof-name=${name}`];
  return ["run", "--cpu-prof", `--cpu-prof-dir=${dir}`, `--cpu-prof-name=${name}`];
}
const trialCommand = (port) =>
  test === "bulk"
    ? { test, impl, port, chunk: 64 * 1024, total: 256 * 1024 * 1024 }
    : { test, impl, port, size: 64, count: 20_000 };

/**
 * workerd serving the bench Worker with its inspector open on `inspectorPort`. The repository's runner
 * (startWorkerd) takes no extra workerd flags, so this spawns workerd itself, with the runner's bundler
 * and config; resolves with `{ post(body), stop() }`.
 */
async function startInspectedWorker(inspectorPort) {
  const work = mkdtempSync(join(tmpdir(), "sansio-profile-workerd-"));
  await bundleWorker(BENCH_WORKER, join(work, "worker.js"));
  await writeFile(join(work, "config.capnp"), workerdConfig());
  const args = ["serve", join(work, "config.capnp"), "--control-fd=3", `--inspector-addr=127.0.0.1:${inspectorPort}`];
  const child = spawn(workerdBinary(), args, { cwd: work, stdio: ["ignore", "ignore", "inherit", "pipe"] });
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("workerd did not listen within 30 s")), 30_000);
    let control = "";
    child.stdio[3].on("data", (chunk) => {
      control += chunk;
      const listen = control
        .split("\n")
        .filter((line) => line.trim())
        .map((line) => JSON.parse(line))
        .find((event) => event.event === "listen" && event.socket === "http");
      if (listen) {
        clearTimeout(timer);
        resolve(listen.port);
      }
    });
    child.once("exit", () => reject(new Error("workerd exited before listening")));
  });
  return {
    async post(body) {
      const response = await fetch(`http://127.0.0.1:${port}/`, { method: "POST", body: JSON.stringify(body) });
      if (!response.ok) throw new Error(`bench Worker: ${response.status} ${await response.text()}`);
      return response.json();
    },
    async stop() {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGKILL");
      await exited;
      await rm(work, { recursive: true, force: true });
    },
  };
}

/** Profiles the Worker through workerd's inspector (the DevTools protocol over a WebSocket). */
async function profileWorkerd() {
  const node = runtimes.node;
  const server = await startChild(node.command, ["bench/socket/node.mjs", "--serve"]);
  const inspectorPort = 9300 + Math.floor(Math.random() * 500);
  const worker = await startInspectedWorker(inspectorPort);
  try {
    const socket = new WebSocket(`ws://127.0.0.1:${inspectorPort}/main`);
    await new Promise((resolve, reject) => {
      socket.onopen = resolve;
      socket.onerror = () => reject(new Error("cannot reach workerd's inspector"));
    });
    let nextId = 1;
    const waiting = new Map();
    socket.onmessage = (event) => {
      const message = JSON.parse(event.data);
      if (message.id !== undefined) waiting.get(message.id)?.(message);
    };
    const call = (method, params = {}) =>
      new Promise((resolve) => {
        const id = nextId++;
        waiting.set(id, resolve);
        socket.send(JSON.stringify({ id, method, params }));
      });
    await call("Profiler.enable");
    await call("Profiler.setSamplingInterval", { interval: 200 });
    await call("Profiler.start");
    for (let i = 0; i < trials; i++) {
      const { ms } = await worker.post(trialCommand(server.ready.raw));
      console.error(`trial ${i + 1}: ${ms.toFixed(0)} ms`);
    }
    const { result } = await call("Profiler.stop");
    await writeFile(join(dir, "worker.cpuprofile"), JSON.stringify(result.profile));
    socket.close();
  } finally {
    await worker.stop();
    await server.stop();
  }
}

/** Profiles an HTTP server of bench/http under the load generator. */
async function profileHttp() {
  const load = await createLoadGenerator();
  const server = await startChild(runtime.command, [...profileFlags("server"), `bench/http/${id}.mjs`, impl]);
  try {
    const { rps } = await load.run({
      port: server.ready.port,
      connections: 50,
      seconds: trials,
      pipelining: Number(pipeliningArg),
    });
    console.error(`${load.name}: ${rps.toFixed(0)} req/s`);
  } finally {
    await server.stop();
    await load.close();
  }
}

if (id === "workerd") await profileWorkerd();
else if (http) await profileHttp();
else if (local) {
  // Rows 1b/2b: the echo server and the client share one thread, so one profile has all the work.
  const both = await startChild(runtime.command, [...profileFlags("process"), `bench/socket/${id}.mjs`, "--local"]);
  for (let i = 0; i < trials; i++) {
    const ms = await both.send(trialCommand(both.ready[impl]));
    console.error(`trial ${i + 1}: ${ms.toFixed(0)} ms`);
  }
  await both.stop();
} else {
  const script = `bench/socket/${id}.mjs`;
  const server = await startChild(runtime.command, [...profileFlags("server"), script, "--serve"]);
  const client = await startChild(runtime.command, [...profileFlags("client"), script]);
  for (let i = 0; i < trials; i++) {
    const ms = await client.send(trialCommand(server.ready[impl]));
    console.error(`trial ${i + 1}: ${ms.toFixed(0)} ms`);
  }
  await client.stop();
  await server.stop();
}

/** Self time per function (name, file, line), from a .cpuprofile's samples. */
function selfTimes(profile) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const totals = new Map();
  let all = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const node = byId.get(profile.samples[i]);
    const delta = profile.timeDeltas[i] ?? 0;
    all += delta;
    const frame = node.callFrame;
    const file = frame.url ? basename(frame.url) : "";
    const key = `${frame.functionName || "(anonymous)"} ${file}${file ? `:${frame.lineNumber + 1}` : ""}`;
    totals.set(key, (totals.get(key) ?? 0) + delta);
  }
  return { all, totals: [...totals].sort((a, b) => b[1] - a[1]) };
}

for (const file of (await readdir(dir)).filter((name) => name.endsWith(".cpuprofile")).sort()) {
  const { all, totals } = selfTimes(JSON.parse(await readFile(join(dir, file), "utf8")));
  console.log(`\n${file}: ${(all / 1000).toFixed(0)} ms sampled; top self time`);
  for (const [key, time] of totals.slice(0, 25)) {
    console.log(`${((100 * time) / all).toFixed(1).padStart(5)}%  ${key}`);
  }
}
console.log(`\nprofiles: ${dir}`);
