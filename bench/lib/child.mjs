// The orchestrator side of the bench's line protocol: starts a child on some runtime binary, waits for
// its `BENCH-READY` line and sends it commands (see commands.mjs). Every wait is bounded.
import { spawn } from "node:child_process";
import { root } from "../../tests/matrix/runtimes.mjs";
import { onLines } from "../../tests/support/lines.mjs";

const READY_LIMIT_MS = 60_000;
const STOP_LIMIT_MS = 5_000;

/**
 * A running bench child.
 * @typedef {{
 *   ready: unknown,
 *   pid: number | undefined,
 *   send: (command: Record<string, unknown>, ms?: number) => Promise<any>,
 *   stop: () => Promise<void>,
 *   log: () => string,
 * }} BenchChild
 */

/** How often, and how long apart, a child that could not load a package is started again. */
const START_ATTEMPTS = 5;
const RETRY_DELAY_MS = 5_000;

/**
 * Starts `command args` in the repository root and resolves once it printed `BENCH-READY`. A child
 * that exits before that because a package's `dist/` was missing (being rebuilt at that moment, as
 * happens on a machine shared with other builds) is started again, a few times, a few seconds apart.
 * @param {string} command
 * @param {string[]} args
 * @param {{ env?: Record<string, string> }} [options]
 * @returns {Promise<BenchChild>}
 */
export async function startChild(command, args, options = {}) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startChildOnce(command, args, options);
    } catch (error) {
      const missing = /Cannot find module|ERR_MODULE_NOT_FOUND/.test(String(error));
      if (!missing || attempt >= START_ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, RETRY_DELAY_MS));
    }
  }
}

/**
 * One attempt of {@link startChild}.
 * @param {string} command
 * @param {string[]} args
 * @param {{ env?: Record<string, string> }} options
 * @returns {Promise<BenchChild>}
 */
async function startChildOnce(command, args, options) {
  const child = spawn(command, args, {
    cwd: root,
    env: { ...process.env, ...options.env },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stderr = "";
  let nextId = 1;
  /** @type {Map<number, { resolve: (v: any) => void, reject: (e: Error) => void, timer: NodeJS.Timeout }>} */
  const waiting = new Map();
  const exited = new Promise((resolve) => child.once("exit", (code, signal) => resolve(code ?? signal)));
  child.stderr.on("data", (chunk) => {
    stderr = (stderr + chunk).slice(-8000);
  });
  child.stdin.on("error", () => {});
  const name = `${args.find((a) => a.includes("bench/")) ?? command}`;

  const ready = new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${name}: not ready within ${READY_LIMIT_MS} ms\n${stderr}`));
    }, READY_LIMIT_MS);
    onLines(child.stdout, (line) => {
      if (line.startsWith("BENCH-READY ")) {
        clearTimeout(timer);
        resolve(JSON.parse(line.slice("BENCH-READY ".length)));
      } else if (line.startsWith("BENCH-REPLY ")) {
        const reply = JSON.parse(line.slice("BENCH-REPLY ".length));
        const pending = waiting.get(reply.id);
        if (!pending) return;
        waiting.delete(reply.id);
        clearTimeout(pending.timer);
        if (reply.error) pending.reject(new Error(`${name}: ${reply.error}`));
        else pending.resolve(reply.result);
      }
    });
    void exited.then((how) => {
      clearTimeout(timer);
      const error = new Error(`${name}: exited (${how})\n${stderr}`);
      reject(error);
      for (const pending of waiting.values()) {
        clearTimeout(pending.timer);
        pending.reject(error);
      }
      waiting.clear();
    });
  });

  return {
    ready: await ready,
    pid: child.pid,
    log: () => stderr,
    send(command, ms = 120_000) {
      const id = nextId++;
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiting.delete(id);
          reject(new Error(`${name}: no reply to ${JSON.stringify(command)} within ${ms} ms\n${stderr}`));
        }, ms);
        waiting.set(id, { resolve, reject, timer });
        child.stdin.write(`${JSON.stringify({ ...command, id })}\n`);
      });
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.stdin.end();
      const term = setTimeout(() => child.kill("SIGTERM"), STOP_LIMIT_MS / 2);
      const kill = setTimeout(() => child.kill("SIGKILL"), STOP_LIMIT_MS);
      await exited;
      clearTimeout(term);
      clearTimeout(kill);
    },
  };
}

/**
 * Starts the two servers of a comparison on `runtime`, `script sansio` and `script native`, and adds
 * them to `children` (for {@link stopAll}) as they start.
 * @param {BenchChild[]} children
 * @param {import("./runtimes.mjs").BenchRuntime} runtime
 * @param {string} script
 */
export async function startSides(children, runtime, script) {
  const sansio = await startChild(runtime.command, [...runtime.prefix, script, "sansio"]);
  children.push(sansio);
  const native = await startChild(runtime.command, [...runtime.prefix, script, "native"]);
  children.push(native);
  return { sansio, native };
}

/** Stops `children`, the last started first. */
export async function stopAll(children) {
  for (const child of [...children].reverse()) await child.stop();
}
