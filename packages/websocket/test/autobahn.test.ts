/**
 * Cases modelled on the Autobahn TestSuite's sections (the suite itself does not run here): a raw peer
 * sends exact bytes to our server (an echo), at every chunking, and the test reads back the frames the
 * server sent and checks that it closed the connection.
 */
import zlib from "node:zlib";
import { createMemoryRuntime, type MemoryRuntimeOptions } from "@sansio/runtime-api/testing";
import { describe, expect, it } from "vitest";
import type { DeflateParams } from "../src/deflate-params.js";
import { Opcode, parseFrameHeader, RSV1 } from "../src/frame-header.js";
import type { WebSocketOptions } from "../src/options.js";
import { type CloseEvent, WebSocketConnection } from "../src/websocket-connection.js";
import { CHUNKINGS, closeCodeOf, DEFLATE, decodeFrames, frame, hex, RawPeer, type TestFrame, text } from "./helpers.js";

const { Text, Binary, Continuation, Close, Ping, Pong } = Opcode;

interface Outcome {
  /** Frames the server sent, in order. */
  frames: Array<Required<TestFrame>>;
  /** The close code the server sent (undefined: no close frame). */
  closeCode: number | undefined;
  /** How the server's connection ended. */
  event: CloseEvent;
}

/** Runs one case: the peer sends `frames` (masked), optionally a clean close, and waits for the server to close the socket. */
async function run(
  memoryOptions: MemoryRuntimeOptions,
  frames: ReadonlyArray<TestFrame | Uint8Array>,
  options: { server?: WebSocketOptions; deflate?: DeflateParams; close?: boolean } = {},
): Promise<Outcome> {
  const memory = createMemoryRuntime(memoryOptions);
  let server: WebSocketConnection | undefined;
  await memory.listen({ port: 80 }, () => {
    server = new WebSocketConnection({ role: "server", deflate: options.deflate ?? null }, options.server);
    server.onmessage = (message) => void server?.send(message.data).catch(() => {});
    return server;
  });
  const peer = new RawPeer();
  await memory.connect({ port: 80 }, peer);
  peer.send(...frames.map((f) => (f instanceof Uint8Array ? f : frame(f))));
  if (options.close !== false) peer.send(frame({ opcode: Close, payload: hex("03e8") }));
  await peer.eof;
  if (server === undefined) throw new Error("no server connection");
  const event = await server.closed;
  const { frames: sent, rest } = decodeFrames(peer.bytes());
  expect(rest).toBe(0);
  const close = sent.find((f) => f.opcode === Close);
  // Nothing may follow the close frame.
  if (close) expect(sent.at(-1)).toBe(close);
  return { frames: sent, closeCode: close ? closeCodeOf(close.payload) : undefined, event };
}

const dataFrames = (outcome: Outcome) => outcome.frames.filter((f) => f.opcode !== Close);

