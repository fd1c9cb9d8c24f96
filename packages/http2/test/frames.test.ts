import { describe, expect, it } from "vitest";
import { HeaderBlockAssembler } from "../src/frame/header-block.js";
import type { Frame, ReadFrameResult } from "../src/frame/index.js";
import { CONNECTION_PREFACE, ErrorCode, FrameType, readFrame, SettingId } from "../src/frame/index.js";
import {
  dataFrame,
  goawayFrame,
  headersFrames,
  pingFrame,
  priorityFrame,
  pushPromiseFrames,
  rstStreamFrame,
  settingsAckFrame,
  settingsFrame,
  windowUpdateFrame,
} from "../src/frame/serialize.js";
import { rawFrame } from "./helpers.js";

const concat = (parts: readonly Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};

function read(bytes: Uint8Array, maxFrameSize = 16384): ReadFrameResult {
  return readFrame(bytes, 0, bytes.length, maxFrameSize);
}

/** Plain object of a frame with byte fields as arrays, for toEqual. */
function plain(frame: Frame): Record<string, unknown> {
  return Object.fromEntries(Object.entries(frame).map(([k, v]) => [k, v instanceof Uint8Array ? Array.from(v) : v]));
}

describe("frame serializers and the parser agree (RFC 9113 §6)", () => {
  const block = Uint8Array.from({ length: 40 }, (_, i) => i);
  it.each<[string, Uint8Array[], Record<string, unknown>[]]>([
    [
      "DATA",
      dataFrame(1, Uint8Array.of(1, 2, 3), true),
      [{ type: "data", streamId: 1, endStream: true, data: [1, 2, 3], flowLength: 3 }],
    ],
    [
      "padded DATA",
      dataFrame(3, Uint8Array.of(9), false, 4),
      [{ type: "data", streamId: 3, endStream: false, data: [9], flowLength: 6 }],
    ],
    [
      "empty DATA",
      dataFrame(5, new Uint8Array(0), true),
      [{ type: "data", streamId: 5, endStream: true, data: [], flowLength: 0 }],
    ],
    [
      "HEADERS",
      headersFrames(1, block, true, 16384),
      [
        {
          type: "headers",
          streamId: 1,
          endStream: true,
          endHeaders: true,
          priority: null,
          fragment: Array.from(block),
        },
      ],
    ],
    [
      "HEADERS + 2 CONTINUATION",
      headersFrames(7, block, false, 16),
      [
        {
          type: "headers",
          streamId: 7,
          endStream: false,
          endHeaders: false,
          priority: null,
          fragment: Array.from(block.subarray(0, 16)),
        },
        { type: "continuation", streamId: 7, endHeaders: false, fragment: Array.from(block.subarray(16, 32)) },
        { type: "continuation", streamId: 7, endHeaders: true, fragment: Array.from(block.subarray(32)) },
      ],
    ],
    [
      "PUSH_PROMISE",
      pushPromiseFrames(1, 2, block.subarray(0, 3), 16384),
      [{ type: "push_promise", streamId: 1, endHeaders: true, promisedStreamId: 2, fragment: [0, 1, 2] }],
    ],
    [
      "PRIORITY",
      [priorityFrame(3, { dependency: 1, exclusive: true, weight: 16 })],
      [{ type: "priority", streamId: 3, priority: { dependency: 1, exclusive: true, weight: 16 } }],
    ],
    ["RST_STREAM", [rstStreamFrame(3, "CANCEL")], [{ type: "rst_stream", streamId: 3, errorCode: ErrorCode.CANCEL }]],
    [
      "SETTINGS",
      [
        settingsFrame([
          { id: SettingId.MAX_CONCURRENT_STREAMS, value: 100 },
          { id: SettingId.INITIAL_WINDOW_SIZE, value: 0x7fffffff },
        ]),
      ],
      [
        {
          type: "settings",
          ack: false,
          settings: [
            { id: 3, value: 100 },
            { id: 4, value: 0x7fffffff },
          ],
        },
      ],
    ],
    ["SETTINGS ACK", [settingsAckFrame()], [{ type: "settings", ack: true, settings: [] }]],
    [
      "PING",
      [pingFrame(Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8), false)],
      [{ type: "ping", ack: false, payload: [1, 2, 3, 4, 5, 6, 7, 8] }],
    ],
    [
      "GOAWAY",
      [goawayFrame(0x7fffffff, "ENHANCE_YOUR_CALM", "hi")],
      [{ type: "goaway", lastStreamId: 0x7fffffff, errorCode: 0xb, debugData: [104, 105] }],
    ],
    [
      "WINDOW_UPDATE",
      [windowUpdateFrame(0, 0x7fffffff)],
      [{ type: "window_update", streamId: 0, increment: 0x7fffffff }],
    ],
    [
      "an unknown type",
      [rawFrame(0xfa, 0xff, 9, [1, 2])],
      [{ type: "unknown", frameType: 0xfa, streamId: 9, flags: 0xff }],
    ],
    [
      "a set reserved bit",
      [rawFrame(FrameType.RST_STREAM, 0, 0x80000003, [0, 0, 0, 8])],
      [{ type: "rst_stream", streamId: 3, errorCode: 8 }],
    ],
  ])("%s", (_name, iovecs, expected) => {
    const bytes = concat(iovecs);
    const frames: Record<string, unknown>[] = [];
    let at = 0;
    while (at < bytes.length) {
      const result = readFrame(bytes, at, bytes.length, 16384);
      if (result.kind !== "frame") throw new Error(`unexpected ${result.kind}`);
      frames.push(plain(result.frame));
      at += result.size;
    }
    expect(frames).toEqual(expected);
  });
});

