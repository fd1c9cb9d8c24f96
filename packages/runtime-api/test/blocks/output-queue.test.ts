import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { OutputQueue, ResumeAlreadyPendingError } from "../../src/blocks/index.js";
import type { WriteOperation } from "../../src/connection.js";
import { ConnectionClosedError } from "../../src/errors.js";
import { concatBytes, iovecsLength } from "../../src/iovec.js";
import { unhandledRejectionsOf } from "./unhandled.js";

const bytesOf = (length: number, seed: number): Uint8Array =>
  Uint8Array.from({ length }, (_, i) => (seed * 31 + i * 7) & 255);

function writeOp(op: WriteOperation): readonly Uint8Array[] {
  if (op.kind !== "write") throw new Error(`expected a write, got ${op.kind}`);
  return op.iovecs;
}

/** Plays the driver: takes write operations, accepts `sizes` bytes of each in turn (partial writes). */
function drain(queue: OutputQueue, sizes: readonly number[] = [], sent: Uint8Array[] = []): Uint8Array[] {
  for (let turn = 0; queue.bytes > 0; turn++) {
    const iovecs = writeOp(queue.nextWriteOperation());
    const total = iovecsLength(iovecs);
    const size = sizes.length > 0 ? (sizes[turn % sizes.length] as number) : total;
    const written = Math.max(1, Math.min(total, size));
    sent.push(concatBytes(iovecs).slice(0, written));
    queue.reportWriteResult(written);
    if (turn > 1_000_000) throw new Error("no progress");
  }
  return sent;
}

