/**
 * Interop over real loopback sockets with @sansio/node against the npm `ws` package: `ws` as a client
 * of our server, and as the server for our client.
 */
import { createServer } from "node:https";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { http1Server } from "@sansio/http1";
import { runtime } from "@sansio/node";
import type { Listener } from "@sansio/runtime-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket, { WebSocketServer } from "ws";
import { generateTestCertificates } from "../../../tests/support/certs.mjs";
import { acceptWebSocket, connectWebSocket, type Message, type WebSocketConnection } from "../src/index.js";
import { once, spawnChild } from "./helpers.js";
import { echoHandler } from "./runtimes/app.ts";

const CLIENT_SCRIPT = fileURLToPath(new URL("./runtimes/oversize-client.mjs", import.meta.url));
const BIG = 16 << 20;
const LIMIT = 32 << 20;

function pattern(size: number, seed = 0): Uint8Array {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 7 + seed + (i >> 12)) & 0xff;
  return bytes;
}

describe("ws client → @sansio/websocket server on @sansio/node", () => {
  let listener: Listener;
  let url: string;
  const serverSockets: WebSocketConnection[] = [];

  beforeAll(async () => {
    listener = await runtime.listen(
      { hostname: "127.0.0.1", port: 0, maxReadBufferSize: 1 << 20 },
      http1Server(async (request, response) => {
        const ws = await acceptWebSocket(request, response, { maxMessageSize: LIMIT, protocols: ["echo"] });
        serverSockets.push(ws);
        ws.onmessage = (message) => {
          if (message.type === "text" && message.data.startsWith("close:")) {
            ws.close(Number(message.data.slice(6)), "as asked");
            return;
          }
          void ws.send(message.data).catch(() => {});
        };
      }),
    );
    const address = listener.address as { port: number };
    url = `ws://127.0.0.1:${address.port}/`;
  });
  afterAll(async () => {
    await listener.close({ timeout: 2000 });
  });

  for (const perMessageDeflate of [false, true]) {
    const label = perMessageDeflate ? "with permessage-deflate" : "uncompressed";
    it(`echoes text, binary, fragmented and 16 MiB messages, ${label}`, async () => {
      const client = new WebSocket(url, ["echo"], { perMessageDeflate, maxPayload: LIMIT });
      await once(client, "open");
      expect(client.protocol).toBe("echo");
      expect(client.extensions).toBe(perMessageDeflate ? "permessage-deflate" : "");
      const received: Array<{ data: Buffer; isBinary: boolean }> = [];
      const waiters: Array<() => void> = [];
      client.on("message", (data: Buffer, isBinary: boolean) => {
        received.push({ data, isBinary });
        waiters.shift()?.();
      });
      const next = () =>
        received.length > 0
          ? Promise.resolve(received.shift() as { data: Buffer; isBinary: boolean })
          : new Promise<{ data: Buffer; isBinary: boolean }>((resolve, reject) => {
              const timer = setTimeout(() => reject(new Error("no message")), 30_000);
              waiters.push(() => {
                clearTimeout(timer);
                resolve(received.shift() as { data: Buffer; isBinary: boolean });
              });
            });

      client.send("héllo ✓");
      expect(await next()).toEqual({ data: Buffer.from("héllo ✓"), isBinary: false });
      client.send(pattern(1000));
      expect(await next()).toEqual({ data: Buffer.from(pattern(1000)), isBinary: true });
      // Fragmented by ws: three frames of one text message.
      client.send("frag", { fin: false });
      client.send("ment", { fin: false });
      client.send("ed", { fin: true });
      expect((await next()).data.toString()).toBe("fragmented");
      const big = pattern(BIG, 3);
      client.send(big);
      const echoed = await next();
      expect(echoed.isBinary).toBe(true);
      expect(echoed.data.length).toBe(BIG);
      expect(Buffer.compare(echoed.data, Buffer.from(big))).toBe(0);

      client.close(4001, "client bye");
      const [code, reason] = await once<[number, Buffer]>(client, "close");
      expect(code).toBe(4001);
      expect(reason.toString()).toBe("");
      expect(await serverSockets.at(-1)?.closed).toMatchObject({ code: 4001, reason: "client bye", wasClean: true });
    });
  }

  it("answers ws's pings, and ws answers ours", async () => {
    const client = new WebSocket(url);
    await once(client, "open");
    client.ping("are you there");
    expect(String(await once(client, "pong"))).toBe("are you there");
    const server = serverSockets.at(-1) as WebSocketConnection;
    const pong = new Promise<Uint8Array>((resolve) => {
      server.onpong = resolve;
    });
    server.ping("and you?");
    expect(Buffer.from(await pong).toString()).toBe("and you?");
    client.close();
    await once(client, "close");
  });

  it("honours a client that limits the server's window (sends uncompressed) and no context takeover", async () => {
    const client = new WebSocket(url, {
      perMessageDeflate: { serverMaxWindowBits: 10, serverNoContextTakeover: true, clientNoContextTakeover: true },
    });
    await once(client, "open");
    expect(serverSockets.at(-1)?.extensions).toBe(
      "permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=10",
    );
    for (let i = 0; i < 3; i++) {
      const message = `repeat ${i} `.repeat(500);
      client.send(message);
      expect(String((await once<[Buffer, boolean]>(client, "message"))[0])).toBe(message);
    }
    client.close();
    await once(client, "close");
  });

  it("closes with the server's code and reason", async () => {
    const client = new WebSocket(url);
    await once(client, "open");
    client.send("close:4002");
    const [code, reason] = await once<[number, Buffer]>(client, "close");
    expect(code).toBe(4002);
    expect(reason.toString()).toBe("as asked");
    expect(await serverSockets.at(-1)?.closed).toMatchObject({ code: 4002, wasClean: true });
  });

  it("a message over the server's limit is closed with 1009 and the listener carries on", async () => {
    const client = new WebSocket(url, { perMessageDeflate: false });
    await once(client, "open");
    client.send(new Uint8Array(LIMIT + 1));
    const [code] = await once<[number, Buffer]>(client, "close");
    expect(code).toBe(1009);
    const second = new WebSocket(url);
    await once(second, "open");
    second.send("still serving");
    expect(String((await once<[Buffer, boolean]>(second, "message"))[0])).toBe("still serving");
    second.close();
    await once(second, "close");
  });
});

