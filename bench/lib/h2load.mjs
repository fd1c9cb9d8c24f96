// h2load (Debian package nghttp2-client), the HTTP/2 load generator of the http2 section, and
// nghttpd (nghttp2-server), the HTTP/2 server its client rows use when it is installed.
import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findTool, startNghttpd as startNghttpdServing } from "../../tests/support/nghttp2.mjs";

/** The path of the program `name` on PATH (or in /usr/sbin, where Debian puts nghttpd), or undefined. */
export { findTool as findProgram };

/** h2load's path, or undefined when it is not installed. */
export const findH2load = () => findTool("h2load");

/**
 * Reads h2load's summary: `{ rps, requests }`; throws when a request failed, errored, timed out or
 * was answered other than 2xx (a fast wrong answer must not count).
 */
export function parseH2load(out) {
  const finished = /finished in [\d.]+m?s, ([\d.]+) req\/s/.exec(out);
  const requests =
    /requests: (\d+) total, (\d+) started, (\d+) done, (\d+) succeeded, (\d+) failed, (\d+) errored, (\d+) timeout/.exec(
      out,
    );
  const codes = /status codes: (\d+) 2xx, (\d+) 3xx, (\d+) 4xx, (\d+) 5xx/.exec(out);
  if (!finished || !requests || !codes) throw new Error(`h2load: no summary in its output: ${out.slice(-600)}`);
  const [, , , , succeeded, failed, errored, timeout] = requests.map(Number);
  const non2xx = Number(codes[2]) + Number(codes[3]) + Number(codes[4]);
  if (failed + errored + timeout + non2xx > 0 || succeeded === 0)
    throw new Error(
      `h2load: ${succeeded} succeeded, ${failed} failed, ${errored} errored, ${timeout} timeouts, ${non2xx} non-2xx\n${out.slice(-600)}`,
    );
  return { rps: Number(finished[1]), requests: succeeded };
}

/**
 * One h2load run (one thread) against `http://127.0.0.1:port/` with `connections` connections of
 * `streams` concurrent streams each, for `seconds`, or for `requests` requests when given (warm-ups);
 * killed after `seconds + 20` s.
 * @returns {Promise<{ rps: number, requests: number }>}
 */
export function runH2load(h2load, { port, connections, streams, seconds, requests }) {
  const amount = requests === undefined ? `-D${Math.round(seconds * 1000)}ms` : `-n${requests}`;
  const args = ["-t1", `-c${connections}`, `-m${streams}`, amount, `http://127.0.0.1:${port}/`];
  return new Promise((resolve, reject) => {
    const child = spawn(h2load, args, { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (chunk) => {
      out = (out + chunk).slice(-20_000);
    });
    child.stderr.on("data", (chunk) => {
      out = (out + chunk).slice(-20_000);
    });
    const limit = setTimeout(() => child.kill("SIGKILL"), (seconds + 20) * 1000);
    child.once("error", reject);
    child.once("exit", (code) => {
      clearTimeout(limit);
      try {
        if (code !== 0) throw new Error(`h2load exited with ${code}: ${out.slice(-600)}`);
        resolve(parseH2load(out));
      } catch (error) {
        reject(error);
      }
    });
  });
}

/**
 * Starts nghttpd (h2c, one worker thread) serving `body` as `/` from a temporary directory; resolves
 * with `{ port, pid, stop }` once it accepts connections. `stop` also removes the directory.
 */
export async function startNghttpd(nghttpd, body) {
  const dir = await mkdtemp(join(tmpdir(), "sansio-bench-nghttpd-"));
  const removeDir = () => rm(dir, { recursive: true, force: true });
  try {
    await writeFile(join(dir, "index.html"), body);
    const server = await startNghttpdServing(nghttpd, dir);
    return {
      port: server.port,
      pid: server.pid,
      stop: async () => {
        await server.stop();
        await removeDir();
      },
    };
  } catch (error) {
    await removeDir();
    throw error;
  }
}
