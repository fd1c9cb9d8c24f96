import fc from "fast-check";

/**
 * What a driver does with `read`, for pure-logic tests: offers the unconsumed bytes again, first, with
 * the next chunk behind them. Each offer sits at `pad` bytes into a larger buffer whose other bytes are
 * `filler` (e.g. a delimiter), so a reader that looks outside its range is caught. Returns the bytes
 * never consumed.
 */
export function reoffer(
  input: Uint8Array,
  cuts: readonly number[],
  read: (buffer: Uint8Array, offset: number, length: number) => number,
  options: { pad?: number; filler?: number } = {},
): Uint8Array {
  const pad = options.pad ?? 3;
  const filler = options.filler ?? 10;
  let left = new Uint8Array(0);
  let at = 0;
  const ends = [...cuts.filter((cut) => cut > 0 && cut < input.length), input.length].sort((a, b) => a - b);
  for (const end of ends) {
    if (end <= at) continue;
    const chunk = input.subarray(at, end);
    at = end;
    const length = left.length + chunk.length;
    const buffer = new Uint8Array(pad + length + pad).fill(filler);
    buffer.set(left, pad);
    buffer.set(chunk, pad + left.length);
    const before = buffer.slice();
    const used = read(buffer, pad, length);
    if (used < 0 || used > length) throw new RangeError(`read consumed ${used} of ${length}`);
    if (!before.every((byte, i) => buffer[i] === byte)) throw new Error("read changed the buffer");
    left = buffer.slice(pad + used, pad + length);
  }
  return left;
}

/** Cut points for splitting `length` bytes into chunks (fast-check). */
export function cutsOf(maxLength: number): fc.Arbitrary<number[]> {
  return fc.array(fc.integer({ min: 0, max: maxLength }), { maxLength: 40 });
}

/** Every single cut (two chunks), and one byte at a time. */
export function everyBoundary(length: number): number[][] {
  const all: number[][] = [Array.from({ length }, (_, i) => i)];
  for (let cut = 0; cut <= length; cut++) all.push([cut]);
  return all;
}
