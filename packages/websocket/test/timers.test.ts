/**
 * Keep-alive pings and the close timeout through a real driver's timers: the in-memory runtime with a
 * virtual clock (time moves only with `memory.clock.advance`), the handshake through @sansio/http1.
 */
import { http1Server } from "@sansio/http1";
import { createMemoryRuntime } from "@sansio/runtime-api/testing";
import { describe, expect, it } from "vitest";
import { encodeFrameHeader } from "../src/frame-header.js";
import { type AcceptOptions, acceptWebSocket, connectWebSocket, type WebSocketConnection } from "../src/index.js";
import { LINGER_LIMIT } from "../src/websocket-connection.js";
import { closeCodeOf, decodeFrames, frame, RawPeer, sleep, text } from "./helpers.js";

const UPGRADE_REQUEST = text(
  "GET / HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
);

async function virtualServer(options: AcceptOptions) {
  const memory = createMemoryRuntime({ clock: "virtual" });
  const accepted: WebSocketConnection[] = [];
  await memory.listen(
    { port: 80 },
    http1Server(async (request, response) => {
      accepted.push(await acceptWebSocket(request, response, options));
    }),
  );
  return { memory, accepted };
}

/** Waits (real time, bounded) until `check` holds. */
async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((r) => setTimeout(r, 2));
  expect(check()).toBe(true);
}

/** The frames a raw peer got after the 101 response head. */
function framesAfterHead(peer: RawPeer) {
  const bytes = Buffer.from(peer.bytes());
  const end = bytes.indexOf("\r\n\r\n") + 4;
  return decodeFrames(bytes.subarray(end)).frames;
}

