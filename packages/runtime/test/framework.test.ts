// examples/framework, the tiny framework written once against the one import: its server (serve.ts) on
// Node, Deno and Bun, asked by Node's own fetch; its checks (check.ts: a part of the conformance suite
// and the app's checks) on each; and on Workers its client (worker.ts, in workerd) asking the app
// served by this process.
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { app } from "../../../examples/framework/app.ts";
import { type RunningWorker, startWorker, textBinding } from "../../workers/test/miniflare-worker.mjs";
import { root, run } from "./support.js";

const example = join(root, "examples", "framework");
const bin = (name: string) => join(root, "node_modules", ".bin", name);
const LISTEN_LIMIT_MS = 30_000;

/** A program and its arguments. */
type Command = readonly [string, ...string[]];

/** How each runtime runs a file of the example. */
const runtimes: readonly (readonly [string, (file: string) => Command])[] = [
  ["node", (file) => [bin("node"), file]],
  ["deno", (file) => [bin("deno"), "run", "-A", file]],
  ["bun", (file) => [bin("bun"), file]],
];

/** Starts serve.ts on a free port; resolves with the child and its URL once it printed it. */
async function serve(command: Command): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const [program, ...args] = command;
  const child = spawn(program, [...args, "--port", "0"], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`serve.ts did not listen in time:\n${output}`));
    }, LISTEN_LIMIT_MS);
    const collect = (chunk: Buffer) => {
      output += chunk;
      const listening = /listening on (http:\/\/127\.0\.0\.1:\d+\/)/.exec(output);
      if (listening?.[1]) {
        clearTimeout(timer);
        resolve(listening[1]);
      }
    };
    child.stdout?.on("data", collect);
    child.stderr?.on("data", collect);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`serve.ts exited (${code}) before listening:\n${output}`));
    });
  });
  return { child, url, output: () => output };
}

describe.each(runtimes)("on %s", (name, command) => {
  it("serve.ts serves the app; SIGTERM closes it", async () => {
    const server = await serve(command(join(example, "serve.ts")));
    try {
      expect(server.output()).toContain(`(${name})`);
      const hello = await fetch(server.url, { signal: AbortSignal.timeout(10_000) });
      expect([hello.status, await hello.text()]).toEqual([200, `hello from ${name}\n`]);
      const sum = await fetch(new URL("/add?a=40&b=2", server.url), { signal: AbortSignal.timeout(10_000) });
      expect([sum.status, await sum.text()]).toEqual([200, "42\n"]);
      const missing = await fetch(new URL("/nowhere", server.url), { signal: AbortSignal.timeout(10_000) });
      expect([missing.status, await missing.text()]).toEqual([404, "not found\n"]);
    } finally {
      const exited = once(server.child, "exit");
      server.child.kill("SIGTERM");
      const timer = setTimeout(() => server.child.kill("SIGKILL"), 10_000);
      const [code] = await exited;
      clearTimeout(timer);
      expect(code, server.output()).toBe(0);
    }
  }, 60_000);

  it("check.ts passes: conformance cases through the one import, then the app's checks", async () => {
    const [program, ...args] = command(join(example, "check.ts"));
    const { code, output } = await run(program, [...args, "--only", "echo:,half-close:"]);
    expect(code, output).toBe(0);
    expect(output).toContain(`${name}: all passed`);
    expect(output).toMatch(/^pass echo: /m);
    expect(output).toContain("pass app: GET /add?a=2&b=3");
  }, 60_000);
});

it("on Workers: worker.ts, in workerd, asks the app served here through the framework's client", async () => {
  const listener = await app.listen({ hostname: "127.0.0.1", port: 0 });
  if (listener.address.transport !== "tcp") throw new Error("expected a TCP listener");
  let worker: RunningWorker | undefined;
  try {
    worker = await startWorker({
      entry: join(example, "worker.ts"),
      env: { TINY_HOST: textBinding("127.0.0.1"), TINY_PORT: textBinding(String(listener.address.port)) },
    });
    const sum = await worker.fetch("/?path=/add%3Fa%3D2%26b%3D3");
    expect([sum.status, await sum.text()], worker.log()).toEqual([200, "5 (asked from workers)\n"]);
    const hello = await worker.fetch("/?path=/");
    expect([hello.status, await hello.text()]).toEqual([200, "hello from node (asked from workers)\n"]);
  } finally {
    await worker?.stop();
    await listener.close({ timeout: 1000 });
  }
}, 60_000);