describe.each(CHUNKINGS)("Autobahn-style cases against the server (%s)", (_name, memoryOptions) => {
  describe("1. framing", () => {
    it.each([0, 125, 126, 127, 128, 65535, 65536])("1.1/1.2: echoes text and binary of %i bytes", async (n) => {
      const payload = Uint8Array.from({ length: n }, (_, i) => 0x20 + (i % 90));
      const outcome = await run(memoryOptions, [
        { opcode: Text, payload },
        { opcode: Binary, payload },
      ]);
      expect(dataFrames(outcome)).toEqual([
        { opcode: Text, payload, fin: true, rsv: 0 },
        { opcode: Binary, payload, fin: true, rsv: 0 },
      ]);
      expect(outcome.closeCode).toBe(1000);
      expect(outcome.event.wasClean).toBe(true);
    });
  });

  describe("2. ping/pong", () => {
    it("2.1-2.3: answers pings with their payload (empty, text, 125 binary bytes)", async () => {
      const payloads = [new Uint8Array(0), text("Hello, world!"), Uint8Array.from({ length: 125 }, (_, i) => i)];
      const outcome = await run(
        memoryOptions,
        payloads.map((payload) => ({ opcode: Ping, payload })),
      );
      const pongs = dataFrames(outcome);
      // Every pong answers a ping; the last ping is always answered (RFC 6455 §5.5.3 allows skipping older ones).
      expect(pongs.length).toBeGreaterThanOrEqual(1);
      for (const pong of pongs) expect(pong.opcode).toBe(Pong);
      expect(pongs.at(-1)?.payload).toEqual(payloads.at(-1));
      expect(outcome.closeCode).toBe(1000);
    });
    it("2.5: a ping of 126 bytes is a protocol error", async () => {
      const outcome = await run(memoryOptions, [{ opcode: Ping, payload: new Uint8Array(126) }], { close: false });
      expect(outcome.closeCode).toBe(1002);
      expect(outcome.event).toMatchObject({ wasClean: false, error: { code: "control-frame-too-long" } });
    });
    it("2.6-style: a fragmented ping is a protocol error", async () => {
      const outcome = await run(memoryOptions, [{ opcode: Ping, payload: text("a"), fin: false }], { close: false });
      expect(outcome.closeCode).toBe(1002);
    });
    it("2.7/2.8: unsolicited pongs are ignored", async () => {
      const outcome = await run(memoryOptions, [
        { opcode: Pong, payload: new Uint8Array(0) },
        { opcode: Pong, payload: text("unsolicited") },
        { opcode: Text, payload: text("after") },
      ]);
      expect(dataFrames(outcome)).toEqual([{ opcode: Text, payload: text("after"), fin: true, rsv: 0 }]);
    });
    it("2.10-style: a flood of 1000 pings gets bounded pongs and the connection carries on", async () => {
      const pings = Array.from({ length: 1000 }, (_, i) => ({ opcode: Ping, payload: text(`ping ${i}`) }));
      const outcome = await run(memoryOptions, [...pings, { opcode: Text, payload: text("still here") }]);
      const frames = dataFrames(outcome);
      expect(frames.length).toBeLessThanOrEqual(1001);
      expect(frames.filter((f) => f.opcode === Pong).at(-1)?.payload).toEqual(text("ping 999"));
      expect(frames.at(-1)).toEqual({ opcode: Text, payload: text("still here"), fin: true, rsv: 0 });
      expect(outcome.closeCode).toBe(1000);
    });
  });

  describe("3. reserved bits", () => {
    it.each([1, 2, 3, 4, 5, 6, 7])(
      "3.x: RSV %i without an extension fails with 1002 after echoing the message before",
      async (rsv) => {
        const outcome = await run(
          memoryOptions,
          [
            { opcode: Text, payload: text("before") },
            { opcode: Text, payload: text("bad"), rsv },
            { opcode: Text, payload: text("after") },
          ],
          { close: false },
        );
        expect(dataFrames(outcome)).toEqual([{ opcode: Text, payload: text("before"), fin: true, rsv: 0 }]);
        expect(outcome.closeCode).toBe(1002);
        expect(outcome.event).toMatchObject({ code: 1002, error: { code: "reserved-bits" } });
      },
    );
    it("3.x: RSV on a ping fails", async () => {
      const outcome = await run(memoryOptions, [{ opcode: Ping, payload: text("p"), rsv: 4 }], { close: false });
      expect(outcome.closeCode).toBe(1002);
    });
  });

  describe("4. opcodes", () => {
    it.each([3, 4, 5, 6, 7, 11, 12, 13, 14, 15])("4.x: reserved opcode %i fails with 1002", async (opcode) => {
      const outcome = await run(memoryOptions, [{ opcode, payload: text("x") }], { close: false });
      expect(outcome.closeCode).toBe(1002);
      expect(outcome.event).toMatchObject({ error: { code: "reserved-opcode" } });
    });
  });

  describe("5. fragmentation", () => {
    it("5.6-5.9: a text message in fragments with pings between them", async () => {
      const outcome = await run(memoryOptions, [
        { opcode: Text, payload: text("frag"), fin: false },
        { opcode: Ping, payload: text("between") },
        { opcode: Continuation, payload: text("ment"), fin: false },
        { opcode: Continuation, payload: text("ed"), fin: true },
      ]);
      expect(dataFrames(outcome)).toEqual([
        { opcode: Pong, payload: text("between"), fin: true, rsv: 0 },
        { opcode: Text, payload: text("fragmented"), fin: true, rsv: 0 },
      ]);
    });
    it("5.17-style: empty fragments", async () => {
      const outcome = await run(memoryOptions, [
        { opcode: Binary, payload: new Uint8Array(0), fin: false },
        { opcode: Continuation, payload: new Uint8Array(0), fin: false },
        { opcode: Continuation, payload: new Uint8Array(0), fin: true },
      ]);
      expect(dataFrames(outcome)).toEqual([{ opcode: Binary, payload: new Uint8Array(0), fin: true, rsv: 0 }]);
    });
    it("5.9-5.11: a continuation with no message under way fails", async () => {
      const outcome = await run(memoryOptions, [{ opcode: Continuation, payload: text("x") }], { close: false });
      expect(outcome.event).toMatchObject({ code: 1002, error: { code: "unexpected-continuation" } });
    });
    it("5.18-style: a new text frame inside a fragmented message fails", async () => {
      const outcome = await run(
        memoryOptions,
        [
          { opcode: Text, payload: text("a"), fin: false },
          { opcode: Text, payload: text("b") },
        ],
        { close: false },
      );
      expect(outcome.event).toMatchObject({ code: 1002, error: { code: "expected-continuation" } });
    });
  });

  describe("6. UTF-8 handling", () => {
    const kosme = hex("cebae1bdb9cf83cebcceb5");
    it("6.2: valid UTF-8 split at every byte into fragments is echoed whole", async () => {
      const frames = Array.from(kosme, (_b, i) => ({
        opcode: i === 0 ? Text : Continuation,
        payload: kosme.subarray(i, i + 1),
        fin: i === kosme.length - 1,
      }));
      const outcome = await run(memoryOptions, frames);
      expect(dataFrames(outcome)).toEqual([{ opcode: Text, payload: kosme, fin: true, rsv: 0 }]);
    });
    it("6.4-style: invalid UTF-8 fails fast, at the first bad byte, before the message ends", async () => {
      // The first fragment holds the bad bytes; the message never ends and the peer never closes:
      // the server must fail on the fragment it has.
      const outcome = await run(
        memoryOptions,
        [{ opcode: Text, payload: hex("cebae1bdb9cf83cebcceb5f4908080"), fin: false }],
        { close: false },
      );
      expect(outcome.closeCode).toBe(1007);
      expect(outcome.event).toMatchObject({ code: 1007, error: { code: "invalid-utf8" } });
      expect((outcome.event.error as Error).message).toMatch(/byte 12/);
    });
    it("6.3-style: a sequence split across fragments that turns out invalid", async () => {
      const outcome = await run(
        memoryOptions,
        [
          { opcode: Text, payload: hex("41ed"), fin: false },
          { opcode: Continuation, payload: hex("a080"), fin: false },
        ],
        { close: false },
      );
      expect(outcome.closeCode).toBe(1007);
    });
    it("6.x: a message ending in the middle of a character", async () => {
      const outcome = await run(memoryOptions, [{ opcode: Text, payload: hex("41e0a0") }], { close: false });
      expect(outcome.closeCode).toBe(1007);
    });
  });

  describe("7. close handling", () => {
    it("7.1.1: echoes a close with 1000 and a reason, then closes the socket", async () => {
      const outcome = await run(
        memoryOptions,
        [{ opcode: Close, payload: Buffer.concat([hex("03e8"), text("bye")]) }],
        {
          close: false,
        },
      );
      expect(outcome.closeCode).toBe(1000);
      expect(outcome.event).toEqual({ code: 1000, reason: "bye", wasClean: true });
    });
    it("7.3.1: an empty close is answered with an empty close", async () => {
      const outcome = await run(memoryOptions, [{ opcode: Close, payload: new Uint8Array(0) }], { close: false });
      expect(outcome.frames).toEqual([{ opcode: Close, payload: new Uint8Array(0), fin: true, rsv: 0 }]);
      expect(outcome.event).toEqual({ code: 1005, reason: "", wasClean: true });
    });
    it("7.1.3-7.1.5: frames after the close are ignored", async () => {
      const outcome = await run(
        memoryOptions,
        [
          { opcode: Close, payload: hex("03e8") },
          { opcode: Text, payload: text("ignored") },
          { opcode: Ping, payload: text("ignored") },
        ],
        { close: false },
      );
      expect(dataFrames(outcome)).toEqual([]);
      expect(outcome.closeCode).toBe(1000);
    });
    it.each([0, 999, 1004, 1005, 1006, 1015, 1016, 2000, 2999, 5000, 65535])(
      "7.9.x: close code %i is answered 1002",
      async (code) => {
        const payload = Uint8Array.of(code >> 8, code & 0xff);
        const outcome = await run(memoryOptions, [{ opcode: Close, payload }], { close: false });
        expect(outcome.closeCode).toBe(1002);
      },
    );
    it.each([1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 3000, 3999, 4000, 4999])(
      "7.7.x: close code %i is echoed",
      async (code) => {
        const payload = Uint8Array.of(code >> 8, code & 0xff);
        const outcome = await run(memoryOptions, [{ opcode: Close, payload }], { close: false });
        expect(outcome.closeCode).toBe(code);
        expect(outcome.event).toMatchObject({ code, wasClean: true });
      },
    );
    it("7.3.2: a one-byte close payload is a protocol error", async () => {
      const outcome = await run(memoryOptions, [{ opcode: Close, payload: hex("03") }], { close: false });
      expect(outcome.closeCode).toBe(1002);
    });
    it("7.5.1: a close reason that is not UTF-8 gets 1007", async () => {
      const outcome = await run(memoryOptions, [{ opcode: Close, payload: hex("03e8cebae1bdb9cf83cebcceb5eda080") }], {
        close: false,
      });
      expect(outcome.closeCode).toBe(1007);
    });
    it("an EOF without a close frame ends the connection as 1006", async () => {
      const memory = createMemoryRuntime(memoryOptions);
      let server: WebSocketConnection | undefined;
      await memory.listen({ port: 80 }, () => {
        server = new WebSocketConnection({ role: "server" });
        return server;
      });
      const peer = new RawPeer();
      await memory.connect({ port: 80 }, peer);
      peer.send(frame({ opcode: Text, payload: text("half"), fin: false }));
      peer.end();
      await peer.eof;
      expect(await (server as WebSocketConnection).closed).toMatchObject({
        code: 1006,
        wasClean: false,
        error: { name: "ConnectionClosedError" },
      });
    });
  });

  describe("9/limits", () => {
    it("an unmasked frame from a client is a protocol error", async () => {
      const outcome = await run(memoryOptions, [frame({ opcode: Text, payload: text("plain") }, false)], {
        close: false,
      });
      expect(outcome.event).toMatchObject({ code: 1002, error: { code: "unmasked-frame" } });
    });
    it("a frame over maxFrameSize is refused at its header (1009), before its payload arrives", async () => {
      const header = frame({ opcode: Binary, payload: new Uint8Array(2000) }).subarray(0, 8);
      const outcome = await run(memoryOptions, [header], { close: false, server: { maxFrameSize: 1000 } });
      expect(outcome.event).toMatchObject({ code: 1009, error: { code: "frame-too-large" } });
    });
    it("a 64-bit length past 2^53 gets 1009, with the top bit 1002", async () => {
      const huge = await run(memoryOptions, [hex("827f00200000000000001234abcd")], { close: false });
      expect(huge.closeCode).toBe(1009);
      const top = await run(memoryOptions, [hex("827f80000000000000001234abcd")], { close: false });
      expect(top.closeCode).toBe(1002);
    });
    it("a message over maxMessageSize in small fragments gets 1009", async () => {
      const frames = Array.from({ length: 20 }, (_, i) => ({
        opcode: i === 0 ? Binary : Continuation,
        payload: new Uint8Array(100),
        fin: i === 19,
      }));
      const outcome = await run(memoryOptions, frames, { close: false, server: { maxMessageSize: 1000 } });
      expect(outcome.event).toMatchObject({ code: 1009, error: { code: "message-too-large" } });
    });
    it("too many fragments get 1009", async () => {
      const frames = Array.from({ length: 11 }, (_, i) => ({
        opcode: i === 0 ? Binary : Continuation,
        payload: new Uint8Array(1),
        fin: i === 10,
      }));
      const outcome = await run(memoryOptions, frames, { close: false, server: { maxFragments: 10 } });
      expect(outcome.event).toMatchObject({ code: 1009, error: { code: "too-many-fragments" } });
    });
  });

  describe("12/13. compression", () => {
    const compressed = (message: Uint8Array) => {
      const all = zlib.deflateRawSync(message, { finishFlush: zlib.constants.Z_SYNC_FLUSH });
      return all.subarray(0, all.length - 4);
    };
    it("12.x: inflates compressed messages (whole and fragmented) and echoes them", async () => {
      const message = text("Hello, compressed world! ".repeat(100));
      const payload = compressed(message);
      const half = payload.length >> 1;
      const outcome = await run(
        memoryOptions,
        [
          { opcode: Text, payload, rsv: RSV1 },
          { opcode: Text, payload: payload.subarray(0, half), rsv: RSV1, fin: false },
          { opcode: Continuation, payload: payload.subarray(half) },
          { opcode: Text, payload: text("not compressed") },
        ],
        { deflate: DEFLATE },
      );
      const frames = dataFrames(outcome);
      expect(frames).toHaveLength(3);
      expect(frames.slice(0, 2).map((f) => f.rsv)).toEqual([RSV1, RSV1]);
      // With context takeover the second message may refer to the first: inflate them as one stream.
      const stream = Buffer.concat(frames.slice(0, 2).flatMap((f) => [f.payload, hex("0000ffff")]));
      const inflated = zlib.inflateRawSync(stream, { finishFlush: zlib.constants.Z_SYNC_FLUSH });
      expect(inflated).toEqual(Buffer.concat([message, message]));
      expect(frames[2]).toEqual({ opcode: Text, payload: text("not compressed"), fin: true, rsv: 0 });
    });
    it("RSV1 on a continuation frame is a protocol error", async () => {
      const payload = compressed(text("abc"));
      const outcome = await run(
        memoryOptions,
        [
          { opcode: Text, payload: payload.subarray(0, 1), rsv: RSV1, fin: false },
          { opcode: Continuation, payload: payload.subarray(1), rsv: RSV1 },
        ],
        { deflate: DEFLATE, close: false },
      );
      expect(outcome.closeCode).toBe(1002);
    });
    it("a deflate bomb (16 MiB of zeros in ~16 KiB) gets 1009 at the default limit", async () => {
      const outcome = await run(
        memoryOptions,
        [{ opcode: Binary, payload: compressed(new Uint8Array(16 << 20)), rsv: RSV1 }],
        {
          deflate: DEFLATE,
          close: false,
        },
      );
      expect(outcome.event).toMatchObject({ code: 1009, error: { code: "message-too-large" } });
    });
    it("compressed bytes that are not deflate get 1007", async () => {
      const outcome = await run(memoryOptions, [{ opcode: Binary, payload: hex("ffffffffff"), rsv: RSV1 }], {
        deflate: DEFLATE,
        close: false,
      });
      expect(outcome.closeCode).toBe(1007);
    });
    it("compressed text that inflates to bad UTF-8 gets 1007", async () => {
      const outcome = await run(memoryOptions, [{ opcode: Text, payload: compressed(hex("41eda080")), rsv: RSV1 }], {
        deflate: DEFLATE,
        close: false,
      });
      expect(outcome.closeCode).toBe(1007);
    });
  });
});

