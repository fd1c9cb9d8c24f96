/**
 * The same WebSocket code (test/runtimes/app.ts) on Node, Deno and Bun, each in its own process on its
 * own adapter: as a server for the `ws` client of this process, and as a client of a `ws` server here.
 * Uses the built packages (dist), as an application does.
 */
import type { EventEmitter } from "node:events";
import { existsSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket, { WebSocketServer } from "ws";
import { type ChildRun, killChildren, listeningPort, once, spawnChild } from "./helpers.js";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..", "..");
const bin = (name: string) => join(root, "node_modules", ".bin", name);

const RUNTIMES = {
  node: { command: process.execPath, args: [join(here, "runtimes", "echo-node.ts")] },
  deno: { command: bin("deno"), args: ["run", "--allow-net", join(here, "runtimes", "echo-deno.ts")] },
  bun: { command: bin("bun"), args: [join(here, "runtimes", "echo-bun.ts")] },
} as const;
type RuntimeName = keyof typeof RUNTIMES;

function run(name: RuntimeName, args: string[]): ChildRun {
  const { command, args: base } = RUNTIMES[name];
  return spawnChild(command, [...base, ...args], { cwd: root });
}

beforeAll(() => {
  for (const name of ["websocket", "http1", "runtime-api", "node", "deno", "bun"]) {
    expect(existsSync(join(root, "packages", name, "dist", "index.js")), `build @sansio/${name} first`).toBe(true);
  }
});

afterAll(killChildren);

describe.each(Object.keys(RUNTIMES) as RuntimeName[])("our server on %s, ws as the client", (name) => {
  let server: ChildRun;
  let port = 0;
  beforeAll(async () => {
    server = run(name, ["serve"]);
    port = await listeningPort(server);
  }, 60_000);
  afterAll(async () => {
    server.child.kill("SIGTERM");
    await server.exited;
  });

  it("echoes text, 16 MiB binary and fragments, with deflate, and closes with its code", async () => {
    const client = new WebSocket(`ws://127.0.0.1:${port}/`, { maxPayload: 64 << 20 });
    await once(client, "open");
    expect(client.extensions).toBe("permessage-deflate");
    const next = () => once<[Buffer, boolean]>(client, "message");
    client.send("héllo ✓");
    expect(String((await next())[0])).toBe("héllo ✓");
    const big = Buffer.alloc(16 << 20);
    for (let i = 0; i < big.length; i++) big[i] = (i * 7 + (i >> 12)) & 0xff;
    client.send(big);
    const [echoed, isBinary] = await next();
    expect(isBinary).toBe(true);
    expect(Buffer.compare(echoed, big)).toBe(0);
    client.send("frag", { fin: false });
    client.send("mented", { fin: true });
    expect(String((await next())[0])).toBe("fragmented");
    client.send("close:4006");
    const [code, reason] = await once<[number, Buffer]>(client, "close");
    expect([code, reason.toString()]).toEqual([4006, "asked"]);
  }, 60_000);
});

describe.each(Object.keys(RUNTIMES) as RuntimeName[])("our client on %s, ws as the server", (name) => {
  let wss: WebSocketServer;
  const closes: number[] = [];
  beforeAll(async () => {
    wss = new WebSocketServer({ host: "127.0.0.1", port: 0, perMessageDeflate: true, maxPayload: 64 << 20 });
    await once(wss as unknown as EventEmitter, "listening");
    wss.on("connection", (socket: WebSocket) => {
      socket.on("message", (data: Buffer, isBinary: boolean) => socket.send(data, { binary: isBinary }));
      socket.on("close", (code: number) => closes.push(code));
    });
  });
  afterAll(async () => {
    for (const client of wss.clients) client.terminate();
    await new Promise((resolve) => wss.close(resolve));
  });

  it("runs the exchange", async () => {
    const client = run(name, ["client", `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/chat`]);
    const code = await client.exited;
    expect(code, client.output()).toBe(0);
    const line = client.output().trim().split("\n").at(-1) as string;
    expect(JSON.parse(line)).toEqual({
      extensions: "permessage-deflate",
      text: { type: "text", data: "héllo ✓" },
      big: true,
      fragmented: { type: "text", data: "fragmented" },
      closed: { code: 4005, reason: "client done", wasClean: true }, // ws echoes the reason
    });
    expect(closes).toContain(4005);
  }, 90_000);
});
