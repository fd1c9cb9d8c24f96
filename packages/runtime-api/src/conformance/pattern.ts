// The byte pattern the conformance peers send and check, and reading a numeric server parameter: a
// leaf module, so the server protocols (servers.ts, fault-servers.ts) and the cases share them without
// importing each other.

/** Byte `i` of the conformance pattern: (i * 31 + (i >>> 8)) & 255. */
export function patternByte(i: number): number {
  return (i * 31 + (i >>> 8)) & 255;
}

/** `length` bytes of the conformance pattern starting at position `from`. */
export function patternBytes(from: number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = patternByte(from + i);
  return out;
}

/** A numeric server parameter, or `fallback` when it is absent or not a number. */
export function num(
  params: Readonly<Record<string, number | string | boolean>>,
  key: string,
  fallback: number,
): number {
  const value = params[key];
  return typeof value === "number" ? value : fallback;
}
