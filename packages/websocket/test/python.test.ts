/**
 * Python's `websockets` (Debian package python3-websockets) as a further peer: as the client of our
 * server and as the server for our client, over loopback with @sansio/node. Skipped, visibly, when no
 * Python with `websockets` is installed; the ws tests cover the same ground either way.
 */
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { http1Server } from "@sansio/http1";
import { runtime } from "@sansio/node";
import type { Listener } from "@sansio/runtime-api";
import { afterAll, describe, expect, it } from "vitest";
import { connectWebSocket, type Message } from "../src/index.js";
import { type ChildRun, killChildren, listeningPort, spawnChild } from "./helpers.js";
import { echoHandler } from "./runtimes/app.ts";

const peerScript = join(dirname(fileURLToPath(import.meta.url)), "python", "peer.py");

/** The first Python that can import websockets, or undefined. */
function findPython(): string | undefined {
  for (const candidate of ["python3", "/usr/bin/python3"]) {
    const probe = spawnSync(candidate, ["-c", "import websockets"], { stdio: "ignore", timeout: 10_000 });
    if (probe.status === 0) return candidate;
  }
  return undefined;
}

const python = findPython();
if (python === undefined)
  console.warn("SKIPPED: Python's websockets is not installed (apt-get install python3-websockets)");

afterAll(killChildren);

function startPeer(args: string[]): ChildRun {
  return spawnChild(python as string, [peerScript, ...args], { limitMs: 60_000 });
}

describe.skipIf(python === undefined)("interop with Python's websockets", () => {
  it("python client → our server", async () => {
    const closes: unknown[] = [];
    const listener: Listener = await runtime.listen(
      { hostname: "127.0.0.1", port: 0 },
      http1Server(echoHandler((event) => closes.push(event))),
    );
    try {
      const port = (listener.address as { port: number }).port;
      const peer = startPeer(["client", `ws://127.0.0.1:${port}/`]);
      expect(await peer.exited, peer.output()).toBe(0);
      expect(JSON.parse(peer.output().trim().split("\n").at(-1) as string)).toEqual({
        extensions: ["PerMessageDeflate"],
        text: "héllo ✓",
        big: true,
        fragmented: "fragmented",
        closed: [4007, "asked"],
      });
      expect(closes).toEqual([{ code: 4007, reason: "asked", wasClean: true }]); // websockets echoes the reason
    } finally {
      await listener.close({ timeout: 1000 });
    }
  }, 60_000);

  it("our client → python server", async () => {
    const peer = startPeer(["serve"]);
    const port = await listeningPort(peer);
    try {
      const ws = await connectWebSocket(runtime, `ws://127.0.0.1:${port}/`, { maxMessageSize: 32 << 20 });
      expect(ws.extensions).toMatch(/^permessage-deflate/);
      const messages = ws[Symbol.asyncIterator]();
      const next = async (): Promise<Message> => (await messages.next()).value as Message;
      await ws.send("héllo ✓");
      expect(await next()).toEqual({ type: "text", data: "héllo ✓" });
      const big = Uint8Array.from({ length: 4 << 20 }, (_, i) => (i * 7 + (i >> 12)) & 0xff);
      await ws.send(big);
      expect(await next()).toEqual({ type: "binary", data: big });
      const writer = ws.stream("text");
      await writer.write("our ");
      await writer.end("fragments");
      expect(await next()).toEqual({ type: "text", data: "our fragments" });
      await ws.send("close:4008");
      expect(await ws.closed).toEqual({ code: 4008, reason: "python says", wasClean: true });
    } finally {
      peer.child.kill("SIGTERM");
      await peer.exited;
    }
  }, 60_000);
});
