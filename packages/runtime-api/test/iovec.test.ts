import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  advanceIovecs,
  COALESCE_THRESHOLD,
  coalesceIovecs,
  concatBytes,
  IovecGatherer,
  iovecsLength,
} from "../src/iovec.js";

const iovecs = fc.array(fc.uint8Array({ maxLength: 40 }), { maxLength: 12 });
const flat = (list: readonly Uint8Array[]): number[] => list.flatMap((v) => [...v]);

describe("iovec helpers", () => {
  it("advanceIovecs leaves exactly the bytes after the first n, without copying", () => {
    fc.assert(
      fc.property(iovecs, fc.double({ min: 0, max: 1, noNaN: true }), (list, fraction) => {
        const total = iovecsLength(list);
        const n = Math.floor(total * fraction);
        const rest = advanceIovecs(list, n);
        expect(flat(rest)).toEqual(flat(list).slice(n));
        for (const part of rest) expect(list.some((v) => v.buffer === part.buffer)).toBe(true);
      }),
    );
  });

  it("advanceIovecs refuses to go past the end", () => {
    expect(() => advanceIovecs([new Uint8Array(3)], 4)).toThrow(RangeError);
    expect(() => advanceIovecs([new Uint8Array(3)], -1)).toThrow(RangeError);
  });

  it("coalesceIovecs keeps every byte in order, merges small runs and leaves large iovecs alone", () => {
    fc.assert(
      fc.property(iovecs, fc.integer({ min: 1, max: 64 }), (list, threshold) => {
        const out = coalesceIovecs(list, threshold);
        expect(flat(out)).toEqual(flat(list));
        for (const part of out) expect(part.length).toBeGreaterThan(0);
        for (const big of list.filter((v) => v.length >= threshold)) expect(out).toContain(big);
        for (let i = 1; i < out.length; i++) {
          const a = out[i - 1] as Uint8Array;
          const b = out[i] as Uint8Array;
          // Two neighbours that are both small would have been merged.
          expect(a.length < threshold && b.length < threshold && a.length + b.length < threshold).toBe(false);
        }
      }),
    );
  });

  it("IovecGatherer gathers like coalesceIovecs, in reused memory, with no copy of a single iovec", () => {
    const gatherer = new IovecGatherer();
    const sized = fc.array(
      fc.oneof(
        fc.uint8Array({ maxLength: 300 }),
        fc.integer({ min: 1, max: 20_000 }).map((n) => new Uint8Array(n).fill(n % 251)),
      ),
      { minLength: 1, maxLength: 12 },
    );
    let scratch: ArrayBufferLike | undefined;
    fc.assert(
      fc.property(sized, (list) => {
        const parts = gatherer.gather(list);
        expect(Buffer.compare(concatBytes(parts), concatBytes(list))).toBe(0);
        expect(parts.map((p) => p.length)).toEqual(coalesceIovecs(list, COALESCE_THRESHOLD).map((p) => p.length));
        if (list.length === 1 && (list[0] as Uint8Array).length > 0) expect(parts[0]).toBe(list[0]);
        // The first merged run of every gather lives in the same scratch memory (later runs too, while they fit).
        const merged = parts.find((part) => !list.some((iovec) => iovec === part));
        if (merged) {
          scratch ??= merged.buffer;
          expect(merged.buffer).toBe(scratch);
        }
      }),
    );
  });
});