describe("timers through the driver (virtual clock)", () => {
  it("keep-alive: pings every interval, the peer's pongs keep the connection open", async () => {
    const { memory, accepted } = await virtualServer({ pingInterval: 10_000, pongTimeout: 5_000 });
    const client = await connectWebSocket(memory, "ws://127.0.0.1:80/");
    await until(() => accepted.length === 1);
    const server = accepted[0] as WebSocketConnection;
    let pongs = 0;
    server.onpong = () => pongs++;
    let pings = 0;
    client.onping = () => pings++;
    for (let i = 0; i < 6; i++) await memory.clock.advance(10_000);
    await until(() => pongs === 6);
    expect(pings).toBe(6);
    expect(server.readyState).toBe("open");
    client.close(1000);
    expect(await server.closed).toMatchObject({ code: 1000, wasClean: true });
  });

  it("keep-alive: a peer that never answers a ping is closed with 1011 after pongTimeout", async () => {
    const { memory, accepted } = await virtualServer({ pingInterval: 1000, pongTimeout: 500 });
    const peer = new RawPeer();
    await memory.connect({ port: 80 }, peer);
    peer.send(UPGRADE_REQUEST);
    await until(() => accepted.length === 1);
    await memory.clock.advance(1000);
    await until(() => framesAfterHead(peer).length === 1);
    expect(framesAfterHead(peer)[0]?.opcode).toBe(0x9);
    await memory.clock.advance(499);
    expect(accepted[0]?.readyState).toBe("open");
    await memory.clock.advance(1);
    await peer.eof;
    const frames = framesAfterHead(peer);
    expect(frames.map((f) => f.opcode)).toEqual([0x9, 0x8]);
    expect(closeCodeOf(frames[1]?.payload as Uint8Array)).toBe(1011);
    expect(await accepted[0]?.closed).toMatchObject({ code: 1011, wasClean: false, error: { name: "TimeoutError" } });
  });

  it("a close the peer never answers ends after closeTimeout, and the socket is released", async () => {
    const { memory, accepted } = await virtualServer({ closeTimeout: 3000 });
    const peer = new RawPeer({ endOnEof: false });
    await memory.connect({ port: 80 }, peer);
    peer.send(UPGRADE_REQUEST);
    await until(() => accepted.length === 1);
    const server = accepted[0] as WebSocketConnection;
    server.close(1001, "going");
    await until(() => framesAfterHead(peer).length === 1);
    await memory.clock.advance(2999);
    expect(server.readyState).toBe("closing");
    await memory.clock.advance(1);
    expect(await server.closed).toMatchObject({ code: 1006, wasClean: false, error: { name: "TimeoutError" } });
    await peer.eof;
    peer.end();
    await until(() => memory.clock.pendingTimers === 0);
  });

  /** A client connected through connectWebSocket to a raw server peer that completed the handshake by hand. */
  async function clientAgainstRawServer(closeTimeout: number) {
    const memory = createMemoryRuntime({ clock: "virtual" });
    const peers: RawPeer[] = [];
    await memory.listen({ port: 80 }, () => {
      const peer = new RawPeer({ endOnEof: false });
      peers.push(peer);
      return peer;
    });
    const connecting = connectWebSocket(memory, "ws://127.0.0.1:80/", { closeTimeout, deflate: false });
    await until(() => peers.length === 1 && Buffer.from((peers[0] as RawPeer).bytes()).includes("\r\n\r\n"));
    const peer = peers[0] as RawPeer;
    const key = /sec-websocket-key: (\S+)/i.exec(Buffer.from(peer.bytes()).toString())?.[1] as string;
    const { computeAccept } = await import("../src/accept.js");
    peer.send(
      text(
        `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${await computeAccept(key)}\r\n\r\n`,
      ),
    );
    const client = await connecting;
    return { memory, peer, client };
  }

  it("a client leaves closing the TCP connection to the server (RFC 6455 §7.1.1)", async () => {
    const { peer, client } = await clientAgainstRawServer(2000);
    peer.send(Uint8Array.of(0x88, 0x02, 0x03, 0xe8)); // the server's close, 1000
    expect(await client.closed).toEqual({ code: 1000, reason: "", wasClean: true });
    let eof = false;
    void peer.eof.then(() => {
      eof = true;
    });
    await sleep(20);
    expect(eof).toBe(false); // the client answered the close but keeps the connection open...
    peer.end(); // ...until the server closes it
    await peer.eof;
    await until(() => client.isClosed());
  });

  it("a client closes the TCP connection itself when the server does not, after closeTimeout", async () => {
    const { memory, peer, client } = await clientAgainstRawServer(2000);
    client.close(1000);
    await until(() => Buffer.from(peer.bytes()).includes(Buffer.from([0x88, 0x82])));
    peer.send(Uint8Array.of(0x88, 0x02, 0x03, 0xe8)); // the server answers the close, then stays silent
    expect(await client.closed).toEqual({ code: 1000, reason: "", wasClean: true });
    await memory.clock.advance(1999);
    expect(client.isClosed()).toBe(false);
    await memory.clock.advance(1);
    await peer.eof;
    await until(() => client.isClosed());
  });

  it("the client's close timeout runs through connectWebSocket's upgradable connection", async () => {
    const { memory, client } = await clientAgainstRawServer(2000);
    client.close(1000);
    await memory.clock.advance(1999);
    expect(client.readyState).toBe("closing");
    await memory.clock.advance(1);
    expect(await client.closed).toMatchObject({ code: 1006, error: { name: "TimeoutError" } });
  });

  describe("after failing, the server lingers: drops the peer's input until its close, EOF, a byte or a time bound", () => {
    /** A raw client whose oversized frame (`declared` bytes, 1000 of them sent) the server refuses at its header. */
    async function refusedAtHeader(declared: number, options: AcceptOptions = {}) {
      const { memory, accepted } = await virtualServer(options);
      const peer = new RawPeer({ endOnEof: false });
      await memory.connect({ port: 80 }, peer);
      peer.send(UPGRADE_REQUEST);
      await until(() => accepted.length === 1);
      const server = accepted[0] as WebSocketConnection;
      const header = encodeFrameHeader({ fin: true, rsv: 0, opcode: 0x2, mask: 0x12345678, length: declared });
      peer.send(header, new Uint8Array(1000));
      expect(await server.closed).toMatchObject({ code: 1009, wasClean: false });
      await peer.eof; // our close frame, then FIN
      const frames = framesAfterHead(peer);
      expect(frames.map((f) => f.opcode)).toEqual([0x8]);
      expect(closeCodeOf(frames[0]?.payload as Uint8Array)).toBe(1009);
      expect(server.isClosed()).toBe(false); // still reading: closing now would reset the connection
      return { memory, peer, server };
    }

    it("the rest of the message is dropped, and the peer's close frame ends it", async () => {
      const { memory, peer, server } = await refusedAtHeader(2 << 20);
      peer.send(new Uint8Array((2 << 20) - 1000)); // the rest of the refused frame
      await sleep(20);
      expect(server.isClosed()).toBe(false);
      peer.send(frame({ opcode: 0x8, payload: Uint8Array.of(0x03, 0xf1) })); // the peer answers: 1009
      await until(() => server.isClosed());
      await until(() => memory.clock.pendingTimers === 0);
    });

    it("EOF from the peer ends it", async () => {
      const { memory, peer, server } = await refusedAtHeader(2 << 20);
      peer.end();
      await until(() => server.isClosed());
      await until(() => memory.clock.pendingTimers === 0);
    });

    it(`at most LINGER_LIMIT (${LINGER_LIMIT} bytes) is dropped, even when the peer declared more`, async () => {
      const { memory, peer, server } = await refusedAtHeader(2 ** 40);
      peer.send(new Uint8Array(LINGER_LIMIT - 1000)); // with the 1000 sent first: exactly the limit
      await sleep(20);
      expect(server.isClosed()).toBe(false);
      peer.send(new Uint8Array(1)); // one byte past it
      await until(() => server.isClosed());
      await until(() => memory.clock.pendingTimers === 0);
    });

    it("at most closeTimeout: a peer that keeps the input open is closed then", async () => {
      const { memory, server } = await refusedAtHeader(2 << 20, { closeTimeout: 3000 });
      await memory.clock.advance(2999);
      expect(server.isClosed()).toBe(false);
      await memory.clock.advance(1);
      await until(() => server.isClosed());
      await until(() => memory.clock.pendingTimers === 0);
    });
  });

  it("a failed client lingers too, until the server closes the TCP connection", async () => {
    const { memory, peer, client } = await clientAgainstRawServer(2000);
    // A masked frame from the server (1002), declaring more than it sends.
    const header = encodeFrameHeader({ fin: true, rsv: 0, opcode: 0x2, mask: 0x01020304, length: 100_000 });
    peer.send(header, new Uint8Array(10));
    expect(await client.closed).toMatchObject({ code: 1002, wasClean: false });
    await peer.eof;
    expect(client.isClosed()).toBe(false);
    peer.send(new Uint8Array(100_000 - 10));
    await sleep(20);
    expect(client.isClosed()).toBe(false); // no close frame yet: still dropping
    peer.end();
    await until(() => client.isClosed());
    await until(() => memory.clock.pendingTimers === 0);
  });
});