describe("OutputQueue", () => {
  it("delivers every byte in order for any writes, partial-write sizes and interleaving (property)", () => {
    const action = fc.oneof(
      fc.record({ write: fc.integer({ min: 0, max: 70 }) }),
      fc.record({ flush: fc.integer({ min: 1, max: 200 }) }),
    );
    fc.assert(
      fc.property(
        fc.array(action, { maxLength: 120 }),
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 1, max: 8 }),
        (actions, gatherBelow, maxIovecs) => {
          const queue = new OutputQueue({ gatherBelow, maxIovecs, highWaterMark: 100 });
          const written: Uint8Array[] = [];
          const sent: Uint8Array[] = [];
          let seed = 0;
          // A write operation in flight: its bytes as handed out, to check they do not change before the report.
          let inFlight: { iovecs: readonly Uint8Array[]; bytes: Uint8Array } | undefined;
          for (const step of actions) {
            if ("write" in step) {
              const chunk = bytesOf(step.write, seed++);
              written.push(chunk.slice());
              queue.write(chunk);
              if (chunk.length < gatherBelow) chunk.fill(0xee); // small chunks were copied: reuse is safe
              continue;
            }
            if (inFlight === undefined) {
              if (queue.bytes === 0) continue;
              const iovecs = writeOp(queue.nextWriteOperation());
              expect(iovecs.length).toBeGreaterThan(0);
              expect(iovecs.length).toBeLessThanOrEqual(maxIovecs);
              inFlight = { iovecs, bytes: concatBytes(iovecs) };
              continue;
            }
            // Writes made while the operation was in flight did not touch it.
            expect(concatBytes(inFlight.iovecs)).toEqual(inFlight.bytes);
            const n = Math.min(step.flush, inFlight.bytes.length);
            sent.push(inFlight.bytes.slice(0, n));
            queue.reportWriteResult(n);
            inFlight = undefined;
          }
          if (inFlight !== undefined) {
            sent.push(inFlight.bytes);
            queue.reportWriteResult(inFlight.bytes.length);
          }
          drain(queue, [3, 17, 1], sent);
          expect(concatBytes(sent)).toEqual(concatBytes(written));
          expect(queue.nextWriteOperation().kind).toBe("yield");
        },
      ),
    );
  });

  it("gathers a thousand tiny writes into one iovec", () => {
    const queue = new OutputQueue();
    for (let i = 0; i < 1000; i++) queue.write(new Uint8Array([i & 255]));
    const iovecs = writeOp(queue.nextWriteOperation());
    expect(iovecs).toHaveLength(1);
    expect([...(iovecs[0] as Uint8Array)]).toEqual(Array.from({ length: 1000 }, (_, i) => i & 255));
  });

  it("queues large chunks by reference and small ones by copy", () => {
    const queue = new OutputQueue({ gatherBelow: 16 });
    const small = new Uint8Array(15).fill(1);
    const large = new Uint8Array(16).fill(2);
    queue.write(small);
    queue.write(large);
    const iovecs = writeOp(queue.nextWriteOperation());
    expect(iovecs).toHaveLength(2);
    expect(iovecs[0]?.buffer).not.toBe(small.buffer);
    expect(iovecs[1]).toBe(large);
  });

  it("reuses its gather buffer once everything was written (no allocation per write in a steady state)", () => {
    const queue = new OutputQueue();
    queue.write(new Uint8Array(100));
    const first = writeOp(queue.nextWriteOperation())[0]?.buffer;
    queue.reportWriteResult(100);
    queue.write(new Uint8Array(50));
    const op = queue.nextWriteOperation();
    expect(writeOp(op)[0]?.buffer).toBe(first);
    queue.reportWriteResult(50);
    queue.write(new Uint8Array(10));
    expect(queue.nextWriteOperation()).toBe(op); // the operation object and its array are reused too
  });

  it("hands out at most maxIovecs iovecs per operation", () => {
    const queue = new OutputQueue({ gatherBelow: 0, maxIovecs: 4 });
    for (let i = 0; i < 10; i++) queue.write(bytesOf(3, i));
    expect(writeOp(queue.nextWriteOperation())).toHaveLength(4);
    queue.reportWriteResult(5);
    const next = writeOp(queue.nextWriteOperation());
    expect(next).toHaveLength(4);
    expect(next[0]?.length).toBe(1);
  });

  it("refuses a report of more bytes than were handed out", () => {
    const queue = new OutputQueue();
    queue.write(new Uint8Array(10));
    queue.nextWriteOperation();
    expect(() => queue.reportWriteResult(11)).toThrow(RangeError);
    queue.nextWriteOperation();
    expect(() => queue.reportWriteResult(-1)).toThrow(RangeError);
    queue.nextWriteOperation();
    expect(() => queue.reportWriteResult(1.5)).toThrow(RangeError);
  });

  it("a driver asking twice without a report gets a fresh array (the first may still be in use)", () => {
    const queue = new OutputQueue();
    queue.write(new Uint8Array(5).fill(1));
    const first = writeOp(queue.nextWriteOperation());
    queue.write(new Uint8Array(5).fill(2));
    const second = writeOp(queue.nextWriteOperation());
    expect(second).not.toBe(first);
    expect(iovecsLength(first)).toBe(5);
    expect(iovecsLength(second)).toBe(10);
  });

  describe("water marks and drain", () => {
    it("write() returns false from the high mark until the queue falls to the low mark; drain fires once", async () => {
      let drains = 0;
      const queue = new OutputQueue({ highWaterMark: 100, lowWaterMark: 40, onDrain: () => drains++ });
      expect(queue.write(new Uint8Array(99))).toBe(true);
      await expect(queue.drained()).resolves.toBeUndefined();
      expect(queue.write(new Uint8Array(1))).toBe(false);
      expect(queue.full).toBe(true);
      let drained = false;
      const waiting = queue.drained().then(() => {
        drained = true;
      });
      queue.nextWriteOperation();
      queue.reportWriteResult(59); // 41 left: still above the low mark
      expect(queue.write(new Uint8Array(1))).toBe(false);
      await Promise.resolve();
      expect(drained).toBe(false);
      expect(drains).toBe(0);
      queue.nextWriteOperation();
      queue.reportWriteResult(2); // 40 left: drained
      await waiting;
      expect(drains).toBe(1);
      expect(queue.full).toBe(false);
      expect(queue.write(new Uint8Array(1))).toBe(true);
      drain(queue);
      expect(drains).toBe(1);
    });

    it("at every partial-write size, drain fires exactly when the queue first reaches the low mark", () => {
      for (let size = 1; size <= 64; size++) {
        const seen: number[] = [];
        const queue: OutputQueue = new OutputQueue({
          highWaterMark: 64,
          lowWaterMark: 16,
          gatherBelow: 8,
          onDrain: () => seen.push(queue.bytes),
        });
        for (let i = 0; i < 16; i++) queue.write(bytesOf(i % 2 === 0 ? 3 : 9, i)); // 96 bytes
        expect(queue.full).toBe(true);
        let previous = queue.bytes;
        while (queue.bytes > 0) {
          const total = iovecsLength(writeOp(queue.nextWriteOperation()));
          queue.reportWriteResult(Math.min(size, total));
          if (previous > 16 && queue.bytes <= 16) expect(seen).toEqual([queue.bytes]);
          else if (queue.bytes > 16) expect(seen).toEqual([]);
          previous = queue.bytes;
        }
        expect(seen).toHaveLength(1);
      }
    });

    it("refuses marks that make no sense", () => {
      expect(() => new OutputQueue({ highWaterMark: 0 })).toThrow(RangeError);
      expect(() => new OutputQueue({ highWaterMark: 10, lowWaterMark: 10 })).toThrow(RangeError);
      expect(() => new OutputQueue({ lowWaterMark: -1 })).toThrow(RangeError);
      expect(() => new OutputQueue({ gatherBelow: -1 })).toThrow(RangeError);
      expect(() => new OutputQueue({ maxIovecs: 0 })).toThrow(RangeError);
      expect(new OutputQueue().lowWaterMark).toBe(32 * 1024);
    });
  });

  describe('"closed" and discard', () => {
    it('"closed" drops everything, ends the episode, fails drain waiters, and later writes are dropped', async () => {
      let drains = 0;
      const queue = new OutputQueue({ highWaterMark: 10, onDrain: () => drains++ });
      queue.write(new Uint8Array(20));
      const waiting = queue.drained();
      queue.nextWriteOperation();
      queue.reportWriteResult("closed");
      expect(queue.state).toBe("gone");
      expect(queue.bytes).toBe(0);
      expect(drains).toBe(1);
      await expect(waiting).rejects.toBeInstanceOf(ConnectionClosedError);
      await expect(queue.drained()).rejects.toBeInstanceOf(ConnectionClosedError);
      expect(queue.write(new Uint8Array(5))).toBe(false);
      expect(queue.bytes).toBe(0);
      expect(queue.nextWriteOperation().kind).toBe("close");
      queue.end();
      expect(queue.state).toBe("gone");
    });

    it("discard(error) fails waiters with that error and wakes the writer to close", async () => {
      const queue = new OutputQueue({ highWaterMark: 4 });
      let woken = 0;
      queue.nextWriteOperation();
      queue.yieldWriter(() => woken++);
      queue.write(new Uint8Array(8));
      expect(woken).toBe(1);
      queue.nextWriteOperation();
      const waiting = queue.drained();
      const error = new Error("protocol failure");
      queue.yieldWriter(() => woken++); // the driver would not, but a protocol may
      queue.discard(error);
      queue.discard(new Error("twice"));
      await expect(waiting).rejects.toBe(error);
      await expect(queue.drained()).rejects.toBe(error);
      expect(woken).toBe(2);
      expect(queue.nextWriteOperation().kind).toBe("close");
    });

    it("takes the report of a write that was in flight when the queue was discarded", () => {
      // Regression (found by @sansio/websocket): the late report threw a TypeError.
      const queue = new OutputQueue();
      queue.write(new Uint8Array(100_000));
      expect(queue.nextWriteOperation().kind).toBe("write");
      queue.discard();
      expect(() => queue.reportWriteResult(1000)).not.toThrow();
      expect(queue.state).toBe("gone");
      expect(queue.nextWriteOperation().kind).toBe("close");
    });

    it("raises no unhandled rejection when nobody awaits drained()", async () => {
      const unhandled = await unhandledRejectionsOf(() => {
        const queue = new OutputQueue({ highWaterMark: 1 });
        queue.write(new Uint8Array(2));
        void queue.drained();
        queue.discard();
        void queue.drained();
      });
      expect(unhandled).toEqual([]);
    });
  });

  describe("end and the writer", () => {
    it("end() closes once everything queued is written; writing after it throws", () => {
      const queue = new OutputQueue();
      queue.write(new Uint8Array(3));
      queue.end();
      expect(queue.state).toBe("ending");
      expect(() => queue.write(new Uint8Array(1))).toThrow(ConnectionClosedError);
      queue.nextWriteOperation();
      queue.reportWriteResult(2);
      expect(queue.nextWriteOperation().kind).toBe("write");
      queue.reportWriteResult(1);
      expect(queue.nextWriteOperation().kind).toBe("close");
      expect(queue.state).toBe("ended");
      expect(queue.nextWriteOperation().kind).toBe("close");
    });

    it("yieldWriter: woken by a write, by end() or discard(), never at once", () => {
      const queue = new OutputQueue();
      const woken: string[] = [];
      expect(queue.nextWriteOperation().kind).toBe("yield");
      queue.yieldWriter(() => woken.push("write"));
      queue.write(new Uint8Array(1));
      queue.write(new Uint8Array(1));
      expect(woken).toEqual(["write"]);
      // A protocol holding its output (its nextWriteOperation said yield over queued bytes) is not
      // resumed at once: that would spin.
      queue.yieldWriter(() => woken.push("held"));
      expect(woken).toEqual(["write"]);
      expect(() => queue.yieldWriter(() => {})).toThrow(ResumeAlreadyPendingError);
      queue.wakeWriter();
      drain(queue);
      queue.yieldWriter(() => woken.push("end"));
      queue.end();
      expect(woken).toEqual(["write", "held", "end"]);
      const discarded = new OutputQueue();
      discarded.yieldWriter(() => woken.push("discard"));
      discarded.discard();
      expect(woken).toEqual(["write", "held", "end", "discard"]);
    });

    it("wakeWriter() resumes a waiting writer once", () => {
      const queue = new OutputQueue();
      let woken = 0;
      queue.yieldWriter(() => woken++);
      queue.wakeWriter();
      queue.wakeWriter();
      expect(woken).toBe(1);
    });
  });
});