describe("frame rules: each violation gets the RFC's code and scope", () => {
  it.each<[string, Uint8Array, string, "connection" | "stream", number?]>([
    [
      "a frame larger than SETTINGS_MAX_FRAME_SIZE",
      rawFrame(FrameType.DATA, 0, 1, new Uint8Array(16385)),
      "FRAME_SIZE_ERROR",
      "connection",
    ],
    ["DATA on stream 0", rawFrame(FrameType.DATA, 0, 0, [1]), "PROTOCOL_ERROR", "connection"],
    ["HEADERS on stream 0", rawFrame(FrameType.HEADERS, 4, 0, [0x82]), "PROTOCOL_ERROR", "connection"],
    ["PRIORITY on stream 0", rawFrame(FrameType.PRIORITY, 0, 0, [0, 0, 0, 1, 0]), "PROTOCOL_ERROR", "connection"],
    ["RST_STREAM on stream 0", rawFrame(FrameType.RST_STREAM, 0, 0, [0, 0, 0, 0]), "PROTOCOL_ERROR", "connection"],
    ["CONTINUATION on stream 0", rawFrame(FrameType.CONTINUATION, 4, 0, []), "PROTOCOL_ERROR", "connection"],
    ["PUSH_PROMISE on stream 0", rawFrame(FrameType.PUSH_PROMISE, 4, 0, [0, 0, 0, 2]), "PROTOCOL_ERROR", "connection"],
    ["SETTINGS on stream 1", rawFrame(FrameType.SETTINGS, 0, 1, []), "PROTOCOL_ERROR", "connection"],
    ["PING on stream 1", rawFrame(FrameType.PING, 0, 1, new Uint8Array(8)), "PROTOCOL_ERROR", "connection"],
    ["GOAWAY on stream 1", rawFrame(FrameType.GOAWAY, 0, 1, new Uint8Array(8)), "PROTOCOL_ERROR", "connection"],
    ["PRIORITY of 4 bytes", rawFrame(FrameType.PRIORITY, 0, 3, [0, 0, 0, 1]), "FRAME_SIZE_ERROR", "stream", 3],
    [
      "PRIORITY depending on itself",
      rawFrame(FrameType.PRIORITY, 0, 3, [0, 0, 0, 3, 0]),
      "PROTOCOL_ERROR",
      "stream",
      3,
    ],
    [
      "HEADERS depending on itself",
      rawFrame(FrameType.HEADERS, 0x24, 3, [0, 0, 0, 3, 0, 0x82]),
      "PROTOCOL_ERROR",
      "stream",
      3,
    ],
    ["RST_STREAM of 3 bytes", rawFrame(FrameType.RST_STREAM, 0, 1, [0, 0, 0]), "FRAME_SIZE_ERROR", "connection"],
    ["SETTINGS of 5 bytes", rawFrame(FrameType.SETTINGS, 0, 0, [0, 1, 0, 0, 0]), "FRAME_SIZE_ERROR", "connection"],
    [
      "SETTINGS ACK with a payload",
      rawFrame(FrameType.SETTINGS, 1, 0, [0, 1, 0, 0, 0, 0]),
      "FRAME_SIZE_ERROR",
      "connection",
    ],
    [
      "SETTINGS_ENABLE_PUSH of 2",
      rawFrame(FrameType.SETTINGS, 0, 0, [0, 2, 0, 0, 0, 2]),
      "PROTOCOL_ERROR",
      "connection",
    ],
    [
      "SETTINGS_INITIAL_WINDOW_SIZE of 2^31",
      rawFrame(FrameType.SETTINGS, 0, 0, [0, 4, 0x80, 0, 0, 0]),
      "FLOW_CONTROL_ERROR",
      "connection",
    ],
    [
      "SETTINGS_MAX_FRAME_SIZE of 16383",
      rawFrame(FrameType.SETTINGS, 0, 0, [0, 5, 0, 0, 0x3f, 0xff]),
      "PROTOCOL_ERROR",
      "connection",
    ],
    [
      "SETTINGS_MAX_FRAME_SIZE of 2^24",
      rawFrame(FrameType.SETTINGS, 0, 0, [0, 5, 1, 0, 0, 0]),
      "PROTOCOL_ERROR",
      "connection",
    ],
    ["PING of 7 bytes", rawFrame(FrameType.PING, 0, 0, new Uint8Array(7)), "FRAME_SIZE_ERROR", "connection"],
    ["GOAWAY of 7 bytes", rawFrame(FrameType.GOAWAY, 0, 0, new Uint8Array(7)), "FRAME_SIZE_ERROR", "connection"],
    [
      "WINDOW_UPDATE of 5 bytes",
      rawFrame(FrameType.WINDOW_UPDATE, 0, 0, new Uint8Array(5)),
      "FRAME_SIZE_ERROR",
      "connection",
    ],
    [
      "WINDOW_UPDATE of 0 on the connection",
      rawFrame(FrameType.WINDOW_UPDATE, 0, 0, [0, 0, 0, 0]),
      "PROTOCOL_ERROR",
      "connection",
    ],
    [
      "WINDOW_UPDATE of 0 on a stream",
      rawFrame(FrameType.WINDOW_UPDATE, 0, 5, [0, 0, 0, 0]),
      "PROTOCOL_ERROR",
      "stream",
      5,
    ],
    ["padded DATA without a pad length", rawFrame(FrameType.DATA, 8, 1, []), "FRAME_SIZE_ERROR", "connection"],
    ["DATA padding filling the frame", rawFrame(FrameType.DATA, 8, 1, [4, 0, 0, 0]), "PROTOCOL_ERROR", "connection"],
    ["HEADERS padding filling the frame", rawFrame(FrameType.HEADERS, 0x0c, 1, [2, 0]), "PROTOCOL_ERROR", "connection"],
    [
      "PUSH_PROMISE padding eating the promised stream",
      rawFrame(FrameType.PUSH_PROMISE, 0x0c, 1, [2, 0, 0, 0, 2, 0]),
      "PROTOCOL_ERROR",
      "connection",
    ],
    [
      "HEADERS padding eating the priority",
      rawFrame(FrameType.HEADERS, 0x2c, 1, [2, 0, 0, 0, 0, 0, 0]),
      "PROTOCOL_ERROR",
      "connection",
    ],
    [
      "HEADERS too short for its priority",
      rawFrame(FrameType.HEADERS, 0x24, 1, [0, 0, 0]),
      "FRAME_SIZE_ERROR",
      "connection",
    ],
    [
      "PUSH_PROMISE without a promised stream",
      rawFrame(FrameType.PUSH_PROMISE, 4, 1, [0, 0]),
      "FRAME_SIZE_ERROR",
      "connection",
    ],
  ])("%s → %s (%s)", (_name, bytes, code, scope, streamId = 0) => {
    const result = read(bytes);
    if (result.kind !== "error") throw new Error(`expected an error, got ${result.kind}`);
    expect([result.error.code, result.error.scope, result.error.streamId]).toEqual([code, scope, streamId]);
    expect(result.size).toBe(bytes.length);
  });

  it("accepts padding that leaves an empty payload (pad length = length - 1)", () => {
    const result = read(rawFrame(FrameType.DATA, 8, 1, [2, 0, 0]));
    expect(result.kind === "frame" && plain(result.frame)).toEqual({
      type: "data",
      streamId: 1,
      endStream: false,
      data: [],
      flowLength: 3,
    });
  });

  it("reports an oversize frame as soon as its header is in, without waiting for the payload", () => {
    const header = rawFrame(FrameType.DATA, 0, 1, new Uint8Array(20000)).subarray(0, 9);
    expect(read(header).kind).toBe("error");
  });
});

