import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ByteCollector, ValueTooLargeError } from "../../src/blocks/index.js";
import { cutsOf, everyBoundary, reoffer } from "./reoffer.js";

/** Reads `count` values, each `length` bytes, into `values`; consumes nothing after the last. */
function valueReader(collector: ByteCollector, length: number, count: number, values: Uint8Array[]) {
  return (buffer: Uint8Array, offset: number, available: number): number => {
    let used = 0;
    while (values.length < count) {
      if (collector.state === "idle") collector.start(length);
      used += collector.offer(buffer, offset + used, available - used);
      if (collector.state !== "complete") break;
      values.push(collector.take());
    }
    return used;
  };
}

describe("ByteCollector", () => {
  it("collects exactly N bytes across any chunking and leaves what follows (property)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 300 }),
        fc.integer({ min: 1, max: 4 }),
        fc.uint8Array({ maxLength: 50 }),
        cutsOf(1300),
        (length, count, after, cuts) => {
          const values = Array.from({ length: count }, (_, k) =>
            Uint8Array.from({ length }, (_, i) => (i * 7 + k) & 255),
          );
          const input = new Uint8Array(length * count + after.length);
          for (const [k, value] of values.entries()) input.set(value, k * length);
          input.set(after, length * count);
          const got: Uint8Array[] = [];
          const left = reoffer(input, cuts, valueReader(new ByteCollector(), length, count, got));
          expect(got).toEqual(values);
          expect([...left]).toEqual([...after]);
        },
      ),
    );
  });

  it("collects a value larger than any chunk, at every boundary, into one buffer of exactly N bytes", () => {
    const value = Uint8Array.from({ length: 40 }, (_, i) => i);
    for (const cuts of everyBoundary(value.length)) {
      const got: Uint8Array[] = [];
      reoffer(value, cuts, valueReader(new ByteCollector(), value.length, 1, got));
      expect(got).toHaveLength(1);
      expect(got[0]?.length).toBe(40);
      expect(got[0]?.byteLength).toBe(got[0]?.buffer.byteLength);
      expect(got[0]).toEqual(value);
    }
  });

  it("grows with the bytes that arrive, not with the length announced, and ends exact", () => {
    const collector = new ByteCollector();
    const length = 1_000_000;
    collector.start(length);
    const chunk = new Uint8Array(10_000).fill(7);
    let total = 0;
    while (collector.state === "collecting") total += collector.offer(chunk, 0, chunk.length);
    expect(total).toBe(length);
    const value = collector.take();
    expect(value.length).toBe(length);
    expect(value.buffer.byteLength).toBe(length);
    expect(value.every((byte) => byte === 7)).toBe(true);
  });

  it("reports what it consumed, and consumes nothing unless collecting", () => {
    const collector = new ByteCollector();
    const bytes = new Uint8Array([1, 2, 3, 4, 5]);
    expect(collector.offer(bytes, 0, 5)).toBe(0);
    collector.start(3);
    expect(collector.remaining).toBe(3);
    expect(collector.offer(bytes, 1, 1)).toBe(1);
    expect(collector.remaining).toBe(2);
    expect(collector.offer(bytes, 2, 3)).toBe(2);
    expect(collector.state).toBe("complete");
    expect(collector.offer(bytes, 4, 1)).toBe(0);
    expect([...collector.take()]).toEqual([2, 3, 4]);
    expect(collector.state).toBe("idle");
  });

  it("a zero-length value is complete at once", () => {
    const collector = new ByteCollector();
    collector.start(0);
    expect(collector.state).toBe("complete");
    expect(collector.take().length).toBe(0);
  });

  it("refuses a length above maxLength with a typed error (the announced length of a hostile peer)", () => {
    const collector = new ByteCollector({ maxLength: 1024 });
    collector.start(1024);
    collector.reset();
    let error: unknown;
    try {
      collector.start(1025);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ValueTooLargeError);
    expect(error).toMatchObject({ length: 1025, limit: 1024, name: "ValueTooLargeError" });
    expect(collector.state).toBe("idle");
    expect(() => new ByteCollector().start(17 * 1024 * 1024)).toThrow(ValueTooLargeError);
  });

  it("refuses misuse: a bad length, start while collecting, take before complete", () => {
    const collector = new ByteCollector();
    expect(() => collector.start(-1)).toThrow(RangeError);
    expect(() => collector.start(Number.NaN)).toThrow(RangeError);
    expect(() => collector.take()).toThrow(/idle/);
    collector.start(2);
    expect(() => collector.start(2)).toThrow(/collecting/);
    expect(() => collector.take()).toThrow(/collecting/);
    collector.reset();
    expect(collector.state).toBe("idle");
    expect(() => new ByteCollector({ maxLength: -5 })).toThrow(RangeError);
  });
});