describe.each(CHUNKINGS)("the client's side of the rules (%s)", (_name, memoryOptions) => {
  /** Our client against a raw server peer that sends `frames` unmasked (or as given). */
  async function runClient(frames: ReadonlyArray<TestFrame | Uint8Array>) {
    const memory = createMemoryRuntime(memoryOptions);
    const peer = new RawPeer();
    await memory.listen({ port: 80 }, () => peer);
    const client = new WebSocketConnection({ role: "client" });
    const got: unknown[] = [];
    client.onmessage = (message) => got.push(message);
    await memory.connect({ port: 80 }, client);
    peer.send(...frames.map((f) => (f instanceof Uint8Array ? f : frame(f, false))));
    const event = await client.closed;
    // The server closes the TCP connection first (RFC 6455 §7.1.1); our client waits for that.
    peer.end();
    await peer.eof;
    const bytes = peer.bytes();
    // Every frame a client sends is masked (RFC 6455 §5.3): walk the headers.
    const masked: boolean[] = [];
    for (let p = 0; p < bytes.length; ) {
      const parsed = parseFrameHeader(bytes, p, bytes.length);
      if (parsed.kind !== "header") break;
      masked.push(parsed.header.mask !== null);
      p += parsed.size + parsed.header.length;
    }
    const { frames: sent } = decodeFrames(bytes);
    return { event, got, sent, masked };
  }

  it("receives unmasked messages and masks its own close", async () => {
    const { event, got, sent, masked } = await runClient([
      { opcode: Text, payload: text("from the server") },
      { opcode: Close, payload: hex("03e8") },
    ]);
    expect(got).toEqual([{ type: "text", data: "from the server" }]);
    expect(event).toEqual({ code: 1000, reason: "", wasClean: true });
    expect(sent.map((f) => f.opcode)).toEqual([Close]);
    expect(masked).toEqual([true]);
  });

  it("a masked frame from the server is a protocol error", async () => {
    const { event, sent } = await runClient([frame({ opcode: Text, payload: text("masked") }, true)]);
    expect(event).toMatchObject({ code: 1002, error: { code: "masked-frame" } });
    expect(closeCodeOf((sent.at(-1) as Required<TestFrame>).payload)).toBe(1002);
  });

  it("bad UTF-8 from the server gets 1007", async () => {
    const { event } = await runClient([{ opcode: Text, payload: hex("c0af") }]);
    expect(event).toMatchObject({ code: 1007 });
  });
});

// Chunking-independent and 2 MiB of traffic: once, at seeded random chunks (not byte by byte).
it("the default message limit is 1 MiB", async () => {
  const chunks: MemoryRuntimeOptions = { readSize: "random", writeSize: "random", seed: 5 };
  const ok = await run(chunks, [{ opcode: Binary, payload: new Uint8Array(1 << 20) }]);
  expect(dataFrames(ok)[0]?.payload.length).toBe(1 << 20);
  const tooBig = await run(chunks, [{ opcode: Binary, payload: new Uint8Array((1 << 20) + 1) }], { close: false });
  expect(tooBig.closeCode).toBe(1009);
});
