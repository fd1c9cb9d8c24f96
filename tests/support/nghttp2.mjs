/* @ts-self-types="./nghttp2.d.mts" */
// Debian's nghttp2 tools (nghttp and h2load from nghttp2-client, nghttpd from nghttp2-server) as child
// processes, for the http2 tests and the bench: finding a tool, and running nghttpd on 127.0.0.1.
// Every wait here is bounded: a few ports, a counted number of connect attempts, a kill deadline.
import { spawn } from "node:child_process";
import { accessSync, constants } from "node:fs";
import net from "node:net";
import { delimiter, join } from "node:path";

/** Where Debian installs the tools when PATH lacks them (nghttpd is in /usr/sbin). */
const EXTRA_DIRS = ["/usr/sbin", "/usr/bin"];
/** Connect attempts while waiting for a child to listen (each fails fast on loopback, then 50 ms pause). */
const LISTEN_ATTEMPTS = 200;
const ATTEMPT_TIMEOUT_MS = 1000;
const RETRY_PAUSE_MS = 50;
/** Ports tried by startNghttpd, in case another program takes a free one before nghttpd binds it. */
const PORT_TRIES = 3;
/** How long stop() waits after SIGTERM before SIGKILL. */
const STOP_GRACE_MS = 2000;

/**
 * The absolute path of the executable `name` on PATH or in /usr/sbin or /usr/bin, or undefined.
 * @param {string} name
 * @returns {string | undefined}
 */
export function findTool(name) {
  for (const dir of [...(process.env.PATH ?? "").split(delimiter), ...EXTRA_DIRS]) {
    if (!dir.startsWith("/")) continue;
    const path = join(dir, name);
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {}
  }
  return undefined;
}

/**
 * A port on 127.0.0.1 that was free a moment ago (nghttpd cannot bind port 0 and tell us which it got).
 * @returns {Promise<number>}
 */
export function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

/** Whether a TCP connection to 127.0.0.1:`port` opens within ATTEMPT_TIMEOUT_MS. */
function accepts(port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host: "127.0.0.1", port, timeout: ATTEMPT_TIMEOUT_MS });
    const done = (open) => {
      socket.destroy();
      resolve(open);
    };
    socket.once("connect", () => done(true));
    socket.once("timeout", () => done(false));
    socket.once("error", () => done(false));
  });
}

/** Whether `child` has exited or been killed. */
const hasExited = (child) => child.exitCode !== null || child.signalCode !== null;

/**
 * Resolves once something accepts TCP connections on 127.0.0.1:`port`; rejects when `child` exits first
 * or after `attempts` refused connections.
 * @param {number} port
 * @param {import("node:child_process").ChildProcess} child
 * @param {number} [attempts]
 * @returns {Promise<void>}
 */
export async function waitForListening(port, child, attempts = LISTEN_ATTEMPTS) {
  for (let attempt = 0; attempt < attempts; attempt++) {
    if (hasExited(child)) throw new Error(`it exited early (code ${child.exitCode}, signal ${child.signalCode})`);
    if (await accepts(port)) return;
    await new Promise((resolve) => setTimeout(resolve, RETRY_PAUSE_MS));
  }
  throw new Error(`nothing listened on 127.0.0.1:${port} after ${attempts} attempts`);
}

/**
 * Starts one nghttpd on 127.0.0.1 serving the files in `htdocs`: h2c by prior knowledge, or TLS with ALPN
 * h2 when `options.tls` names a key and certificate file. Tries a few ports; resolves once it listens.
 * @param {string} command
 * @param {string} htdocs
 * @param {{ tls?: { keyFile: string, certFile: string } }} [options]
 * @returns {Promise<{ port: number, pid: number | undefined, stop: () => Promise<void> }>}
 */
export async function startNghttpd(command, htdocs, options = {}) {
  const failures = [];
  for (let attempt = 0; attempt < PORT_TRIES; attempt++) {
    const port = await freePort();
    const { tls } = options;
    const args = ["--address=127.0.0.1", `--htdocs=${htdocs}`, String(port)];
    // stderr is read to its end (keeping a tail for the error below), so a full pipe cannot stall nghttpd.
    const child = spawn(command, tls ? [...args, tls.keyFile, tls.certFile] : ["--no-tls", ...args], {
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk) => {
      stderr = (stderr + chunk).slice(-2000);
    });
    const exited = new Promise((resolve) => child.once("close", resolve));
    child.once("error", () => {}); // a spawn failure also closes the child; waitForListening reports it
    const stop = async () => {
      if (!hasExited(child)) child.kill("SIGTERM");
      const kill = setTimeout(() => child.kill("SIGKILL"), STOP_GRACE_MS);
      await exited;
      clearTimeout(kill);
    };
    try {
      await waitForListening(port, child);
      return { port, pid: child.pid, stop };
    } catch (error) {
      await stop();
      failures.push(`port ${port}: ${error instanceof Error ? error.message : error}${stderr ? `\n${stderr}` : ""}`);
    }
  }
  throw new Error(`nghttpd did not start:\n${failures.join("\n")}`);
}
