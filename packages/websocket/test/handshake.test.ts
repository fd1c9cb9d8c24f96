import { http1Server, type IncomingRequest } from "@sansio/http1";
import { createMemoryRuntime, type MemoryRuntimeOptions } from "@sansio/runtime-api/testing";
import { describe, expect, it } from "vitest";
import {
  type AcceptOptions,
  acceptWebSocket,
  checkHandshakeResponse,
  connectWebSocket,
  type WebSocketConnection,
  WebSocketError,
} from "../src/index.js";
import { CHUNKINGS, RawPeer, text } from "./helpers.js";

/** An echo server on the memory runtime, accepting WebSockets on any path through @sansio/http1. */
async function echoServer(memoryOptions: MemoryRuntimeOptions, options: AcceptOptions = {}) {
  const memory = createMemoryRuntime(memoryOptions);
  const accepted: WebSocketConnection[] = [];
  const failures: unknown[] = [];
  const requests: IncomingRequest[] = [];
  await memory.listen(
    { port: 80 },
    http1Server(async (request, response) => {
      requests.push(request);
      if (request.target === "/plain") {
        response.respond(200, {}, "not a websocket\n");
        return;
      }
      try {
        const ws = await acceptWebSocket(request, response, options);
        accepted.push(ws);
        ws.onmessage = (message) => void ws.send(message.data).catch(() => {});
      } catch (error) {
        failures.push(error);
      }
    }),
  );
  return { memory, accepted, failures, requests };
}

