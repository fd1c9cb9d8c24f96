import { bytesEqualLower, COLON, COMMA, CR, HTAB, LF, latin1, SEMICOLON, SP, TCHAR } from "./chars.js";
import { HttpParseError } from "./errors.js";
import type { HeadBuilder } from "./head.js";
import { type HeadKind, INCOMPLETE } from "./head-lines.js";
import { internName } from "./intern.js";
import { badByte } from "./start-line.js";

/** The header fields the parser interprets, besides collecting them. */
type FramingField = "content-length" | "transfer-encoding" | "connection" | "host" | "expect" | "upgrade";

/** Largest Content-Length accepted: 15 decimal digits stay below 2^53. */
const MAX_LENGTH_DIGITS = 15;

/** Which interpreted header a field name is, ignoring case; null for every other name. */
function classify(bytes: Uint8Array, start: number, end: number): FramingField | null {
  switch (end - start) {
    case 4:
      return bytesEqualLower(bytes, start, end, "host") ? "host" : null;
    case 6:
      return bytesEqualLower(bytes, start, end, "expect") ? "expect" : null;
    case 7:
      return bytesEqualLower(bytes, start, end, "upgrade") ? "upgrade" : null;
    case 10:
      return bytesEqualLower(bytes, start, end, "connection") ? "connection" : null;
    case 14:
      return bytesEqualLower(bytes, start, end, "content-length") ? "content-length" : null;
    case 17:
      return bytesEqualLower(bytes, start, end, "transfer-encoding") ? "transfer-encoding" : null;
    default:
      return null;
  }
}

function isOws(c: number | undefined): boolean {
  return c === SP || c === HTAB;
}

/**
 * Parses the header line at `bytes[start..]` in one pass, stopping at its CRLF, and adds the field to
 * `head`, interpreting framing fields (refusing Content-Length and Transfer-Encoding in trailers). Returns the index of the LF,
 * {@link INCOMPLETE} when `end` came first, or the error.
 */
export function parseFieldLine(
  bytes: Uint8Array,
  start: number,
  end: number,
  head: HeadBuilder,
  kind: HeadKind,
  maxHeaderCount: number,
): number | HttpParseError {
  const first = bytes[start];
  if (first === SP || first === HTAB) {
    return new HttpParseError("obs-fold", "a header line starts with whitespace (obs-fold)");
  }
  let i = start;
  while (i < end && TCHAR[bytes[i] as number] === 1) i++;
  if (i === end) return INCOMPLETE;
  if (i === start || bytes[i] !== COLON) {
    const c = bytes[i];
    if (c === CR) {
      if (i + 1 === end) return INCOMPLETE;
      if (bytes[i + 1] === LF) return new HttpParseError("bad-header", "a header line has no colon");
      return new HttpParseError("bare-cr", "a CR not followed by LF in the header name");
    }
    if (c === LF) return new HttpParseError("bare-lf", "a line ends in LF without CR");
    if (c === COLON) return new HttpParseError("bad-header", "a header line has no name");
    return badByte(bytes, i, "header name", "bad-header");
  }
  const nameEnd = i;
  i++;
  while (i < end && isOws(bytes[i])) i++;
  const valueStart = i;
  let ascii = true;
  for (; i < end; i++) {
    const c = bytes[i] as number;
    // Field-value bytes: HTAB, SP, VCHAR and obs-text; a control byte ends the value (CR) or is an error.
    if (c < 0x20) {
      if (c === HTAB) continue;
      break;
    }
    if (c >= 0x7f) {
      if (c === 0x7f) return badByte(bytes, i, "header value", "bad-header");
      ascii = false;
    }
  }
  if (i === end) return INCOMPLETE;
  const stop = bytes[i];
  if (stop === CR) {
    if (i + 1 === end) return INCOMPLETE;
    if (bytes[i + 1] !== LF) return new HttpParseError("bare-cr", "a CR not followed by LF in the header value");
  } else if (stop === LF) {
    return new HttpParseError("bare-lf", "a line ends in LF without CR");
  } else {
    return badByte(bytes, i, "header value", "bad-header");
  }
  let valueEnd = i;
  while (valueEnd > valueStart && isOws(bytes[valueEnd - 1])) valueEnd--;
  if (head.headers.length >= maxHeaderCount * 2) {
    return new HttpParseError("headers-too-large", `more than ${maxHeaderCount} header fields`, 431);
  }
  const field = classify(bytes, start, nameEnd);
  if (field !== null) {
    const error =
      kind === "trailers" ? trailerField(field) : interpret(field, kind, bytes, valueStart, valueEnd, i, head);
    if (error) return error;
  }
  head.headers.push(internName(bytes, start, nameEnd), latin1(bytes, valueStart, valueEnd, ascii));
  return i + 1;
}