describe("bug: a closing server reset away its own close frame (1006 instead of 1009)", () => {
  let listener: Listener;
  let url: string;

  beforeAll(async () => {
    listener = await runtime.listen(
      { hostname: "127.0.0.1", port: 0 },
      http1Server(async (request, response) => {
        const ws = await acceptWebSocket(request, response); // the default 1 MiB limit
        ws.onmessage = () => {};
      }),
    );
    url = `ws://127.0.0.1:${(listener.address as { port: number }).port}/`;
  });
  afterAll(() => listener.close());

  it("an 8 MiB message sent in one go (over the 1 MiB default) gets close 1009 every time, not a reset (30 runs)", async () => {
    // The client runs in its own process: its writes race the server's close as a real peer's do.
    const client = spawnChild(process.execPath, [CLIENT_SCRIPT, url, "30", String(8 << 20)]);
    expect(await client.exited).toBe(0);
    const codes = [...client.output().matchAll(/close (\d+)/g)].map((match) => Number(match[1]));
    expect(codes).toEqual(Array.from({ length: 30 }, () => 1009));
  }, 90_000);
});

describe("@sansio/websocket client on @sansio/node → ws server", () => {
  let server: WebSocketServer;
  let url: string;
  const closes: Array<{ code: number; reason: string }> = [];

  beforeAll(async () => {
    server = new WebSocketServer({ host: "127.0.0.1", port: 0, perMessageDeflate: true, maxPayload: LIMIT });
    await once(server, "listening");
    url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/path`;
    server.on("connection", (socket: WebSocket) => {
      socket.on("message", (data: Buffer, isBinary: boolean) => {
        const text = isBinary ? "" : data.toString();
        if (text.startsWith("close:")) socket.close(Number(text.slice(6)), "server says");
        else if (text === "fragments") {
          socket.send("one ", { fin: false });
          socket.send("two ", { fin: false });
          socket.send("three", { fin: true });
        } else socket.send(data, { binary: isBinary });
      });
      socket.on("close", (code: number, reason: Buffer) => closes.push({ code, reason: reason.toString() }));
    });
  });
  afterAll(async () => {
    for (const client of server.clients) client.terminate();
    await new Promise((resolve) => server.close(resolve));
  });

  for (const deflate of [false, true]) {
    const label = deflate ? "with permessage-deflate" : "uncompressed";
    it(`sends and receives text, binary, fragmented and 16 MiB messages, ${label}`, async () => {
      const ws = await connectWebSocket(runtime, url, { deflate, maxMessageSize: LIMIT });
      expect(ws.extensions).toBe(deflate ? "permessage-deflate" : "");
      const messages = ws[Symbol.asyncIterator]();
      const next = async (): Promise<Message> => {
        const result = await messages.next();
        if (result.done) throw new Error("connection ended");
        return result.value;
      };
      await ws.send("héllo ✓");
      expect(await next()).toEqual({ type: "text", data: "héllo ✓" });
      await ws.send(pattern(1000));
      expect(await next()).toEqual({ type: "binary", data: pattern(1000) });
      await ws.send("fragments");
      expect(await next()).toEqual({ type: "text", data: "one two three" });
      // Our fragmented sending: a stream of three frames.
      const writer = ws.stream("text");
      await writer.write("our ");
      await writer.write("frag");
      await writer.end("ments");
      expect(await next()).toEqual({ type: "text", data: "our fragments" });
      const big = pattern(BIG, 5);
      await ws.send(big);
      const echoed = await next();
      expect(echoed.type).toBe("binary");
      expect(Buffer.compare(Buffer.from(echoed.data as Uint8Array), Buffer.from(big))).toBe(0);
      ws.close(4003, "client done");
      expect(await ws.closed).toMatchObject({ code: 4003, wasClean: true });
      for (let i = 0; i < 100 && closes.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
      expect(closes.pop()).toEqual({ code: 4003, reason: "client done" });
    });
  }

  it("talks to a ws server that asks for no context takeover and a 10-bit window", async () => {
    const strict = new WebSocketServer({
      host: "127.0.0.1",
      port: 0,
      perMessageDeflate: { serverNoContextTakeover: true, clientNoContextTakeover: true, serverMaxWindowBits: 10 },
    });
    await once(strict, "listening");
    strict.on("connection", (socket: WebSocket) =>
      socket.on("message", (data: Buffer, isBinary: boolean) => socket.send(data, { binary: isBinary })),
    );
    try {
      const ws = await connectWebSocket(runtime, `ws://127.0.0.1:${(strict.address() as AddressInfo).port}/`);
      expect(ws.extensions).toMatch(/client_no_context_takeover/);
      const messages = ws[Symbol.asyncIterator]();
      for (let i = 0; i < 3; i++) {
        const message = `again ${i} `.repeat(500);
        await ws.send(message);
        expect((await messages.next()).value).toEqual({ type: "text", data: message });
      }
      ws.close();
      await ws.closed;
    } finally {
      await new Promise((resolve) => strict.close(resolve));
    }
  });

  it("receives the server's close code and reason", async () => {
    const ws = await connectWebSocket(runtime, url);
    await ws.send("close:4004");
    expect(await ws.closed).toEqual({ code: 4004, reason: "server says", wasClean: true });
  });

  it("streams a large incoming message with streamMessages", async () => {
    const ws = await connectWebSocket(runtime, url, { streamMessages: true, maxMessageSize: LIMIT });
    const big = pattern(4 << 20, 9);
    void ws.send(big);
    for await (const stream of ws.streams()) {
      expect(stream.type).toBe("binary");
      let at = 0;
      for await (const chunk of stream) {
        expect(Buffer.compare(Buffer.from(chunk), Buffer.from(big.subarray(at, at + chunk.length)))).toBe(0);
        at += chunk.length;
      }
      expect(at).toBe(big.length);
      break;
    }
    ws.close();
    await ws.closed;
  });
});