describe("OutputQueue.writeCopy and finished", () => {
  it("writeCopy copies every size, so the caller may reuse its buffer at once", () => {
    for (const size of [1, 15, 16, 17, 1000]) {
      const queue = new OutputQueue({ gatherBelow: 16 });
      const chunk = new Uint8Array(size).fill(5);
      queue.writeCopy(chunk);
      chunk.fill(9);
      expect([...concatBytes(writeOp(queue.nextWriteOperation()))]).toEqual(new Array(size).fill(5));
    }
  });

  it("finished is true once close was handed out, or the peer is gone", () => {
    const ended = new OutputQueue();
    ended.end();
    expect(ended.finished).toBe(false);
    ended.nextWriteOperation();
    expect(ended.finished).toBe(true);
    const gone = new OutputQueue();
    gone.write(new Uint8Array(1));
    gone.nextWriteOperation();
    gone.reportWriteResult("closed");
    expect(gone.finished).toBe(true);
  });
});

describe("OutputQueue with long queues", () => {
  it("keeps order while its item list is compacted under a growing gather region", () => {
    const queue = new OutputQueue({ gatherBelow: 2, maxIovecs: 3, highWaterMark: 1 << 20 });
    const written: number[] = [];
    let next = 0;
    const push = (size: number): void => {
      const chunk = Uint8Array.from({ length: size }, () => next++ & 255);
      written.push(...chunk);
      queue.write(chunk);
    };
    for (let i = 0; i < 300; i++) push(i % 2 === 0 ? 2 : 1); // by reference and gathered, alternating
    const sent: number[] = [];
    for (let turn = 0; queue.bytes > 0 && turn < 10_000; turn++) {
      const iovecs = writeOp(queue.nextWriteOperation());
      const bytes = concatBytes(iovecs);
      const n = Math.min(bytes.length, 1 + (turn % 4));
      sent.push(...bytes.subarray(0, n));
      queue.reportWriteResult(n);
      if (turn < 400) push(1); // the tail region keeps growing while the head is compacted away
    }
    expect(queue.bytes).toBe(0);
    expect(sent).toEqual(written);
  });
});