/**
 * A framing field in the trailer section: refused. The body's framing was settled by the header
 * section (RFC 9110 §6.5.1), and a recipient that merged trailers into it would frame differently.
 */
function trailerField(field: FramingField): HttpParseError | null {
  if (field !== "content-length" && field !== "transfer-encoding") return null;
  return new HttpParseError("bad-header", `${field} in the trailer section`);
}

/** True when the comma-separated list at `bytes[start..end)` is empty or has an empty element (`a,,b`, `a,`). */
function hasEmptyListElement(bytes: Uint8Array, start: number, end: number): boolean {
  let empty = true;
  for (let i = start; i < end; i++) {
    const c = bytes[i];
    if (c === COMMA) {
      if (empty) return true;
      empty = true;
    } else if (!isOws(c)) empty = false;
  }
  return empty;
}

/** Records what a framing field's value means in `head`; returns the error when it is invalid. */
function interpret(
  field: FramingField,
  kind: HeadKind,
  bytes: Uint8Array,
  start: number,
  end: number,
  lineEnd: number,
  head: HeadBuilder,
): HttpParseError | null {
  switch (field) {
    case "content-length":
      return contentLength(bytes, start, end, head);
    case "host":
      head.hostCount++;
      return null;
    case "upgrade":
      head.upgrade = latin1(bytes, start, end, false);
      return null;
    case "expect":
      if (kind !== "request") return null;
      if (!bytesEqualLower(bytes, start, end, "100-continue")) {
        return new HttpParseError("bad-expect", "only Expect: 100-continue is supported", 417);
      }
      head.expectContinue = true;
      return null;
    case "connection":
      return forEachListElement(bytes, start, end, head, connectionOption);
    case "transfer-encoding":
      // Empty list elements are allowed in general (RFC 9110 §5.6.1), but llhttp reads `chunked,` as
      // not chunked: in the one field that decides framing, an empty element is refused.
      if (hasEmptyListElement(bytes, start, end)) {
        return new HttpParseError("bad-transfer-encoding", "Transfer-Encoding has an empty list element");
      }
      // Trailing whitespace is not part of a value (RFC 9110 §5.5), but llhttp reads `chunked<HTAB>` as
      // not chunked: a tab there is refused rather than read one way when others read it another.
      for (let k = end; k < lineEnd; k++) {
        if (bytes[k] === HTAB) return new HttpParseError("bad-transfer-encoding", "Transfer-Encoding ends in a tab");
      }
      if (head.transferCoding === "absent") head.transferCoding = "not-chunked";
      return forEachListElement(bytes, start, end, head, transferCoding);
  }
}

/** One connection option of the `Connection` list (only close, keep-alive and upgrade matter here). */
function connectionOption(bytes: Uint8Array, a: number, b: number, head: HeadBuilder): null {
  if (bytesEqualLower(bytes, a, b, "close")) head.connectionClose = true;
  else if (bytesEqualLower(bytes, a, b, "keep-alive")) head.connectionKeepAlive = true;
  else if (bytesEqualLower(bytes, a, b, "upgrade")) head.connectionUpgrade = true;
  return null;
}

