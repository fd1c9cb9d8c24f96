import { ascii, FIELD_VALUE, TCHAR } from "./chars.js";
import type { HeaderList } from "./headers.js";
import { reasonPhrase } from "./status.js";

/** `\r\n` */
export const CRLF_BYTES: Uint8Array = ascii("\r\n");
/** The last chunk of a chunked body with no trailers. */
export const LAST_CHUNK: Uint8Array = ascii("0\r\n\r\n");
/** An interim `100 Continue` response. */
export const CONTINUE_RESPONSE: Uint8Array = ascii("HTTP/1.1 100 Continue\r\n\r\n");

// Header lines the encoders add, encoded once.
export const CONTENT_LENGTH_PREFIX: Uint8Array = ascii("Content-Length: ");
export const CHUNKED_HEADER: Uint8Array = ascii("Transfer-Encoding: chunked\r\n");
export const CONNECTION_CLOSE: Uint8Array = ascii("Connection: close\r\n");
export const CONNECTION_KEEP_ALIVE: Uint8Array = ascii("Connection: keep-alive\r\n");
export const CONNECTION_UPGRADE: Uint8Array = ascii("Connection: Upgrade\r\n");

const statusLines: (Uint8Array | undefined)[] = [];

/** `HTTP/1.1 <status> <reason>\r\n`, encoded once per status code. */
export function statusLine(status: number): Uint8Array {
  let line = statusLines[status];
  if (line === undefined) {
    line = ascii(`HTTP/1.1 ${status} ${reasonPhrase(status)}\r\n`);
    statusLines[status] = line;
  }
  return line;
}

let dateSecond = -1;
let dateLine: Uint8Array = ascii("Date: Thu, 01 Jan 1970 00:00:00 GMT\r\n");
/**
 * True while {@link dateLine} is known to be the current second's: a timer that cannot keep the
 * process alive clears it at the next second. Where timers cannot be released (workerd: its clock
 * only moves between I/O anyway), the clock is read for every head instead.
 */
let dateFresh = false;

function dateExpired(): void {
  dateFresh = false;
}

/** Whether this runtime's timers can be released (Node and Bun: `unref`; Deno: `Deno.unrefTimer`); undefined until tried. */
let timersReleasable: boolean | undefined;

/** Starts a released timer that clears {@link dateFresh} in `ms`; false where timers cannot be released. */
function expireDateIn(ms: number): boolean {
  if (timersReleasable === false) return false;
  const timer: unknown = setTimeout(dateExpired, ms);
  const deno = (globalThis as { Deno?: { unrefTimer?: (id: number) => void } }).Deno;
  if (typeof timer === "number" && typeof deno?.unrefTimer === "function") {
    deno.unrefTimer(timer);
  } else if (typeof timer === "object" && timer !== null && "unref" in timer) {
    (timer as { unref(): void }).unref();
  } else {
    clearTimeout(timer as Parameters<typeof clearTimeout>[0]);
    timersReleasable = false;
    return false;
  }
  timersReleasable = true;
  return true;
}

/**
 * `Date: <IMF-fixdate>\r\n` for the current second, encoded once per second. While a released timer
 * marks it fresh (Node, Bun, Deno), a response head costs no clock read.
 */
export function currentDateLine(): Uint8Array {
  if (dateFresh) return dateLine;
  const now = Date.now();
  const second = Math.floor(now / 1000);
  if (second !== dateSecond) {
    dateSecond = second;
    dateLine = ascii(`Date: ${new Date(second * 1000).toUTCString()}\r\n`);
  }
  dateFresh = expireDateIn(1000 - (now - second * 1000));
  return dateLine;
}

/** Copies `bytes` into `out` at `pos`; returns the new position. */
export function putBytes(out: Uint8Array, pos: number, bytes: Uint8Array): number {
  if (bytes.length < 32) {
    for (let i = 0; i < bytes.length; i++) out[pos + i] = bytes[i] as number;
  } else out.set(bytes, pos);
  return pos + bytes.length;
}

/** Writes a header name, checking it is a token (no response splitting). */
export function putName(out: Uint8Array, pos: number, name: string): number {
  const n = name.length;
  if (n === 0) throw new TypeError("a header name cannot be empty");
  for (let i = 0; i < n; i++) {
    const c = name.charCodeAt(i);
    if (c > 0xff || TCHAR[c] !== 1) throw new TypeError(`invalid character in header name ${JSON.stringify(name)}`);
    out[pos + i] = c;
  }
  return pos + n;
}

/** Writes a header value as Latin-1, refusing CR, LF, NUL and other control bytes (no response splitting). */
export function putValue(out: Uint8Array, pos: number, value: string): number {
  const n = value.length;
  for (let i = 0; i < n; i++) {
    const c = value.charCodeAt(i);
    if (c > 0xff || FIELD_VALUE[c] !== 1) {
      throw new TypeError(`invalid character 0x${c.toString(16)} in a header value`);
    }
    out[pos + i] = c;
  }
  return pos + n;
}

/** Writes `name: value\r\n` for every field of `list` (names and values checked as by {@link putName}, {@link putValue}). */
export function putFields(out: Uint8Array, pos: number, list: HeaderList): number {
  for (let i = 0; i < list.length; i += 2) {
    pos = putName(out, pos, list[i] as string);
    out[pos++] = 58;
    out[pos++] = 32;
    pos = putValue(out, pos, list[i + 1] as string);
    out[pos++] = 13;
    out[pos++] = 10;
  }
  return pos;
}

/** Writes `Content-Length: <length>\r\n`. */
export function putContentLength(out: Uint8Array, pos: number, length: number): number {
  pos = putBytes(out, pos, CONTENT_LENGTH_PREFIX);
  pos = putDecimal(out, pos, length);
  return putBytes(out, pos, CRLF_BYTES);
}

/** Writes a non-negative integer in decimal. */
export function putDecimal(out: Uint8Array, pos: number, value: number): number {
  if (value < 10) {
    out[pos] = 48 + value;
    return pos + 1;
  }
  const digits = String(value);
  for (let i = 0; i < digits.length; i++) out[pos + i] = digits.charCodeAt(i);
  return pos + digits.length;
}

/** `<hex size>\r\n`, the line that opens a chunk. */
export function chunkSizeLine(size: number): Uint8Array {
  const hex = size.toString(16);
  const out = new Uint8Array(hex.length + 2);
  for (let i = 0; i < hex.length; i++) out[i] = hex.charCodeAt(i);
  out[hex.length] = 13;
  out[hex.length + 1] = 10;
  return out;
}

const encoder = new TextEncoder();

/** UTF-8 bytes of `text`. */
export function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}
