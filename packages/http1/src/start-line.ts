import { CR, FIELD_VALUE, latin1, SP, TARGET, TCHAR } from "./chars.js";
import { HttpParseError } from "./errors.js";
import type { HeadBuilder } from "./head.js";
import { internMethod } from "./intern.js";

/** The error for a byte that may not appear where it is: a bare CR, or an invalid byte. */
export function badByte(
  bytes: Uint8Array,
  at: number,
  what: string,
  code: "bad-request-line" | "bad-status-line" | "bad-header",
): HttpParseError {
  if (bytes[at] === CR) return new HttpParseError("bare-cr", `a CR not followed by LF in the ${what}`);
  const hex = (bytes[at] as number).toString(16).padStart(2, "0");
  return new HttpParseError(code, `invalid byte 0x${hex} in the ${what}`);
}

/** `HTTP/1.x` at `bytes[at..end)`: sets the head's version, or returns the error. */
function parseVersion(bytes: Uint8Array, at: number, end: number, head: HeadBuilder): HttpParseError | null {
  if (
    end - at !== 8 ||
    bytes[at] !== 72 || // H
    bytes[at + 1] !== 84 || // T
    bytes[at + 2] !== 84 || // T
    bytes[at + 3] !== 80 || // P
    bytes[at + 4] !== 47 || // /
    bytes[at + 6] !== 46 // .
  ) {
    for (let i = at; i < end; i++) {
      if (bytes[i] === CR) return new HttpParseError("bare-cr", "a CR not followed by LF in the HTTP version");
    }
    return new HttpParseError("bad-version", "the HTTP version is not HTTP/<digit>.<digit>");
  }
  const major = (bytes[at + 5] as number) - 48;
  const minor = (bytes[at + 7] as number) - 48;
  if (major < 0 || major > 9 || minor < 0 || minor > 9) {
    return new HttpParseError("bad-version", "the HTTP version is not HTTP/<digit>.<digit>");
  }
  if (major !== 1) return new HttpParseError("unsupported-version", `HTTP/${major}.${minor} is not supported`, 505);
  // RFC 9110 §2.5: a higher minor version is processed as the highest one implemented.
  head.version = minor === 0 ? "HTTP/1.0" : "HTTP/1.1";
  return null;
}

/** Parses `<method> SP <target> SP <version>` at `bytes[start..end)` (CRLF excluded) into `head`. */
export function parseRequestLine(
  bytes: Uint8Array,
  start: number,
  end: number,
  head: HeadBuilder,
): HttpParseError | null {
  let i = start;
  while (i < end && TCHAR[bytes[i] as number] === 1) i++;
  if (i === start || i >= end || bytes[i] !== SP) {
    if (i < end && bytes[i] !== SP) return badByte(bytes, i, "method", "bad-request-line");
    return new HttpParseError("bad-request-line", "the request line has no method");
  }
  head.method = internMethod(bytes, start, i);
  const targetStart = ++i;
  while (i < end && TARGET[bytes[i] as number] === 1) i++;
  if (i === targetStart || i >= end || bytes[i] !== SP) {
    if (i < end && bytes[i] !== SP) return badByte(bytes, i, "request target", "bad-request-line");
    return new HttpParseError("bad-request-line", "the request line is not <method> <target> <version>");
  }
  head.target = latin1(bytes, targetStart, i, true);
  return parseVersion(bytes, i + 1, end, head);
}

/** Parses `<version> SP <status> [SP <reason>]` at `bytes[start..end)` (CRLF excluded) into `head`. */
export function parseStatusLine(
  bytes: Uint8Array,
  start: number,
  end: number,
  head: HeadBuilder,
): HttpParseError | null {
  if (end - start < 12 || bytes[start + 8] !== SP) {
    return new HttpParseError("bad-status-line", "the status line is not <version> <status> <reason>");
  }
  const versionError = parseVersion(bytes, start, start + 8, head);
  if (versionError) return versionError;
  let status = 0;
  for (let i = start + 9; i < start + 12; i++) {
    const digit = (bytes[i] as number) - 48;
    if (digit < 0 || digit > 9) return new HttpParseError("bad-status-line", "the status code is not three digits");
    status = status * 10 + digit;
  }
  if (status < 100) return new HttpParseError("bad-status-line", `status ${status} is out of range`);
  head.status = status;
  if (end === start + 12) return null;
  if (bytes[start + 12] !== SP) {
    return new HttpParseError("bad-status-line", "the status code is not followed by a space");
  }
  let ascii = true;
  for (let i = start + 13; i < end; i++) {
    const c = bytes[i] as number;
    if (FIELD_VALUE[c] !== 1) return badByte(bytes, i, "reason phrase", "bad-status-line");
    if (c >= 0x80) ascii = false;
  }
  head.reason = latin1(bytes, start + 13, end, ascii);
  return null;
}