/** RFC 9110 §8.6: a Content-Length, or a list of identical values; anything else is invalid. */
function contentLength(bytes: Uint8Array, start: number, end: number, head: HeadBuilder): HttpParseError | null {
  let i = start;
  for (;;) {
    const digitsStart = i;
    let value = 0;
    while (i < end) {
      const digit = (bytes[i] as number) - 48;
      if (digit < 0 || digit > 9) break;
      value = value * 10 + digit;
      i++;
    }
    if (i === digitsStart || i - digitsStart > MAX_LENGTH_DIGITS) {
      return new HttpParseError("bad-content-length", "Content-Length is not a valid length");
    }
    if (head.contentLength !== null && head.contentLength !== value) {
      return new HttpParseError("content-length-conflict", "conflicting Content-Length values");
    }
    head.contentLength = value;
    while (i < end && isOws(bytes[i])) i++;
    if (i === end) return null;
    if (bytes[i] !== COMMA) return new HttpParseError("bad-content-length", "Content-Length is not a valid length");
    i++;
    while (i < end && isOws(bytes[i])) i++;
  }
}

/**
 * One transfer coding of the list (RFC 9112 §7: `token *( OWS ";" OWS transfer-parameter )`): only
 * its name counts. Anything after the name other than parameters is invalid (`chunked x` is not
 * `chunked`), and so is `chunked` with parameters (it defines none): two parsers could read either
 * as chunked or not.
 */
function transferCoding(bytes: Uint8Array, a: number, b: number, head: HeadBuilder): HttpParseError | null {
  let nameEnd = a;
  while (nameEnd < b && TCHAR[bytes[nameEnd] as number] === 1) nameEnd++;
  let rest = nameEnd;
  while (rest < b && isOws(bytes[rest])) rest++;
  const parameters = rest < b;
  if (nameEnd === a || (parameters && bytes[rest] !== SEMICOLON)) {
    return new HttpParseError("bad-transfer-encoding", "Transfer-Encoding lists an invalid coding");
  }
  if (bytesEqualLower(bytes, a, nameEnd, "chunked")) {
    if (parameters) return new HttpParseError("bad-transfer-encoding", "the chunked coding takes no parameters");
    head.chunkedCount++;
    head.transferCoding = "chunked";
  } else {
    head.otherCoding = true;
    head.transferCoding = "not-chunked";
  }
  return null;
}

/**
 * Calls `visit` with the bounds of each non-empty element of a comma-separated list; stops at its
 * first error. `visit` is a plain function of its arguments (no closure is made per header).
 */
function forEachListElement(
  bytes: Uint8Array,
  start: number,
  end: number,
  head: HeadBuilder,
  visit: (bytes: Uint8Array, from: number, to: number, head: HeadBuilder) => HttpParseError | null,
): HttpParseError | null {
  let i = start;
  while (i <= end) {
    let stop = i;
    while (stop < end && bytes[stop] !== COMMA) stop++;
    let a = i;
    let b = stop;
    while (a < b && isOws(bytes[a])) a++;
    while (b > a && isOws(bytes[b - 1])) b--;
    if (a < b) {
      const error = visit(bytes, a, b, head);
      if (error) return error;
    }
    i = stop + 1;
  }
  return null;
}

/** Checks a complete head as a whole (framing fields that conflict, Host); returns the error or null. */
export function checkHead(head: HeadBuilder, kind: HeadKind): HttpParseError | null {
  if (kind === "trailers") return null;
  if (head.transferCoding !== "absent") {
    if (head.contentLength !== null) {
      return new HttpParseError(
        "content-length-and-transfer-encoding",
        "both Content-Length and Transfer-Encoding are present",
      );
    }
    if (kind === "request") {
      if (head.version === "HTTP/1.0") {
        return new HttpParseError("bad-transfer-encoding", "Transfer-Encoding in an HTTP/1.0 request");
      }
      if (head.transferCoding !== "chunked" || head.chunkedCount > 1) {
        return new HttpParseError(
          "bad-transfer-encoding",
          "the final transfer coding of a request must be chunked, once",
        );
      }
      if (head.otherCoding) {
        return new HttpParseError(
          "unsupported-transfer-encoding",
          "only the chunked transfer coding is supported",
          501,
        );
      }
    } else if (head.chunkedCount > 1) {
      return new HttpParseError("bad-transfer-encoding", "chunked is listed more than once");
    }
  }
  if (kind === "request" && head.version === "HTTP/1.1") {
    if (head.hostCount === 0) return new HttpParseError("missing-host", "an HTTP/1.1 request without Host");
    if (head.hostCount > 1) return new HttpParseError("duplicate-host", "more than one Host header");
  }
  return null;
}
