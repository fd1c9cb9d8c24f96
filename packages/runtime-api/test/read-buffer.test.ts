import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ReadBuffer } from "../src/read-buffer.js";

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
});
