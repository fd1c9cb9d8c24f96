/**
 * Hostile bytes: whatever a peer sends, in whatever chunks, the connection never throws out of its
 * methods, ends closed with a legitimate close code, and its output ends.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { WebSocketConnection } from "../src/websocket-connection.js";
import { closeCodeOf, DEFLATE, decodeFrames, frame } from "./helpers.js";

const LEGITIMATE = new Set([1000, 1001, 1002, 1005, 1007, 1009]);

/** Feeds `input` in `cuts` chunks to a server connection, then EOF; drains its output; returns what it sent. */
function feed(input: Uint8Array, cuts: number[], deflate: boolean): { sent: Uint8Array; ws: WebSocketConnection } {
  const ws = new WebSocketConnection(
    { role: "server", deflate: deflate ? DEFLATE : null },
    { maxMessageSize: 4096, maxFragments: 8 },
  );
  ws.onmessage = (message) => void ws.send(message.data).catch(() => {});
  const out: Uint8Array[] = [];
  const drain = () => {
    for (let i = 0; i < 1000; i++) {
      const op = ws.nextWriteOperation();
      if (op.kind !== "write") return;
      let n = 0;
      for (const iovec of op.iovecs) {
        out.push(iovec.slice());
        n += iovec.length;
      }
      ws.reportWriteResult(n);
    }
    throw new Error("the output never ended");
  };
  let pos = 0;
  for (const cut of [...cuts, input.length]) {
    const end = Math.min(input.length, Math.max(pos, cut));
    while (pos < end && ws.nextReadOperation() === "read") pos += ws.read(input, pos, end - pos);
    drain();
  }
  if (ws.nextReadOperation() !== "close") ws.readEof(input, pos, input.length - pos);
  drain();
  return { sent: new Uint8Array(Buffer.concat(out)), ws };
}

const frameArbitrary = fc.record({
  opcode: fc.integer({ min: 0, max: 15 }),
  payload: fc.uint8Array({ maxLength: 300 }),
  fin: fc.boolean(),
  rsv: fc.integer({ min: 0, max: 7 }),
  masked: fc.boolean(),
});

describe("fuzz: hostile input to the server", () => {
  for (const deflate of [false, true]) {
    it(`random frames (and random bytes) at random cuts never escape, end closed with a legitimate code${deflate ? ", deflate negotiated" : ""}`, () => {
      fc.assert(
        fc.property(
          fc.array(
            fc.oneof(
              frameArbitrary.map((f) => frame(f, f.masked)),
              fc.uint8Array({ maxLength: 40 }),
            ),
            { maxLength: 12 },
          ),
          fc.array(fc.nat({ max: 4000 }), { maxLength: 6 }),
          (pieces, cuts) => {
            const input = new Uint8Array(Buffer.concat(pieces));
            const { sent, ws } = feed(
              input,
              cuts.sort((a, b) => a - b),
              deflate,
            );
            expect(ws.readyState).toBe("closed");
            expect(ws.isClosed()).toBe(true);
            const { frames } = decodeFrames(sent);
            const close = frames.find((f) => f.opcode === 0x8);
            // Our own codes, or the echo of a code the peer sent in its close frame.
            const peerCodes = decodeFrames(input)
              .frames.filter((f) => f.opcode === 0x8)
              .map((f) => closeCodeOf(f.payload));
            if (close) {
              const code = closeCodeOf(close.payload);
              expect(LEGITIMATE.has(code) || peerCodes.includes(code)).toBe(true);
            }
            // Nothing after a close frame.
            if (close) expect(frames.at(-1)).toBe(close);
          },
        ),
        { numRuns: 400, seed: 4242 },
      );
    });
  }
});
