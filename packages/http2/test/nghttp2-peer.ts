// Debian's nghttp2 tools (nghttp, nghttpd, h2load) as peers, run as child processes: what only the tests
// need on top of tests/support/nghttp2.mjs (which finds the tools and starts nghttpd, for the bench too).
import { execFile } from "node:child_process";

/** Says loudly that the tests needing `tool` did not run. */
export function warnIfMissing(tool: string, command: string | undefined, what: string): void {
  if (command === undefined) console.warn(`SKIPPED: ${tool} (Debian nghttp2) is not installed; ${what} did not run`);
}

/** Runs a tool asynchronously (our side runs in this process); resolves with stdout, rejects on failure. */
export function runTool(command: string, args: string[], timeoutMs = 20_000): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile(command, args, { encoding: "utf8", timeout: timeoutMs, maxBuffer: 16 << 20 }, (error, out, err) =>
      error ? reject(new Error(`${command} ${args.join(" ")}: ${error.message}\n${err}`)) : resolve(out),
    ),
  );
}
