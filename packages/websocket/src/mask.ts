/** True on little-endian hosts (every runtime this package targets, but checked rather than assumed). */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** Below this many bytes a plain byte loop is faster than setting up a word view. */
const WORD_THRESHOLD = 32;

/**
 * XORs `data[offset..offset+length)` in place with the masking key (RFC 6455 §5.3). `key` is the
 * 32-bit key with its first byte in the high bits (as {@link parseFrameHeader} returns it); `phase`
 * is the payload position of `data[offset]` modulo 4, so a payload can be unmasked in pieces.
 * Returns the phase after the last byte. Works a 32-bit word at a time on aligned memory.
 */
export function maskInPlace(data: Uint8Array, offset: number, length: number, key: number, phase = 0): number {
  const k0 = key >>> 24;
  const k1 = (key >>> 16) & 0xff;
  const k2 = (key >>> 8) & 0xff;
  const k3 = key & 0xff;
  const keys = [k0, k1, k2, k3];
  let i = offset;
  const end = offset + length;
  let p = phase & 3;
  if (length >= WORD_THRESHOLD) {
    while ((data.byteOffset + i) & 3) {
      data[i] = (data[i] as number) ^ (keys[p] as number);
      p = (p + 1) & 3;
      i++;
    }
    const words = (end - i) >>> 2;
    const a = keys[p] as number;
    const b = keys[(p + 1) & 3] as number;
    const c = keys[(p + 2) & 3] as number;
    const d = keys[(p + 3) & 3] as number;
    const word = LITTLE_ENDIAN
      ? (a | (b << 8) | (c << 16) | (d << 24)) >>> 0
      : ((a << 24) | (b << 16) | (c << 8) | d) >>> 0;
    const view = new Uint32Array(data.buffer, data.byteOffset + i, words);
    for (let w = 0; w < words; w++) view[w] = (view[w] as number) ^ word;
    i += words << 2;
  }
  for (; i < end; i++) {
    data[i] = (data[i] as number) ^ (keys[p] as number);
    p = (p + 1) & 3;
  }
  return p;
}

/**
 * Copies `source[sourceOffset..+length)` to `target[targetOffset..]`, masked with `key` from `phase`
 * (see {@link maskInPlace}). Returns the phase after the last byte.
 */
export function maskCopy(
  source: Uint8Array,
  sourceOffset: number,
  target: Uint8Array,
  targetOffset: number,
  length: number,
  key: number,
  phase = 0,
): number {
  target.set(source.subarray(sourceOffset, sourceOffset + length), targetOffset);
  return maskInPlace(target, targetOffset, length, key, phase);
}