describe("wss: TLS on @sansio/node, with ws on the other side", () => {
  it("our client → ws over TLS (wss://), and ws → our server over TLS", async () => {
    const { ca, cert, key } = await generateTestCertificates();
    // ws server over TLS for our client.
    const https = createServer({ cert, key });
    const wss = new WebSocketServer({ server: https });
    wss.on("connection", (socket: WebSocket) =>
      socket.on("message", (data: Buffer, isBinary: boolean) => socket.send(data, { binary: isBinary })),
    );
    await new Promise<void>((resolve) => https.listen(0, "127.0.0.1", resolve));
    const listener = await runtime.listen(
      { hostname: "127.0.0.1", port: 0, tls: { cert, key } },
      http1Server(echoHandler()),
    );
    try {
      const port = (https.address() as AddressInfo).port;
      const ws = await connectWebSocket(runtime, `wss://localhost:${port}/`, {
        connect: { hostname: "127.0.0.1", tls: { ca, serverName: "localhost" } },
      });
      await ws.send("over tls");
      expect((await ws[Symbol.asyncIterator]().next()).value).toEqual({ type: "text", data: "over tls" });
      ws.close(1000);
      expect(await ws.closed).toMatchObject({ code: 1000, wasClean: true });

      const client = new WebSocket(`wss://localhost:${(listener.address as { port: number }).port}/`, { ca });
      await once(client, "open");
      client.send("tls echo");
      expect(String((await once<[Buffer, boolean]>(client, "message"))[0])).toBe("tls echo");
      client.close(1000);
      expect((await once<[number, Buffer]>(client, "close"))[0]).toBe(1000);
    } finally {
      for (const socket of wss.clients) socket.terminate();
      await new Promise((resolve) => wss.close(resolve));
      await new Promise((resolve) => https.close(resolve));
      await listener.close({ timeout: 1000 });
    }
  });
});
