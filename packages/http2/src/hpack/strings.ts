/**
 * Header names and values travel as octets. Inside the HPACK code they are "binary" strings: one
 * char per octet (latin1), so lengths are octet counts and table keys are plain strings.
 */

/** `text` as a binary string: itself when every char is below 256, else its UTF-8 octets. */
export function toBinaryString(text: string): string {
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) > 0xff) return bytesToBinaryString(new TextEncoder().encode(text), 0, text.length * 3);
  }
  return text;
}

/** The octets `bytes[start..end]` as a binary string. */
export function bytesToBinaryString(bytes: Uint8Array, start: number, end: number): string {
  const stop = Math.min(end, bytes.length);
  if (stop - start <= 64) {
    let s = "";
    for (let i = start; i < stop; i++) s += String.fromCharCode(bytes[i] as number);
    return s;
  }
  let s = "";
  for (let i = start; i < stop; i += 4096) {
    s += String.fromCharCode.apply(null, bytes.subarray(i, Math.min(stop, i + 4096)) as unknown as number[]);
  }
  return s;
}

/** Writes the binary string `text` into `out` at `offset`; returns the offset after it. */
export function writeBinaryString(text: string, out: Uint8Array, offset: number): number {
  for (let i = 0; i < text.length; i++) out[offset++] = text.charCodeAt(i);
  return offset;
}
