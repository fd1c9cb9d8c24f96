/** Byte values used by the parsers and encoders. */
export const CR = 13;
export const LF = 10;
export const SP = 32;
export const HTAB = 9;
export const COLON = 58;
export const COMMA = 44;
export const SEMICOLON = 59;

/** 1 for every `tchar` of RFC 9110 §5.6.2: the bytes of a token (method, header name). */
export const TCHAR: Uint8Array = makeTable((c) => isAlnum(c) || "!#$%&'*+-.^_`|~".includes(String.fromCharCode(c)));

/** 1 for every byte allowed inside a field value: VCHAR, obs-text, SP and HTAB (RFC 9110 §5.5). */
export const FIELD_VALUE: Uint8Array = makeTable((c) => c === SP || c === HTAB || (c > 0x20 && c !== 0x7f));

/** 1 for every byte allowed in a request-target: visible ASCII (RFC 9112 §3.2, RFC 3986). */
export const TARGET: Uint8Array = makeTable((c) => c > 0x20 && c < 0x7f);

/** 1 for the bytes of a hexadecimal digit, as a lookup of their value + 1. */
export const HEX_VALUE: Uint8Array = (() => {
  const table = new Uint8Array(256);
  for (let c = 0; c < 256; c++) {
    if (c >= 48 && c <= 57) table[c] = c - 48 + 1;
    else if (c >= 65 && c <= 70) table[c] = c - 65 + 11;
    else if (c >= 97 && c <= 102) table[c] = c - 97 + 11;
  }
  return table;
})();

function isAlnum(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

function makeTable(accept: (c: number) => boolean): Uint8Array {
  const table = new Uint8Array(256);
  for (let c = 0; c < 256; c++) table[c] = accept(c) ? 1 : 0;
  return table;
}

const asciiDecoder = new TextDecoder("utf-8");

type Latin1Slice = (this: Uint8Array, start: number, end: number) => string;

/**
 * The runtime's native Latin-1 decoder when it has one: `Buffer.prototype.latin1Slice` exists on Node,
 * Bun and Deno and works on any Uint8Array. Checked once against a known answer; undefined elsewhere.
 */
const nativeLatin1: Latin1Slice | undefined = (() => {
  try {
    const candidate = (globalThis as { Buffer?: { prototype?: { latin1Slice?: unknown } } }).Buffer?.prototype
      ?.latin1Slice;
    if (typeof candidate !== "function") return undefined;
    const probe = new Uint8Array([0x68, 0xe9, 0x80, 0x41]);
    return (candidate as Latin1Slice).call(probe, 1, 4) === "\u00e9\u0080A" ? (candidate as Latin1Slice) : undefined;
  } catch {
    return undefined;
  }
})();

/**
 * Decodes `bytes[start..end)` as ISO-8859-1 (every byte one UTF-16 code unit). `ascii` says the caller
 * already knows every byte is below 0x80, which allows the runtime's native decoder for long runs.
 */
export function latin1(bytes: Uint8Array, start: number, end: number, ascii: boolean): string {
  const n = end - start;
  if (n <= 0) return "";
  if (n > 24) {
    if (nativeLatin1 !== undefined) return nativeLatin1.call(bytes, start, end);
    if (ascii) return asciiDecoder.decode(bytes.subarray(start, end));
    let out = "";
    for (let i = start; i < end; i += 4096) {
      const stop = Math.min(end, i + 4096);
      out += String.fromCharCode.apply(null, bytes.subarray(i, stop) as unknown as number[]);
    }
    return out;
  }
  let out = "";
  let i = start;
  for (; i + 4 <= end; i += 4) {
    out += String.fromCharCode(
      bytes[i] as number,
      bytes[i + 1] as number,
      bytes[i + 2] as number,
      bytes[i + 3] as number,
    );
  }
  for (; i < end; i++) out += String.fromCharCode(bytes[i] as number);
  return out;
}

/** True when `bytes[start..end)` equals the ASCII string `lower`, ignoring the case of letters in `bytes`. */
export function bytesEqualLower(bytes: Uint8Array, start: number, end: number, lower: string): boolean {
  if (end - start !== lower.length) return false;
  for (let i = 0; i < lower.length; i++) {
    let c = bytes[start + i] as number;
    if (c >= 65 && c <= 90) c |= 0x20;
    if (c !== lower.charCodeAt(i)) return false;
  }
  return true;
}

/** True when `bytes[start..end)` equals the string `text` exactly. */
export function bytesEqual(bytes: Uint8Array, start: number, end: number, text: string): boolean {
  if (end - start !== text.length) return false;
  for (let i = 0; i < text.length; i++) if (bytes[start + i] !== text.charCodeAt(i)) return false;
  return true;
}

/** True when the strings are equal ignoring ASCII letter case. `lower` must already be lower case. */
export function equalsLower(text: string, lower: string): boolean {
  if (text.length !== lower.length) return false;
  if (text === lower) return true;
  for (let i = 0; i < lower.length; i++) {
    let c = text.charCodeAt(i);
    if (c >= 65 && c <= 90) c |= 0x20;
    if (c !== lower.charCodeAt(i)) return false;
  }
  return true;
}

/** Encodes an ASCII-only constant. */
export function ascii(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}
