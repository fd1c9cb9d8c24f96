import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root. */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

/** The runtimes the demo runs on. */
export type DemoRuntime = "node" | "deno" | "bun";

/**
 * How to run the demo's entry for `runtime` (the binaries come from node_modules/.bin). `writable`: a
 * file the demo may write (Deno's `--allow-write`), e.g. the `--ca-out` file of a `--tls` demo.
 */
export function demoCommand(runtime: DemoRuntime, writable?: string): { command: string; args: string[] } {
  const entry = join(ROOT, "examples", "server", `${runtime}.ts`);
  switch (runtime) {
    case "node":
      return { command: process.execPath, args: [entry] };
    case "deno": {
      const permissions = ["--allow-net", ...(writable === undefined ? [] : [`--allow-write=${writable}`])];
      return { command: join(ROOT, "node_modules", ".bin", "deno"), args: ["run", ...permissions, entry] };
    }
    default:
      return { command: join(ROOT, "node_modules", ".bin", "bun"), args: [entry] };
  }
}

/** Deterministic pseudo-random bytes (so a mismatch shows where). */
export function payload(size: number, seed: number): Buffer {
  const out = Buffer.alloc(size);
  let x = seed >>> 0;
  for (let i = 0; i < size; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

/** The bytes `GET /stream?bytes=N` sends: a repeating alphabet, restarting every 64 KiB. */
export function streamPattern(size: number): Buffer {
  const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789\n";
  const out = Buffer.alloc(size);
  for (let i = 0; i < size; i++) out[i] = alphabet.charCodeAt((i % (64 * 1024)) % alphabet.length);
  return out;
}

/** How a demo process ended: its exit code, or the signal that killed it. */
export type DemoExit = { readonly code: number | null; readonly signal: NodeJS.Signals | null };

/** A demo server running in a child process. */
export interface DemoProcess {
  readonly url: string;
  readonly output: () => string;
  /** SIGTERM (the demo closes its listener gracefully and exits), then SIGKILL after 5 s; resolves with how it ended. */
  stop(): Promise<DemoExit>;
}

/**
 * Starts the demo (`--host 127.0.0.1 --port 0`) and waits, at most `timeout` ms, for its
 * `listening on http://HOST:PORT` line (`https://` with `--tls`).
 */
export function startDemo(
  command: string,
  args: string[],
  timeout = 30_000,
  env: NodeJS.ProcessEnv = process.env,
): Promise<DemoProcess> {
  const child: ChildProcess = spawn(command, [...args, "--host", "127.0.0.1", "--port", "0"], {
    cwd: ROOT,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`the demo did not print its address within ${timeout} ms:\n${output}`));
    }, timeout);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = /listening on (https?:\/\/[^\s]+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ url: match[1] as string, output: () => output, stop: () => stopChild(child) });
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`the demo exited (${code ?? signal}) before listening:\n${output}`));
    });
  });
}

/**
 * Starts the demo as `npm start -- ARGS` does (examples/server/start.mjs run by `node`, default this
 * process's Node), without its build check: the packages are built by `npm test` before vitest runs.
 */
export function startNpmStart(args: string[], node = process.execPath, timeout = 30_000): Promise<DemoProcess> {
  const start = join(ROOT, "examples", "server", "start.mjs");
  return startDemo(node, [start, ...args], timeout, { ...process.env, SANSIO_START_NO_BUILD: "1" });
}

/** SIGTERM (the demo closes its listener and exits), then SIGKILL after 5 s. */
function stopChild(child: ChildProcess): Promise<DemoExit> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  }
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal });
    });
    child.kill("SIGTERM");
  });
}

/** curl: Debian's, else whichever is on PATH. */
const CURL = existsSync("/usr/bin/curl") ? "/usr/bin/curl" : "curl";

/** True when `curl` can be run here. */
export function hasCurl(): boolean {
  return CURL === "/usr/bin/curl" || spawnSync(CURL, ["--version"], { stdio: "ignore" }).status === 0;
}

/** True when `curl` is installed with HTTP/2 (built with nghttp2). */
export function curlHasHttp2(): boolean {
  const probe = spawnSync(CURL, ["--version"], { encoding: "utf8" });
  return probe.status === 0 && /\bHTTP2\b/.test(probe.stdout);
}

/** True when `nghttp` (Debian nghttp2-client) can be run here. */
export function hasNghttp(): boolean {
  return spawnSync("nghttp", ["--version"], { stdio: "ignore" }).status === 0;
}

/** The outcome of a command-line client. */
export interface ToolResult {
  readonly code: number;
  readonly stdout: Buffer;
  readonly stderr: string;
}

/** Runs `command` with `args`, killed after `timeout` ms; resolves with its exit code, stdout and stderr. */
export function runTool(command: string, args: string[], timeout = 40_000): Promise<ToolResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args);
    const out: Buffer[] = [];
    let err = "";
    const timer = setTimeout(() => child.kill("SIGKILL"), timeout);
    child.stdout.on("data", (chunk: Buffer) => out.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => {
      err += chunk.toString();
    });
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout: Buffer.concat(out), stderr: err });
    });
  });
}

/** Runs curl with `args` (bounded by `--max-time`); resolves with its exit code, stdout and stderr. */
export function curl(args: string[]): Promise<ToolResult> {
  return runTool(CURL, ["--silent", "--show-error", "--max-time", "30", ...args]);
}