describe("the parser at every chunk boundary", () => {
  const stream = concat([
    CONNECTION_PREFACE.subarray(0, 0),
    settingsFrame([{ id: SettingId.MAX_FRAME_SIZE, value: 16384 }]),
    ...headersFrames(
      1,
      Uint8Array.from({ length: 50 }, (_, i) => i),
      false,
      20,
    ),
    ...dataFrame(
      1,
      Uint8Array.from({ length: 100 }, (_, i) => 255 - i),
      false,
      10,
    ),
    ...dataFrame(1, new Uint8Array(0), true),
    pingFrame(new Uint8Array(8).fill(7), true),
    goawayFrame(1, "NO_ERROR"),
  ]);

  function readAll(chunks: Uint8Array[]): Record<string, unknown>[] {
    // Like the driver: unconsumed bytes stay and are offered again with the next chunk.
    let pending: Uint8Array = new Uint8Array(0);
    const frames: Record<string, unknown>[] = [];
    for (const chunk of chunks) {
      pending = concat([pending, chunk]);
      let at = 0;
      for (;;) {
        const result = readFrame(pending, at, pending.length, 16384);
        if (result.kind === "error") throw result.error;
        if (result.kind === "incomplete") break;
        frames.push(plain(result.frame));
        at += result.size;
      }
      pending = pending.slice(at);
    }
    expect(pending.length).toBe(0);
    return frames;
  }

  const whole = readAll([stream]);
  it("reads 8 frames in one piece", () => {
    expect(whole.map((f) => f.type)).toEqual([
      "settings",
      "headers",
      "continuation",
      "continuation",
      "data",
      "data",
      "ping",
      "goaway",
    ]);
  });

  it("reads the same frames split in two at every byte, and byte by byte", () => {
    for (let cut = 0; cut <= stream.length; cut++) {
      expect(readAll([stream.subarray(0, cut), stream.subarray(cut)])).toEqual(whole);
    }
    expect(readAll(Array.from(stream, (b) => Uint8Array.of(b)))).toEqual(whole);
  });
});

