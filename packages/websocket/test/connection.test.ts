import type { Clock } from "@sansio/runtime-api";
import { describe, expect, it } from "vitest";
import { WebSocketConnection } from "../src/websocket-connection.js";
import { CHUNKINGS, connectedPair, DEFLATE } from "./helpers.js";

describe.each(CHUNKINGS)("client and server over memory (%s)", (_name, memoryOptions) => {
  for (const deflate of [null, DEFLATE]) {
    const label = deflate ? "with permessage-deflate" : "uncompressed";
    it(`echoes text and binary of every length class, ${label}`, async () => {
      const { server, client } = await connectedPair(memoryOptions, { deflate });
      server.onmessage = (message) => void server.send(message.data);
      const sizes = [0, 1, 125, 126, 1000, 65535, 65536, 200_000];
      const iterator = client[Symbol.asyncIterator]();
      for (const size of sizes) {
        const body = "é".repeat(size >> 1) + "x".repeat(size & 1);
        await client.send(body);
        expect(await iterator.next()).toEqual({ done: false, value: { type: "text", data: body } });
        const bytes = Uint8Array.from({ length: size }, (_, i) => (i * 131) & 0xff);
        await client.send(bytes);
        expect(await iterator.next()).toEqual({ done: false, value: { type: "binary", data: bytes } });
      }
      client.close(1000, "done");
      const [clientEvent, serverEvent] = await Promise.all([client.closed, server.closed]);
      expect(clientEvent).toEqual({ code: 1000, reason: "", wasClean: true });
      expect(serverEvent).toEqual({ code: 1000, reason: "done", wasClean: true });
      expect(await iterator.next()).toEqual({ done: true, value: undefined });
    });
  }

  it("streams a message past maxMessageSize in fragments with backpressure both ways", async () => {
    const { server, client } = await connectedPair(memoryOptions, {
      server: { streamMessages: true, maxMessageSize: Number.POSITIVE_INFINITY, receiveHighWaterMark: 16 * 1024 },
      client: { highWaterMark: 32 * 1024 },
    });
    const total = memoryOptions.readSize === 1 ? 512 * 1024 : 3 << 20;
    const chunk = 64 * 1024;
    let receivedBytes = 0;
    let maxBuffered = 0;
    const received = (async () => {
      for await (const stream of server.streams()) {
        expect(stream.type).toBe("binary");
        for await (const piece of stream) {
          for (let i = 0; i < piece.length; i++) {
            if (piece[i] !== ((receivedBytes + i) & 0xff)) throw new Error(`byte ${receivedBytes + i} differs`);
          }
          receivedBytes += piece.length;
          maxBuffered = Math.max(maxBuffered, stream.buffered);
        }
        return;
      }
    })();
    const writer = client.stream("binary");
    let maxQueued = 0;
    for (let sent = 0; sent < total; sent += chunk) {
      const piece = Uint8Array.from({ length: chunk }, (_, i) => (sent + i) & 0xff);
      await writer.write(piece);
      maxQueued = Math.max(maxQueued, client.bufferedAmount);
    }
    await writer.end();
    await received;
    expect(receivedBytes).toBe(total);
    // Backpressure held: the sender never queued much past its mark plus one fragment.
    expect(maxQueued).toBeLessThanOrEqual(32 * 1024 + chunk + 14);
    expect(maxBuffered).toBeLessThanOrEqual(16 * 1024 + 1500 + 65536);
    client.close();
    await server.closed;
  });

  it.each([
    ["uncompressed", null],
    ["with permessage-deflate (the compressor sees messages in wire order)", DEFLATE],
  ])("queues send() behind a message being streamed, and interleaves pings, %s", async (_label, deflate) => {
    const { server, client } = await connectedPair(memoryOptions, { deflate, client: { deflate: { threshold: 0 } } });
    const got: string[] = [];
    server.onmessage = (m) => got.push(m.type === "text" ? m.data : "?");
    let pongs = 0;
    client.onpong = () => pongs++;
    const writer = client.stream("text");
    await writer.write("hello hello ");
    void client.send("second hello hello");
    client.ping("p");
    await writer.write("hello world ");
    await writer.end("world hello");
    void client.send("third world hello");
    client.close();
    await server.closed;
    expect(got).toEqual(["hello hello hello world world hello", "second hello hello", "third world hello"]);
  });

  it("hands messages that arrived before onmessage was set to it first, in order", async () => {
    const { server, client } = await connectedPair(memoryOptions);
    for (const text of ["early 1", "early 2", "early 3"]) await client.send(text);
    await new Promise((resolve) => setTimeout(resolve, 30)); // they arrive with nobody listening
    const got: string[] = [];
    server.onmessage = (m) => got.push(m.type === "text" ? m.data : "?");
    expect(got).toEqual(["early 1", "early 2", "early 3"]);
    await client.send("late");
    client.close();
    await server.closed;
    expect(got).toEqual(["early 1", "early 2", "early 3", "late"]);
  });

  it("onclose set after the connection ended is told at once", async () => {
    const { server, client } = await connectedPair(memoryOptions);
    client.close(1000);
    await server.closed;
    const events: unknown[] = [];
    server.onclose = (event) => events.push(event);
    expect(events).toEqual([{ code: 1000, reason: "", wasClean: true }]);
  });

  it("closes from the server side with a code and reason", async () => {
    const { server, client } = await connectedPair(memoryOptions);
    server.close(4000, "bye ✓");
    expect(server.readyState).toBe("closing");
    expect(await client.closed).toEqual({ code: 4000, reason: "bye ✓", wasClean: true });
    expect(await server.closed).toEqual({ code: 4000, reason: "", wasClean: true });
    expect(client.readyState).toBe("closed");
    await expect(client.send("late")).rejects.toThrow(/not open/);
  });

  it("closing in the middle of a streamed message drops the sends queued behind it (no data frame may follow)", async () => {
    const { server, client } = await connectedPair(memoryOptions);
    const got: unknown[] = [];
    server.onmessage = (m) => got.push(m);
    const writer = client.stream("binary");
    await writer.write(Uint8Array.of(1));
    void client.send("queued behind the stream");
    client.close(1000);
    await expect(writer.end()).rejects.toThrow(/not open/);
    expect(await server.closed).toMatchObject({ code: 1000, wasClean: true });
    expect(await client.closed).toMatchObject({ code: 1000, wasClean: true });
    expect(got).toEqual([]);
  });

  it("lets two consumers iterate: each message goes to one of them", async () => {
    const { server, client } = await connectedPair(memoryOptions);
    const a = client[Symbol.asyncIterator]();
    const b = client[Symbol.asyncIterator]();
    const both = Promise.all([a.next(), b.next()]);
    await server.send("one");
    await server.send("two");
    const values = (await both).map((r) => (r.value as { data: string }).data).sort();
    expect(values).toEqual(["one", "two"]);
    server.close();
    expect(await a.next()).toEqual({ done: true, value: undefined });
  });

  it("a send that is never awaited rejects without an unhandled rejection when the connection dies", async () => {
    const { server, client } = await connectedPair(memoryOptions, { client: { highWaterMark: 1 } });
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on("unhandledRejection", onUnhandled);
    try {
      void client.send(new Uint8Array(300_000));
      client.reportError(new Error("the socket broke"));
      await new Promise((r) => setTimeout(r, 20));
      expect(unhandled).toEqual([]);
      expect(await client.closed).toMatchObject({ code: 1006, wasClean: false });
    } finally {
      process.off("unhandledRejection", onUnhandled);
      server.close();
    }
  });

  it("sends nothing after close and rejects sends", async () => {
    const { server, client } = await connectedPair(memoryOptions);
    const got: unknown[] = [];
    server.onmessage = (m) => got.push(m);
    client.close();
    await expect(client.send("x")).rejects.toThrow();
    expect(() => client.stream()).toThrow();
    await server.closed;
    expect(got).toEqual([]);
  });
});

