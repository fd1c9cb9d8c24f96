// First contact, as a newcomer runs the README's commands:
// - `npm start` serves the demo, and SIGTERM to npm (what a process manager, a CI step or `kill`
//   sends) stops the demo and frees its port. The shell npm runs a script in does not pass signals
//   on, so the script `exec`s the demo in place of the shell.
// - `npm run example:upper` runs the README's example with the system npm and Node (Node 20 here),
//   which cannot run TypeScript itself: npm scripts find the workspace's Node 24 first on PATH.
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { connect } from "node:net";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";

const run = promisify(execFile);

const root = join(import.meta.dirname, "..", "..");
const LISTEN_LIMIT_MS = 45_000;
const EXIT_LIMIT_MS = 20_000;
const PORT_CHECKS = 100;
const PORT_CHECK_PAUSE_MS = 100;

/** Resolves with the port once the demo prints its `listening on http://127.0.0.1:PORT` line. */
function listeningPort(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    let output = "";
    const timer = setTimeout(
      () => reject(new Error(`no "listening on" line within ${LISTEN_LIMIT_MS} ms:\n${output}`)),
      LISTEN_LIMIT_MS,
    );
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = /listening on https?:\/\/127\.0\.0\.1:(\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`npm start exited (${code ?? signal}) before listening:\n${output}`));
    });
  });
}

/** Whether something accepts TCP connections on 127.0.0.1:port right now. */
function accepting(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    socket.setTimeout(2_000, () => socket.destroy());
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
    socket.once("close", () => resolve(false));
  });
}

function exited(child: ChildProcess): Promise<number | string> {
  return new Promise((resolve, reject) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      resolve(child.exitCode ?? child.signalCode ?? "gone");
      return;
    }
    const timer = setTimeout(
      () => reject(new Error(`npm did not exit within ${EXIT_LIMIT_MS} ms of SIGTERM`)),
      EXIT_LIMIT_MS,
    );
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      resolve(code ?? signal ?? "gone");
    });
  });
}

let started: ChildProcess | undefined;
afterEach(() => {
  // Whatever the test left (npm, or a demo orphaned by it) dies with its process group.
  if (started?.pid !== undefined) {
    try {
      process.kill(-started.pid, "SIGKILL");
    } catch {}
  }
  started = undefined;
});

describe("npm start", () => {
  it("stops the demo and frees its port on SIGTERM to npm", async () => {
    // detached: its own process group, so the cleanup above reaches anything it started.
    const child = spawn("npm", ["start", "--", "--port", "0", "--quiet"], {
      cwd: root,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, SANSIO_START_NO_BUILD: "1" },
    });
    started = child;
    const port = await listeningPort(child);
    expect(await accepting(port)).toBe(true);

    process.kill(child.pid as number, "SIGTERM"); // npm itself, as `kill <pid of npm>` would
    await exited(child);
    let open = true;
    for (let check = 0; check < PORT_CHECKS && open; check++) {
      open = await accepting(port);
      if (open) await new Promise((resolve) => setTimeout(resolve, PORT_CHECK_PAUSE_MS));
    }
    expect(open, `the demo still accepts connections on port ${port} after npm exited`).toBe(false);
  });
});

/** The machine's own npm (not the workspace's tools): what a newcomer types `npm` into. */
const SYSTEM_DIRS = ["/usr/local/bin", "/usr/bin", "/bin"];
const systemNpm = SYSTEM_DIRS.map((dir) => join(dir, "npm")).find((path) => existsSync(path));

describe("npm run example:upper", () => {
  it.skipIf(systemNpm === undefined)(
    `prints the upper-cased reply with the system npm and its Node (${systemNpm ?? "no system npm: skipped"})`,
    async () => {
      const env = { HOME: process.env.HOME ?? "/tmp", PATH: SYSTEM_DIRS.join(":") };
      const { stdout: nodeVersion } = await run("node", ["--version"], { env, timeout: 10_000 });
      const { stdout } = await run(systemNpm as string, ["run", "--silent", "example:upper"], {
        cwd: root,
        env,
        timeout: 60_000,
      });
      expect(stdout, `under the system Node ${nodeVersion.trim()}`).toBe("HELLO, SANS-IO WORLD\n");
    },
  );
});
