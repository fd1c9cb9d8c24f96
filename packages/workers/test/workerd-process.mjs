// Runs a Worker in a real workerd on 127.0.0.1 from a hand-written workerd config: bundles it
// (bundle-worker.mjs), writes the config, starts `workerd serve` (port 0, reported through --control-fd)
// and posts requests to it.
// Superseded by miniflare-worker.mjs (miniflare's public API), which every test, the matrix and the
// example use. Kept for the benchmarks only (bench/lib/workerd.mjs, bench/profile.mjs): they need the
// workerd process's pid for CPU accounting and profiling, which miniflare does not expose.
import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bundleWorker } from "./bundle-worker.mjs";
import { postJson } from "./post-json.mjs";
import { COMPATIBILITY_DATE, workerdBinary, workerdVersion } from "./workerd-binary.mjs";

export { bundleWorker } from "./bundle-worker.mjs";
export { COMPATIBILITY_DATE, workerdBinary, workerdVersion } from "./workerd-binary.mjs";

const START_LIMIT_MS = 30_000;
const STOP_GRACE_MS = 1_000;
const LOG_LIMIT = 20_000;

/**
 * A workerd config serving the module `worker.js` (next to the config) as service "main" on socket
 * "http" (127.0.0.1, port 0). Its global outbound is the network service "loopback", which may reach
 * loopback only (workerd's default "internet" one may not). `outboundTls`: the tlsOptions of that
 * network (capnp, e.g. `trustBrowserCas = true`); `services`, `bindings`: more capnp entries of the
 * config's services and the Worker's bindings.
 */
export function workerdConfig({ outboundTls, services = [], bindings = [] } = {}) {
  const tls = outboundTls ? `, tlsOptions = (${outboundTls})` : "";
  const list = (items) => items.map((item) => `\n    ${item},`).join("");
  return `using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "main", worker = .worker),
    (name = "loopback", network = (allow = ["local"]${tls})),${list(services)}
  ],
  sockets = [(name = "http", address = "127.0.0.1:0", http = (), service = "main")],
);

const worker :Workerd.Worker = (
  modules = [(name = "worker.js", esModule = embed "worker.js")],
  compatibilityDate = "${COMPATIBILITY_DATE}",
  globalOutbound = "loopback",
  bindings = [${list(bindings)}
  ],
);
`;
}

/** Resolves with the port workerd reports for socket "http" on its control descriptor. */
function listeningPort(child, exited, log) {
  return new Promise((resolve, reject) => {
    let control = "";
    const timer = setTimeout(
      () => reject(new Error(`workerd did not listen within ${START_LIMIT_MS} ms\n${log()}`)),
      START_LIMIT_MS,
    );
    child.stdio[3].on("data", (chunk) => {
      control += chunk;
      for (const text of control.split("\n")) {
        if (!text.trim()) continue;
        const event = JSON.parse(text);
        if (event.event === "listen" && event.socket === "http") {
          clearTimeout(timer);
          resolve(event.port);
        }
      }
    });
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`workerd exited (${code ?? signal}) before listening\n${log()}`));
    });
  });
}

/**
 * Bundles `entry` (see {@link bundleWorker}; `alias` is passed on), writes `config` (see
 * {@link workerdConfig}) and `files` (name → contents, e.g. a CA the config embeds) to a temp directory,
 * and serves it with workerd. Resolves once workerd listens with `{ port, pid, version, log(), post(),
 * stop() }`; `echo: true` shows workerd's output on this process's stdout/stderr as well.
 */
export async function startWorkerd({ entry, config, alias, files = {}, echo = false }) {
  const dir = await mkdtemp(join(tmpdir(), "sansio-workerd-"));
  try {
    await bundleWorker(entry, join(dir, "worker.js"), { alias });
    for (const [name, contents] of Object.entries(files)) await writeFile(join(dir, name), contents);
    await writeFile(join(dir, "config.capnp"), config);
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  const child = spawn(workerdBinary(), ["serve", join(dir, "config.capnp"), "--control-fd=3"], {
    cwd: dir,
    stdio: ["ignore", "pipe", "pipe", "pipe"],
  });
  let output = "";
  const keep = (to) => (chunk) => {
    output = (output + chunk).slice(-LOG_LIMIT);
    if (echo) to.write(chunk);
  };
  child.stdout.on("data", keep(process.stdout));
  child.stderr.on("data", keep(process.stderr));
  const log = () => output;
  const exited = new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));

  let stopped = false;
  /** Stops workerd (SIGTERM, then SIGKILL: it waits for requests in flight) and removes its files. */
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), STOP_GRACE_MS);
      await exited;
      clearTimeout(timer);
    }
    await rm(dir, { recursive: true, force: true });
  };

  let port;
  try {
    port = await listeningPort(child, exited, log);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    port,
    /** The workerd process. */
    pid: child.pid,
    version: workerdVersion(),
    /** workerd's recent output, for failure messages. */
    log,
    /** POSTs JSON to the Worker and returns its JSON answer; rejects with the Worker's error text. */
    post: (path, body, timeoutMs = 300_000) => postJson(fetch, `http://127.0.0.1:${port}${path}`, body, timeoutMs, log),
    stop,
  };
}
