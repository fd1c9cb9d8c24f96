// Runs a multicore example (examples/multicore) as a user would and checks it: it prints a ready line,
// several processes answer on one port, and SIGTERM stops all of them with exit code 0. Plain code on
// node:child_process and node:http, so the Node, Bun and Deno tests all use it. Every wait is bounded.
import { spawn } from "node:child_process";
import * as http from "node:http";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { check, within } from "@sansio/runtime-api/conformance";

/** The repository root. */
export const repoRoot = join(fileURLToPath(new URL(".", import.meta.url)), "..", "..", "..");

const STARTUP_MS = 40_000;
const MAX_REQUESTS = 200;

/** One GET on a fresh connection: the body. */
function getOnce(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const request = http.get({ host: "127.0.0.1", port, path: "/", agent: false }, (response) => {
      let body = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => {
        body += chunk;
      });
      response.on("end", () => resolve(body));
    });
    request.on("error", reject);
    request.setTimeout(5_000, () => request.destroy(new Error("GET timed out")));
  });
}

/**
 * Starts `command args` (an example launcher), waits for its ready line, sends fresh connections until
 * `processes` different pids answered (at most 200), then SIGTERM, and checks that it says every
 * process stopped cleanly and exited 0. Returns the pids that answered.
 */
export async function checkMulticore(command: string, args: readonly string[], processes: number): Promise<number[]> {
  const child = spawn(command, [...args], { cwd: repoRoot, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  try {
    const ready = within(
      new Promise<{ port: number }>((resolve, reject) => {
        const look = (): void => {
          const line = stdout.split("\n").find((l) => l.startsWith("{") && l.includes('"ready"'));
          if (line) resolve(JSON.parse(line) as { port: number });
        };
        child.stdout.on("data", look);
        void exited.then((code) => reject(new Error(`exited ${code} before ready: ${stderr}`)));
      }),
      STARTUP_MS,
      "the example's ready line",
    );
    const { port } = await ready;
    const pids = new Set<number>();
    for (let i = 0; i < MAX_REQUESTS && pids.size < processes; i++) {
      const body = await getOnce(port);
      const pid = /pid (\d+)/.exec(body)?.[1];
      check(pid !== undefined, `unexpected reply: ${body}`);
      pids.add(Number(pid));
    }
    check(pids.size === processes, `${MAX_REQUESTS} connections reached ${pids.size} of ${processes} processes`);
    child.kill("SIGTERM");
    const code = await within(exited, 15_000, "the example to stop on SIGTERM");
    const stopped = stdout.split("\n").find((l) => l.includes('"stopped"'));
    check(
      stopped !== undefined && (JSON.parse(stopped) as { clean: boolean }).clean,
      `not a clean stop: ${stopped} ${stderr}`,
    );
    // Deno's node:child_process reports a null exit code here; Node and Bun report the real one.
    check(code === 0 || (code === null && "Deno" in globalThis), `the example exited with ${code}: ${stderr}`);
    return [...pids];
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  }
}