describe("header blocks over CONTINUATION (RFC 9113 §6.10)", () => {
  const limits = { maxContinuations: 3, maxBlockBytes: 100 };

  it("joins fragments in order; a single-frame block is passed through", () => {
    const assembler = new HeaderBlockAssembler(limits);
    const single = Uint8Array.of(1, 2);
    expect(assembler.start(1, single, true)).toEqual({ kind: "complete", block: single });
    expect(assembler.start(3, Uint8Array.of(1), false)).toEqual({ kind: "pending" });
    expect(assembler.openStream).toBe(3);
    expect(assembler.continue(3, Uint8Array.of(2), false)).toEqual({ kind: "pending" });
    expect(assembler.continue(3, Uint8Array.of(3), true)).toEqual({ kind: "complete", block: Uint8Array.of(1, 2, 3) });
    expect(assembler.openStream).toBe(0);
  });

  it("refuses other frames inside a block, CONTINUATION of another stream, and a stray CONTINUATION", () => {
    const assembler = new HeaderBlockAssembler(limits);
    expect(assembler.checkInterleaving("DATA", 1)).toBeNull();
    const stray = assembler.continue(1, Uint8Array.of(1), true);
    expect(stray.kind === "error" && stray.error.code).toBe("PROTOCOL_ERROR");
    assembler.start(1, Uint8Array.of(1), false);
    expect(assembler.checkInterleaving("PING", 0)?.code).toBe("PROTOCOL_ERROR");
    const other = assembler.continue(3, Uint8Array.of(1), true);
    expect(other.kind === "error" && [other.error.code, other.error.scope]).toEqual(["PROTOCOL_ERROR", "connection"]);
  });

  it("stops a CONTINUATION flood and an oversize block with ENHANCE_YOUR_CALM", () => {
    const flood = new HeaderBlockAssembler(limits);
    flood.start(1, Uint8Array.of(0), false);
    for (let i = 0; i < 3; i++) expect(flood.continue(1, new Uint8Array(0), false).kind).toBe("pending");
    const fourth = flood.continue(1, new Uint8Array(0), false);
    expect(fourth.kind === "error" && fourth.error.code).toBe("ENHANCE_YOUR_CALM");

    const big = new HeaderBlockAssembler(limits);
    big.start(1, new Uint8Array(60), false);
    const over = big.continue(1, new Uint8Array(41), true);
    expect(over.kind === "error" && over.error.code).toBe("ENHANCE_YOUR_CALM");
    const first = new HeaderBlockAssembler(limits).start(1, new Uint8Array(101), true);
    expect(first.kind === "error" && first.error.code).toBe("ENHANCE_YOUR_CALM");
  });
});
