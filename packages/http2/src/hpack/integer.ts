import { HpackError } from "./errors.js";

/** Largest integer the decoder accepts (RFC 7541 §5.1 leaves the bound to the implementation). */
export const MAX_HPACK_INTEGER = 0x7fffffff;

/** A decoded value and the offset just after it. */
export interface Decoded<T> {
  readonly value: T;
  readonly end: number;
}

/**
 * Decodes an HPACK integer with an `prefixBits`-bit prefix (RFC 7541 §5.1) starting at `buffer[offset]`
 * (whose high bits belong to the representation and are masked off). Throws {@link HpackError}
 * `truncated` or `integer-overflow`.
 */
export function decodeInteger(buffer: Uint8Array, offset: number, end: number, prefixBits: number): Decoded<number> {
  if (offset >= end) throw new HpackError("truncated", "header block ends inside an integer");
  const max = (1 << prefixBits) - 1;
  let value = (buffer[offset] as number) & max;
  let i = offset + 1;
  if (value < max) return { value, end: i };
  let shift = 0;
  for (;;) {
    if (i >= end) throw new HpackError("truncated", "header block ends inside an integer");
    const b = buffer[i++] as number;
    value += (b & 0x7f) * 2 ** shift;
    if (value > MAX_HPACK_INTEGER) throw new HpackError("integer-overflow", "integer larger than 2^31-1");
    if ((b & 0x80) === 0) return { value, end: i };
    shift += 7;
  }
}

/** Number of bytes {@link writeInteger} uses for `value` with a `prefixBits`-bit prefix. */
export function integerLength(value: number, prefixBits: number): number {
  const max = (1 << prefixBits) - 1;
  if (value < max) return 1;
  let n = 2;
  for (let rest = value - max; rest >= 0x80; rest = Math.floor(rest / 0x80)) n++;
  return n;
}

/**
 * Writes `value` with a `prefixBits`-bit prefix at `out[offset]`, OR-ing `firstByteFlags` (the
 * representation's pattern bits) into the first byte. Returns the offset after the integer.
 */
export function writeInteger(
  out: Uint8Array,
  offset: number,
  value: number,
  prefixBits: number,
  firstByteFlags: number,
): number {
  const max = (1 << prefixBits) - 1;
  if (value < max) {
    out[offset] = firstByteFlags | value;
    return offset + 1;
  }
  out[offset++] = firstByteFlags | max;
  let rest = value - max;
  while (rest >= 0x80) {
    out[offset++] = (rest % 0x80) | 0x80;
    rest = Math.floor(rest / 0x80);
  }
  out[offset++] = rest;
  return offset;
}