describe.each(CHUNKINGS)("opening handshake through @sansio/http1 (%s)", (_name, memoryOptions) => {
  it("connects, negotiates a subprotocol and permessage-deflate, echoes, and closes", async () => {
    const { memory, accepted, requests } = await echoServer(memoryOptions, { protocols: ["v2", "v1"] });
    const ws = await connectWebSocket(memory, "ws://127.0.0.1:80/chat?room=1", {
      protocols: ["v1", "v2"],
      headers: { Origin: "http://example.test" },
    });
    expect(ws.protocol).toBe("v2");
    expect(ws.extensions).toBe("permessage-deflate");
    expect(requests[0]?.target).toBe("/chat?room=1");
    expect(requests[0]?.header("origin")).toBe("http://example.test");
    expect(accepted[0]?.protocol).toBe("v2");
    const big = "compress me ".repeat(10_000);
    await ws.send(big);
    await ws.send(Uint8Array.of(1, 2, 3));
    const iterator = ws[Symbol.asyncIterator]();
    expect((await iterator.next()).value).toEqual({ type: "text", data: big });
    expect((await iterator.next()).value).toEqual({ type: "binary", data: Uint8Array.of(1, 2, 3) });
    ws.close(1000, "bye");
    expect(await ws.closed).toMatchObject({ code: 1000, wasClean: true });
    expect(await accepted[0]?.closed).toMatchObject({ code: 1000, reason: "bye", wasClean: true });
  });

  it("works without deflate when either side turns it off", async () => {
    const { memory } = await echoServer(memoryOptions, { deflate: false });
    const ws = await connectWebSocket(memory, "ws://127.0.0.1:80/");
    expect(ws.extensions).toBe("");
    expect(ws.protocol).toBe("");
    await ws.send("hi");
    expect((await ws[Symbol.asyncIterator]().next()).value).toEqual({ type: "text", data: "hi" });
    ws.close();
    await ws.closed;
  });

  it("takes the bytes the client pipelined right after the request", async () => {
    const { memory, accepted } = await echoServer(memoryOptions);
    const peer = new RawPeer();
    await memory.connect({ port: 80 }, peer);
    // The request and a masked text frame "hi" in one write: the frame must reach the WebSocket.
    peer.send(
      text(
        "GET / HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
          "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
      ),
      Uint8Array.of(0x81, 0x82, 0, 0, 0, 0, 0x68, 0x69, 0x88, 0x80, 0, 0, 0, 0),
    );
    await peer.eof;
    const reply = Buffer.from(peer.bytes());
    const head = reply.subarray(0, reply.indexOf("\r\n\r\n") + 4).toString();
    expect(head).toMatch(/^HTTP\/1\.1 101 Switching Protocols\r\n/);
    expect(head).toMatch(/\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK\+xOo=\r\n/i);
    expect(head).toMatch(/\r\nUpgrade: websocket\r\n/i);
    expect(head).toMatch(/\r\nConnection: Upgrade\r\n/i);
    expect(head).not.toMatch(/Sec-WebSocket-Extensions/i);
    const frames = reply.subarray(head.length);
    expect([...frames]).toEqual([0x81, 2, 0x68, 0x69, 0x88, 0]);
    expect(await accepted[0]?.closed).toMatchObject({ code: 1005, wasClean: true });
  });

  it.each([
    ["no key", "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n", 400],
    [
      "a short key",
      "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: abc=\r\nSec-WebSocket-Version: 13\r\n",
      400,
    ],
    [
      "version 8",
      "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 8\r\n",
      426,
    ],
    ["no Upgrade", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n", 426],
  ])("answers a request with %s with %i and a typed error", async (_what, fields, status) => {
    const { memory, failures, accepted } = await echoServer(memoryOptions);
    const peer = new RawPeer();
    await memory.connect({ port: 80 }, peer);
    peer.send(text(`GET / HTTP/1.1\r\nHost: a\r\n${fields}\r\n`));
    for (let i = 0; i < 200 && failures.length === 0; i++) await new Promise((r) => setTimeout(r, 2));
    peer.end();
    await peer.eof;
    const reply = Buffer.from(peer.bytes()).toString();
    expect(reply.startsWith(`HTTP/1.1 ${status} `)).toBe(true);
    if (status === 426) expect(reply).toMatch(/\r\nSec-WebSocket-Version: 13\r\n/i);
    expect(failures[0]).toBeInstanceOf(WebSocketError);
    expect(accepted).toHaveLength(0);
  });

  it("rejects when the server answers without upgrading, and closes the socket", async () => {
    const { memory } = await echoServer(memoryOptions);
    await expect(connectWebSocket(memory, "ws://127.0.0.1:80/plain")).rejects.toThrow(
      expect.objectContaining({
        name: "WebSocketError",
        code: "handshake-failed",
        message: expect.stringMatching(/200/),
      }),
    );
  });
});

describe("checkHandshakeResponse (pure)", () => {
  const response = (status: number, fields: Record<string, string>) => {
    const headers = Object.entries(fields).flat();
    return {
      status,
      headers,
      header: (name: string) => fields[Object.keys(fields).find((k) => k.toLowerCase() === name) ?? ""],
    };
  };
  const good = { Upgrade: "websocket", Connection: "Upgrade", "Sec-WebSocket-Accept": "A=" };
  it.each([
    ["a 200", response(200, good), true, /200/],
    ["no Upgrade", response(101, { ...good, Upgrade: "h2c" }), true, /Upgrade/],
    ["no Connection", response(101, { ...good, Connection: "keep-alive" }), true, /Connection/],
    ["a wrong accept", response(101, { ...good, "Sec-WebSocket-Accept": "B=" }), true, /Accept/],
    ["an unoffered protocol", response(101, { ...good, "Sec-WebSocket-Protocol": "x" }), true, /not offered/],
    ["two protocols", response(101, { ...good, "Sec-WebSocket-Protocol": "a, b" }), true, /more than one/],
    [
      "an unoffered extension",
      response(101, { ...good, "Sec-WebSocket-Extensions": "permessage-deflate" }),
      false,
      /not offered/,
    ],
    [
      "a bad deflate parameter",
      response(101, { ...good, "Sec-WebSocket-Extensions": "permessage-deflate; x=1" }),
      true,
      /invalid/,
    ],
  ])("refuses %s", (_name, r, offeredDeflate, message) => {
    expect(checkHandshakeResponse(r, "A=", ["a", "b"], offeredDeflate)).toMatch(message);
  });
  it("accepts a good answer", () => {
    expect(
      checkHandshakeResponse(
        response(101, { ...good, "Sec-WebSocket-Protocol": "b", "Sec-WebSocket-Extensions": "permessage-deflate" }),
        "A=",
        ["a", "b"],
        true,
      ),
    ).toEqual({
      protocol: "b",
      extensions: "permessage-deflate",
      deflate: {
        serverNoContextTakeover: false,
        clientNoContextTakeover: false,
        serverMaxWindowBits: 15,
        clientMaxWindowBits: 15,
      },
    });
  });
});