/** A clock a test moves by hand. */
class FakeClock implements Clock {
  time = 1000;
  now(): number {
    return this.time;
  }
}

describe("timeouts (pure: a fake clock, the connection driven by hand)", () => {
  it("gives up on a close handshake the peer never answers", () => {
    const ws = new WebSocketConnection({ role: "server" }, { closeTimeout: 3000 });
    const clock = new FakeClock();
    ws.setClock(clock);
    expect(ws.nextDeadline()).toBeUndefined();
    ws.close(1000);
    expect(ws.nextDeadline()).toBe(4000);
    const op = ws.nextWriteOperation();
    expect(op.kind).toBe("write");
    ws.reportWriteResult(4); // the close frame: 2 header + 2 code bytes
    expect(ws.nextWriteOperation()).toEqual({ kind: "close" });
    expect(ws.nextReadOperation()).toBe("read");
    clock.time = 3999;
    ws.handleTimeout(3999);
    expect(ws.readyState).toBe("closing");
    clock.time = 4000;
    ws.handleTimeout(4000);
    expect(ws.readyState).toBe("closed");
    expect(ws.nextReadOperation()).toBe("close");
    expect(ws.isClosed()).toBe(true);
    return expect(ws.closed).resolves.toMatchObject({ code: 1006, wasClean: false, error: { name: "TimeoutError" } });
  });

  it("pings on an interval and fails with 1011 when no pong comes", async () => {
    const ws = new WebSocketConnection({ role: "server" }, { pingInterval: 10_000, pongTimeout: 5000 });
    const clock = new FakeClock();
    ws.setClock(clock);
    expect(ws.nextDeadline()).toBe(11_000);
    expect(ws.nextWriteOperation().kind).toBe("yield");
    clock.time = 11_000;
    ws.handleTimeout(11_000);
    const ping = ws.nextWriteOperation();
    expect(ping).toEqual({ kind: "write", iovecs: [Uint8Array.of(0x89, 0)] });
    ws.reportWriteResult(2);
    expect(ws.nextDeadline()).toBe(16_000);
    // The pong arrives (masked, as from a client): the pong deadline is gone, the next ping is due.
    ws.read(Uint8Array.of(0x8a, 0x80, 1, 2, 3, 4), 0, 6);
    expect(ws.nextDeadline()).toBe(21_000);
    clock.time = 21_000;
    ws.handleTimeout(21_000);
    ws.reportWriteResult((ws.nextWriteOperation() as { kind: "write"; iovecs: Uint8Array[] }).iovecs[0]?.length ?? 0);
    expect(ws.nextDeadline()).toBe(26_000);
    clock.time = 26_000;
    ws.handleTimeout(26_000);
    const close = ws.nextWriteOperation() as { kind: "write"; iovecs: Uint8Array[] };
    const bytes = Buffer.concat(close.iovecs);
    expect(bytes.subarray(0, 4)).toEqual(Buffer.from([0x88, 2 + 22, 0x03, 0xf3]));
    expect(bytes.subarray(4).toString()).toBe("keepalive ping timeout");
    expect(await ws.closed).toMatchObject({ code: 1011, wasClean: false, error: { name: "TimeoutError" } });
  });

  it("an abort while a write is in flight: the late write report is harmless, then the output closes", () => {
    const ws = new WebSocketConnection({ role: "server" }, { closeTimeout: 1000 });
    const clock = new FakeClock();
    ws.setClock(clock);
    void ws.send(new Uint8Array(100_000)).catch(() => {});
    ws.close(1000);
    const op = ws.nextWriteOperation();
    expect(op.kind).toBe("write");
    ws.handleTimeout(clock.time + 1000); // aborts: the queue is discarded while the driver writes
    expect(() => ws.reportWriteResult(5000)).not.toThrow();
    expect(ws.nextWriteOperation()).toEqual({ kind: "close" });
    expect(ws.nextReadOperation()).toBe("close");
    expect(ws.isClosed()).toBe(true);
  });

  it("has no deadline without pings or a close under way", () => {
    const ws = new WebSocketConnection({ role: "client" });
    ws.setClock(new FakeClock());
    expect(ws.nextDeadline()).toBeUndefined();
  });
});
