import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { QUIET_READ_SIZE, ReadBuffer } from "../src/read-buffer.js";

const bytes = fc.uint8Array({ minLength: 0, maxLength: 300 });
const op = fc.oneof(
  fc.record({ kind: fc.constant("adopt" as const), chunk: bytes }),
  fc.record({ kind: fc.constant("append" as const), chunk: bytes }),
  fc.record({ kind: fc.constant("pull" as const), chunk: bytes }),
  fc.record({ kind: fc.constant("consume" as const), fraction: fc.double({ min: 0, max: 1, noNaN: true }) }),
  fc.record({ kind: fc.constant("settle" as const) }),
);

function view(buffer: ReadBuffer): number[] {
  return [...buffer.bytes.subarray(buffer.start, buffer.start + buffer.length)];
}

describe("ReadBuffer", () => {
  it("always holds exactly the unconsumed bytes, in order, whatever the sequence of operations", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 64 }), fc.array(op, { maxLength: 60 }), (initial, ops) => {
        const buffer = new ReadBuffer(initial, 1 << 20);
        let model: number[] = [];
        for (const o of ops) {
          if (o.kind === "adopt") {
            // A runtime's chunk: the driver offers it, then settles before the runtime reuses it.
            const chunk = o.chunk.slice();
            buffer.adopt(chunk);
            model = model.concat([...o.chunk]);
            buffer.settle();
            chunk.fill(0xee);
          } else if (o.kind === "append") {
            buffer.append(o.chunk);
            model = model.concat([...o.chunk]);
          } else if (o.kind === "pull") {
            const space = buffer.space();
            const n = Math.min(space.length, o.chunk.length);
            space.set(o.chunk.subarray(0, n));
            buffer.commit(n);
            model = model.concat([...o.chunk.subarray(0, n)]);
          } else if (o.kind === "consume") {
            const n = Math.floor(buffer.length * o.fraction);
            buffer.consume(n);
            model = model.slice(n);
          } else buffer.settle();
          expect(buffer.length).toBe(model.length);
          expect(view(buffer)).toEqual(model);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("takes an adopted chunk without copying while empty, and copies only the unconsumed tail", () => {
    const buffer = new ReadBuffer(16, 1024);
    const chunk = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]);
    buffer.adopt(chunk);
    expect(buffer.bytes).toBe(chunk);
    buffer.consume(6);
    buffer.settle();
    expect(buffer.bytes).not.toBe(chunk);
    expect(view(buffer)).toEqual([7, 8]);
  });

  it("doubles when full and nothing was consumed, up to maxSize, then offers no space", () => {
    const buffer = new ReadBuffer(4, 16);
    const sizes: number[] = [];
    for (let i = 0; i < 5; i++) {
      const space = buffer.space();
      sizes.push(buffer.capacity);
      buffer.commit(space.length);
    }
    expect(sizes).toEqual([4, 8, 16, 16, 16]);
    expect(buffer.space().length).toBe(0);
    expect(buffer.length).toBe(16);
  });

  it("compacts instead of growing when consumed bytes free enough room", () => {
    const buffer = new ReadBuffer(8, 64);
    buffer.commit(buffer.space().length);
    buffer.consume(6);
    expect(buffer.space().length).toBe(6);
    expect(buffer.capacity).toBe(8);
  });

  it("rejects sizes that make no sense and consuming more than offered", () => {
    expect(() => new ReadBuffer(0, 10)).toThrow(RangeError);
    expect(() => new ReadBuffer(32, 16)).toThrow(RangeError);
    const buffer = new ReadBuffer(4, 8);
    expect(() => buffer.consume(1)).toThrow(RangeError);
    expect(() => buffer.commit(5)).toThrow(RangeError);
  });

  it("allocates nothing until first used (idle connections cost no buffer)", () => {
    const buffer = new ReadBuffer(16 * 1024, 1 << 20);
    expect(buffer.capacity).toBe(0);
    expect(buffer.space().length).toBe(16 * 1024);
    expect(buffer.capacity).toBe(16 * 1024);
  });

  it("reads ahead: while pull reads fill all the room and the protocol takes everything, it doubles up to 64 KiB", () => {
    const buffer = new ReadBuffer(16 * 1024, 1 << 20);
    const sizes: number[] = [];
    for (let i = 0; i < 5; i++) {
      const space = buffer.space();
      sizes.push(space.length);
      buffer.commit(space.length);
      buffer.consume(buffer.length);
    }
    expect(sizes).toEqual([16384, 32768, 65536, 65536, 65536]);
  });

  it("does not read ahead after a short read", () => {
    const buffer = new ReadBuffer(16 * 1024, 1 << 20);
    buffer.commit(buffer.space().length - 1);
    buffer.consume(buffer.length);
    expect(buffer.space().length).toBe(16 * 1024);
  });

  it("waits for the next read in 1 KiB after a small read was consumed (a quiet connection holds little)", () => {
    const buffer = new ReadBuffer(16 * 1024, 1 << 20);
    expect(buffer.space().length).toBe(16 * 1024);
    buffer.commit(80);
    buffer.consume(80);
    expect(buffer.space().length).toBe(QUIET_READ_SIZE);
    expect(buffer.capacity).toBe(QUIET_READ_SIZE);
    // More small reads keep the same memory (no allocation per read).
    const storage = buffer.space();
    buffer.commit(80);
    buffer.consume(80);
    expect(buffer.space().buffer).toBe(storage.buffer);
  });

  it("keeps a small read's unconsumed bytes, and does not shrink below what a large read needs", () => {
    const buffer = new ReadBuffer(16 * 1024, 1 << 20);
    const first = buffer.space();
    first.set([1, 2, 3]);
    buffer.commit(3);
    buffer.consume(1);
    // Not everything was consumed: nothing shrinks, the tail stays.
    expect(buffer.space().length).toBeGreaterThan(QUIET_READ_SIZE);
    expect(view(buffer)).toEqual([2, 3]);
    buffer.consume(2);
    buffer.commit(QUIET_READ_SIZE);
    buffer.consume(QUIET_READ_SIZE);
    // A read of more than half of 1 KiB: the buffer keeps its size.
    expect(buffer.space().length).toBe(16 * 1024);
  });

  it("a read that fills the small buffer brings back the initial size, keeping what was left unconsumed", () => {
    const buffer = new ReadBuffer(16 * 1024, 1 << 20);
    buffer.commit(buffer.space().length - 100);
    buffer.consume(buffer.length);
    buffer.commit(10);
    buffer.consume(10);
    const small = buffer.space();
    expect(small.length).toBe(QUIET_READ_SIZE);
    small.fill(7);
    buffer.commit(QUIET_READ_SIZE);
    buffer.consume(QUIET_READ_SIZE - 24);
    const next = buffer.space();
    expect(buffer.capacity).toBe(16 * 1024);
    expect(next.length).toBe(16 * 1024 - 24);
    expect(view(buffer)).toEqual(Array(24).fill(7));
  });
});
