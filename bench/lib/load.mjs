// The HTTP load generator: wrk when it is on PATH (Debian: `apt-get install wrk`), otherwise autocannon
// (a devDependency). Both sides of a comparison always get the same generator.
import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findProgram } from "./h2load.mjs";

/** wrk's path, or undefined. `SANSIO_BENCH_LOAD=autocannon` forces autocannon. */
export function findWrk() {
  if (process.env.SANSIO_BENCH_LOAD === "autocannon") return undefined;
  return findProgram("wrk");
}

/** A wrk script that sends `depth` requests in each write (wrk counts every response). */
const PIPELINE_LUA = `
init = function(args)
  local depth = tonumber(args[1]) or 1
  local parts = {}
  for i = 1, depth do parts[i] = wrk.format(nil, "/") end
  pipelined = table.concat(parts)
end
request = function() return pipelined end
`;

/**
 * One load generator. `run({ port, connections, seconds, pipelining })` resolves with
 * `{ rps, requests, errors }`; it throws when any request failed or was answered other than 2xx.
 */
export async function createLoadGenerator() {
  const wrk = findWrk();
  if (wrk) {
    const dir = await mkdtemp(join(tmpdir(), "sansio-bench-wrk-"));
    const script = join(dir, "pipeline.lua");
    await writeFile(script, PIPELINE_LUA);
    return {
      name: `wrk (${wrk}, 1 thread)`,
      run: (options) => runWrk(wrk, script, options),
      close: () => rm(dir, { recursive: true, force: true }),
    };
  }
  const { default: autocannon } = await import("autocannon");
  return {
    name: "autocannon (npm, in the orchestrator process)",
    run: (options) => runAutocannon(autocannon, options),
    close: async () => {},
  };
}

function runWrk(wrk, script, { port, connections, seconds, pipelining = 1 }) {
  const args = ["-t1", `-c${connections}`, `-d${seconds}s`, "--timeout", "10s"];
  if (pipelining > 1) args.push("-s", script);
  args.push(`http://127.0.0.1:${port}/`);
  if (pipelining > 1) args.push("--", String(pipelining));
  return new Promise((resolve, reject) => {
    const child = spawn(wrk, args, { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (chunk) => {
      out += chunk;
    });
    child.stderr.on("data", (chunk) => {
      out += chunk;
    });
    const limit = setTimeout(() => child.kill("SIGKILL"), (seconds + 20) * 1000);
    child.once("exit", (code) => {
      clearTimeout(limit);
      const rps = /Requests\/sec:\s+([\d.]+)/.exec(out);
      const total = /(\d+) requests in/.exec(out);
      const bad = /Non-2xx or 3xx responses: (\d+)/.exec(out);
      const socketErrors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
      const errors =
        (bad ? Number(bad[1]) : 0) + (socketErrors ? socketErrors.slice(1).reduce((a, b) => a + Number(b), 0) : 0);
      if (code !== 0 || !rps || !total) reject(new Error(`wrk failed (${code}): ${out}`));
      else if (errors > 0) reject(new Error(`wrk saw ${errors} errors: ${out}`));
      else resolve({ rps: Number(rps[1]), requests: Number(total[1]), errors });
    });
  });
}

async function runAutocannon(autocannon, { port, connections, seconds, pipelining = 1 }) {
  const result = await autocannon({
    url: `http://127.0.0.1:${port}/`,
    connections,
    duration: seconds,
    pipelining,
    timeout: 10,
  });
  const errors = result.errors + result.timeouts + result.non2xx;
  if (errors > 0)
    throw new Error(`autocannon saw ${errors} errors (${result.errors} errors, ${result.non2xx} non-2xx)`);
  return { rps: result.requests.total / result.duration, requests: result.requests.total, errors };
}
