import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root. */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

/** The runtimes the demo runs on. */
export type DemoRuntime = "node" | "deno" | "bun";

/** How to run the demo's entry for `runtime` (the binaries come from node_modules/.bin). */
export function demoCommand(runtime: DemoRuntime): { command: string; args: string[] } {
  const entry = join(ROOT, "examples", "server", `${runtime}.ts`);
  switch (runtime) {
    case "node":
      return { command: process.execPath, args: [entry] };
    case "deno":
      return { command: join(ROOT, "node_modules", ".bin", "deno"), args: ["run", "--allow-net", entry] };
    default:
      return { command: join(ROOT, "node_modules", ".bin", "bun"), args: [entry] };
  }
}

/** A demo server running in a child process. */
export interface DemoProcess {
  readonly url: string;
  readonly output: () => string;
  stop(): Promise<void>;
}

/**
 * Starts the demo (`--host 127.0.0.1 --port 0`) and waits, at most `timeout` ms, for its
 * `listening on http://HOST:PORT` line.
 */
export function startDemo(command: string, args: string[], timeout = 30_000): Promise<DemoProcess> {
  const child: ChildProcess = spawn(command, [...args, "--host", "127.0.0.1", "--port", "0"], {
    cwd: ROOT,
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
      const match = /listening on (http:\/\/[^\s]+)/.exec(output);
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

/** SIGTERM (the demo closes its listener and exits), then SIGKILL after 5 s. */
function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill("SIGTERM");
  });
}

/** True when `curl` can be run here. */
export function hasCurl(): boolean {
  if (!existsSync("/usr/bin/curl")) {
    const probe = spawnSync("curl", ["--version"], { stdio: "ignore" });
    return probe.status === 0;
  }
  return true;
}

/** Runs curl with `args` (bounded by `--max-time`); resolves with its exit code, stdout and stderr. */
export function curl(args: string[]): Promise<{ code: number; stdout: Buffer; stderr: string }> {
  const command = existsSync("/usr/bin/curl") ? "/usr/bin/curl" : "curl";
  return new Promise((resolve, reject) => {
    const child = spawn(command, ["--silent", "--show-error", "--max-time", "30", ...args]);
    const out: Buffer[] = [];
    let err = "";
    child.stdout.on("data", (chunk: Buffer) => out.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => {
      err += chunk.toString();
    });
    child.on("error", reject);
    child.on("exit", (code) => resolve({ code: code ?? -1, stdout: Buffer.concat(out), stderr: err }));
  });
}
