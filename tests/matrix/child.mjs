// Runs one matrix entry as a child process, bounded in time, and reads its protocol lines.
import { spawn } from "node:child_process";
import { onLines } from "../support/lines.mjs";

/**
 * Starts `runtime` with extra args; resolves with the first stdout line starting with `marker` (parsed
 * JSON after it) or rejects when the child exits first or `ms` pass. The child is returned to stop it.
 */
export function startEntry(runtime, extraArgs, env, marker, ms) {
  const child = spawn(runtime.command, [...runtime.args, ...extraArgs], {
    env: { ...process.env, ...env },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (chunk) => {
    stderr = (stderr + chunk).slice(-4000);
  });
  const found = new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${runtime.id}: no ${marker} line within ${ms} ms\n${stderr}`));
    }, ms);
    onLines(child.stdout, (line) => {
      if (line.startsWith(`${marker} `)) {
        clearTimeout(timer);
        resolve(JSON.parse(line.slice(marker.length + 1)));
      }
    });
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${runtime.id}: exited (${code ?? signal}) before printing ${marker}\n${stderr}`));
    });
  });
  found.catch(() => {});
  return { child, found };
}

/** Ends a serving child: closes its stdin, then SIGTERM, then SIGKILL; resolves once it has exited. */
export function stopEntry(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill("SIGKILL"), 3000);
    child.once("exit", () => {
      clearTimeout(kill);
      resolve();
    });
    child.stdin.end();
    setTimeout(() => child.kill("SIGTERM"), 500).unref();
  });
}
