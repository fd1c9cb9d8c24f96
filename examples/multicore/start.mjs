// One listener per core, on Node (>= 22.12), Bun or Deno, with reusePort:
//   node examples/multicore/start.mjs --runtime node|bun|deno [--processes N] [--host H] [--port P]
// Starts N processes (default: one per core) that each listen on the same port with reusePort; the
// kernel spreads new connections among them. Port 0: the first process picks one, the others join it.
// Prints {"ready":true,"port":P,"pids":[...]} once all listen. SIGINT/SIGTERM stops them all (each
// drains its connections for up to 2 s), prints {"stopped":true,"clean":...} and exits 0 when every one
// exited cleanly.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");
const STARTUP_MS = 30_000;

function options(argv) {
  const out = { runtime: "node", processes: availableParallelism(), hostname: "127.0.0.1", port: 8080 };
  for (let i = 0; i < argv.length; i++) {
    const value = argv[i + 1];
    if (argv[i] === "--runtime") out.runtime = value;
    else if (argv[i] === "--processes") out.processes = Number(value);
    else if (argv[i] === "--host") out.hostname = value;
    else if (argv[i] === "--port") out.port = Number(value);
    else throw new Error(`unknown argument ${argv[i]}`);
    i++;
  }
  if (!["node", "bun", "deno"].includes(out.runtime)) throw new Error(`--runtime node|bun|deno, not ${out.runtime}`);
  if (!Number.isInteger(out.processes) || out.processes < 1) throw new Error("--processes must be >= 1");
  return out;
}

/** The runtime's binary: this one when it is the runtime asked for, else the workspace's, else PATH's. */
function binary(runtime) {
  const running = globalThis.Deno ? "deno" : process.versions.bun ? "bun" : "node";
  if (runtime === running) return process.execPath;
  const local = join(root, "node_modules", ".bin", runtime);
  return existsSync(local) ? local : runtime;
}

/** Starts one listener process on `port` and resolves with its ready line. */
function startOne(runtime, hostname, port) {
  const entry = join(here, `${runtime}.mjs`);
  const args = ["--host", hostname, "--port", String(port)];
  const argv =
    runtime === "deno" ? ["run", "--allow-net", "--allow-env", "--unstable-net", entry, ...args] : [entry, ...args];
  const child = spawn(binary(runtime), argv, { cwd: root, stdio: ["ignore", "pipe", "inherit"] });
  const exited = new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  const ready = new Promise((resolve, reject) => {
    let text = "";
    const timer = setTimeout(() => reject(new Error(`${runtime} did not listen within ${STARTUP_MS} ms`)), STARTUP_MS);
    child.stdout.on("data", (chunk) => {
      text += chunk;
      const line = text.split("\n").find((l) => l.startsWith("{"));
      if (line) {
        clearTimeout(timer);
        resolve(JSON.parse(line));
      }
    });
    exited.then(({ code }) => {
      clearTimeout(timer);
      reject(new Error(`${runtime} exited with ${code} before it listened`));
    });
  });
  return { child, ready, exited };
}

if (globalThis.Deno) {
  // Under Deno a SIGTERM could kill this launcher before its handler stops the children (seen with
  // Deno 2.9 in a directory with a package.json): run the launcher with Node or Bun, for any runtime.
  console.error("run this launcher with node or bun (it starts Deno listeners with --runtime deno)");
  process.exit(2);
}
const { runtime, processes, hostname, port } = options(process.argv.slice(2));
const started = [];
let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  for (const { child } of started) child.kill("SIGTERM");
  const outcomes = await Promise.all(started.map((p) => p.exited));
  const clean = outcomes.every((o) => o.code === 0);
  process.stdout.write(`${JSON.stringify({ stopped: true, clean, codes: outcomes.map((o) => o.code) })}\n`);
  process.exit(clean ? 0 : 1);
};
process.once("SIGINT", stop);
process.once("SIGTERM", stop);

try {
  const first = startOne(runtime, hostname, port);
  started.push(first);
  const { port: shared } = await first.ready;
  for (let i = 1; i < processes; i++) started.push(startOne(runtime, hostname, shared));
  const lines = await Promise.all(started.map((p) => p.ready));
  process.stdout.write(`${JSON.stringify({ ready: true, port: shared, pids: lines.map((l) => l.pid) })}\n`);
  // A process that dies on its own takes the group down (and the exit code says so).
  for (const p of started) p.exited.then(() => void (stopping || stop()));
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  await stop();
}
