// Running a script on another runtime binary of the workspace and reading its tagged output lines.
import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root: where node_modules/.bin holds Deno, Bun and the Node versions. */
export const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
/** This test folder's fixtures. */
export const fixtures = join(dirname(fileURLToPath(import.meta.url)), "fixtures");

const RUN_LIMIT_MS = 60_000;

/** Runs `command args` in the repository root, killed after a minute; resolves with its exit code and output. */
export function run(command: string, args: readonly string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk) => {
      output += chunk;
    });
    child.stderr.on("data", (chunk) => {
      output += chunk;
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), RUN_LIMIT_MS);
    child.once("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

/** The JSON after `tag ` on the first output line that starts with it (fails when there is none). */
export function tagged(output: string, tag: string): unknown {
  const line = output.split("\n").find((text) => text.startsWith(`${tag} `));
  if (line === undefined) throw new Error(`no ${tag} line in the output:\n${output}`);
  return JSON.parse(line.slice(tag.length + 1));
}
