// The child side of the bench's line protocol, for Node, Deno and Bun alike (node:process works on
// all three). A child prints `BENCH-READY <json>` once, then answers each JSON command line on stdin
// with `BENCH-REPLY <json>`; it exits when stdin ends (the orchestrator went away) or on SIGTERM.
import process from "node:process";

/**
 * Announces `ready`, then runs `handle(command)` for each command line, one at a time, and replies with
 * `{ id, result }` or `{ id, error }`. `stop()` runs before the process exits.
 * @param {unknown} ready
 * @param {(command: Record<string, unknown>) => Promise<unknown>} handle
 * @param {() => Promise<void> | void} [stop]
 */
export function serveCommands(ready, handle, stop = () => {}) {
  let buffered = "";
  let queue = Promise.resolve();
  let exiting = false;
  const exit = () => {
    if (exiting) return;
    exiting = true;
    // Bounded: a stop that hangs does not keep the child alive.
    const limit = setTimeout(() => process.exit(0), 2000);
    Promise.resolve()
      .then(stop)
      .catch(() => {})
      .finally(() => {
        clearTimeout(limit);
        process.exit(0);
      });
  };
  process.stdin.setEncoding("utf8");
  process.stdin.on("data", (chunk) => {
    buffered += chunk;
    let newline = buffered.indexOf("\n");
    while (newline >= 0) {
      const line = buffered.slice(0, newline).trim();
      buffered = buffered.slice(newline + 1);
      newline = buffered.indexOf("\n");
      if (!line) continue;
      const command = JSON.parse(line);
      queue = queue.then(async () => {
        let reply;
        try {
          reply = { id: command.id, result: await handle(command) };
        } catch (error) {
          reply = { id: command.id, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
        }
        process.stdout.write(`BENCH-REPLY ${JSON.stringify(reply)}\n`);
      });
    }
  });
  process.stdin.on("end", exit);
  process.stdin.on("close", exit);
  process.once("SIGTERM", exit);
  process.stdout.write(`BENCH-READY ${JSON.stringify(ready)}\n`);
}

/**
 * Rejects after `ms` unless `promise` settles first (every trial is bounded in time).
 * @template T
 * @param {Promise<T>} promise
 * @param {number} ms
 * @param {string} what
 * @returns {Promise<T>}
 */
export function within(promise, ms, what) {
  let timer;
  const limit = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
  });
  return Promise.race([promise, limit]).finally(() => clearTimeout(timer));
}
