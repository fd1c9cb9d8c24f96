/**
 * Keep-alive pings and the close timeout through a real driver's timers: the in-memory runtime with a
 * virtual clock (time moves only with `memory.clock.advance`), the handshake through @sansio/http1.
 */
import { http1Server } from "@sansio/http1";
import { createMemoryRuntime } from "@sansio/runtime-api/testing";
import { describe, expect, it } from "vitest";
import { type AcceptOptions, acceptWebSocket, connectWebSocket, type WebSocketConnection } from "../src/index.js";
import { closeCodeOf, decodeFrames, RawPeer, sleep, text } from "./helpers.js";

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
});
