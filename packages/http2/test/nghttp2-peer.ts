// Debian's nghttp2 tools (nghttp, nghttpd, h2load) as peers: found on PATH or in /usr/sbin, run as
// child processes; the tests that need one skip visibly when it is absent.
import { type ChildProcess, execFile, execFileSync, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import net from "node:net";

/** The command that runs `tool`, or undefined when it is not installed (nghttpd lives in /usr/sbin). */
export function findTool(tool: "nghttp" | "nghttpd" | "h2load"): string | undefined {
  for (const command of [tool, `/usr/sbin/${tool}`, `/usr/bin/${tool}`]) {
    if (command.startsWith("/") && !existsSync(command)) continue;
    try {
      execFileSync(command, ["--version"], { stdio: "ignore", timeout: 5000 });
      return command;
    } catch {}
  }
  return undefined;
}

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

/** A port on 127.0.0.1 that was free a moment ago (nghttpd cannot bind port 0 and tell us). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

/** Resolves once something accepts TCP connections on 127.0.0.1:`port`; gives up after `attempts` tries. */
export async function waitForListening(port: number, child: ChildProcess, attempts = 100): Promise<void> {
  for (let attempt = 0; attempt < attempts; attempt++) {
    if (child.exitCode !== null) throw new Error(`the peer exited early with code ${child.exitCode}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, "127.0.0.1");
      socket.once("connect", () => {
        socket.destroy();
        resolve(true);
      });
      socket.once("error", () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`nothing listened on 127.0.0.1:${port} after ${attempts} tries`);
}

/** A running nghttpd and how to stop it. */
export interface Nghttpd {
  readonly port: number;
  stop(): Promise<void>;
}

/**
 * Starts nghttpd on 127.0.0.1 serving `htdocs`: h2c by prior knowledge when `tls` is absent, otherwise
 * TLS with ALPN h2 using the given key and certificate files. Retries a few ports in case one is taken.
 */
export async function startNghttpd(
  command: string,
  htdocs: string,
  tls?: { keyFile: string; certFile: string },
): Promise<Nghttpd> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const args = ["--address=127.0.0.1", `--htdocs=${htdocs}`];
    const child = spawn(
      command,
      tls ? [...args, String(port), tls.keyFile, tls.certFile] : [...args, "--no-tls", String(port)],
      { stdio: "ignore" }, // nothing reads its output, so no pipe can fill up and stall it
    );
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    try {
      await waitForListening(port, child);
      return {
        port,
        stop: async () => {
          if (child.exitCode === null) child.kill("SIGTERM");
          await exited;
        },
      };
    } catch (error) {
      lastError = error;
      if (child.exitCode === null) child.kill("SIGKILL");
      await exited;
    }
  }
  throw lastError;
}
