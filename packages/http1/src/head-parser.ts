import {
  bytesEqualLower,
  COLON,
  COMMA,
  CR,
  FIELD_VALUE,
  HTAB,
  LF,
  latin1,
  SEMICOLON,
  SP,
  TARGET,
  TCHAR,
} from "./chars.js";
import { HttpParseError } from "./errors.js";
import { internMethod, internName } from "./intern.js";

/** Size limits of a message head. */
export interface HeadLimits {
  /** Longest start line (request line or status line) in bytes, CRLF included. */
  readonly maxStartLineBytes: number;
  /** Longest head (start line, header lines, final CRLF) in bytes. Also bounds a chunked body's trailers. */
  readonly maxHeadBytes: number;
  /** Most header fields in one head (or trailer section). */
  readonly maxHeaderCount: number;
}

/** What a {@link HeadParser} reads: a request head, a response head, or the trailer section of a chunked body. */
export type HeadKind = "request" | "response" | "trailers";

const START = 0;
const FIELDS = 1;
const DONE = 2;

/** {@link HeadParser} line results: the line is not complete yet / the line is malformed. */
const INCOMPLETE = -1;
const FAILED = -2;

const FIELD_OTHER = 0;
const FIELD_CONTENT_LENGTH = 1;
const FIELD_TRANSFER_ENCODING = 2;
const FIELD_CONNECTION = 3;
const FIELD_HOST = 4;
const FIELD_EXPECT = 5;
const FIELD_UPGRADE = 6;

/** Largest Content-Length / chunk size accepted: 15 decimal digits stay below 2^53. */
const MAX_LENGTH_DIGITS = 15;

/** Which framing header a field name is, ignoring case; {@link FIELD_OTHER} for every other name. */
function classify(bytes: Uint8Array, start: number, end: number): number {
  switch (end - start) {
    case 4:
      return bytesEqualLower(bytes, start, end, "host") ? FIELD_HOST : FIELD_OTHER;
    case 6:
      return bytesEqualLower(bytes, start, end, "expect") ? FIELD_EXPECT : FIELD_OTHER;
    case 7:
      return bytesEqualLower(bytes, start, end, "upgrade") ? FIELD_UPGRADE : FIELD_OTHER;
    case 10:
      return bytesEqualLower(bytes, start, end, "connection") ? FIELD_CONNECTION : FIELD_OTHER;
    case 14:
      return bytesEqualLower(bytes, start, end, "content-length") ? FIELD_CONTENT_LENGTH : FIELD_OTHER;
    case 17:
      return bytesEqualLower(bytes, start, end, "transfer-encoding") ? FIELD_TRANSFER_ENCODING : FIELD_OTHER;
    default:
      return FIELD_OTHER;
  }
}

function isOws(c: number | undefined): boolean {
  return c === SP || c === HTAB;
}

/**
 * An incremental parser of one HTTP/1.1 message head (RFC 9112), strict about everything that lets two
 * parsers disagree on where a message ends: bare CR and bare LF, obs-fold, whitespace before the colon,
 * invalid token or field-value bytes, conflicting Content-Length, Transfer-Encoding with Content-Length.
 *
 * It consumes complete lines only: a partial line is left unconsumed (the driver offers it again with
 * more bytes) and the parser remembers how far it already looked, so a head arriving one byte at a
 * time costs linear time. Header names and values are decoded once, when their line is complete.
 */
export class HeadParser {
  readonly kind: HeadKind;
  readonly #limits: HeadLimits;
  #phase = START;
  #scanned = 0;
  #headBytes = 0;

  /** Set when the head is complete. */
  done = false;
  /** Set when the head is malformed or too large; the parser consumes nothing more. */
  error: HttpParseError | null = null;

  /** Request method (requests). */
  method = "";
  /** Request target as sent (requests). */
  target = "";
  /** Status code (responses). */
  status = 0;
  /** Reason phrase (responses). */
  reason = "";
  /** HTTP minor version: 0 or 1. */
  minor = 1;
  /** Header fields, flat name/value pairs as received. */
  headers: string[] = [];

  /** Content-Length, or -1 when absent. */
  contentLength = -1;
  /** Transfer-Encoding was present. */
  hasTransferEncoding = false;
  /** The final transfer coding is `chunked`. */
  chunked = false;
  #chunkedCount = 0;
  /** A transfer coding other than `chunked` was listed. */
  otherCoding = false;
  /** `Connection: close` was listed. */
  connectionClose = false;
  /** `Connection: keep-alive` was listed. */
  connectionKeepAlive = false;
  /** `Connection: upgrade` was listed. */
  connectionUpgrade = false;
  /** The Upgrade header value, or null. */
  upgrade: string | null = null;
  /** `Expect: 100-continue` was sent. */
  expectContinue = false;
  #hostCount = 0;

  constructor(kind: HeadKind, limits: HeadLimits) {
    this.kind = kind;
    this.#limits = limits;
    if (kind === "trailers") this.#phase = FIELDS;
  }

  /** Readies the parser for the next message head. */
  reset(): void {
    this.#phase = this.kind === "trailers" ? FIELDS : START;
    this.#scanned = 0;
    this.#headBytes = 0;
    this.done = false;
    this.error = null;
    this.method = "";
    this.target = "";
    this.status = 0;
    this.reason = "";
    this.minor = 1;
    this.headers = [];
    this.contentLength = -1;
    this.hasTransferEncoding = false;
    this.chunked = false;
    this.#chunkedCount = 0;
    this.otherCoding = false;
    this.connectionClose = false;
    this.connectionKeepAlive = false;
    this.connectionUpgrade = false;
    this.upgrade = null;
    this.expectContinue = false;
    this.#hostCount = 0;
  }

  /** True once some bytes of the head were seen (a message is under way). */
  get started(): boolean {
    return this.#headBytes > 0 || this.#scanned > 0 || this.#phase !== START;
  }

  /**
   * Parses as many complete lines of `bytes[start..end)` as there are. Returns the bytes consumed;
   * check {@link done} and {@link error} afterwards.
   */
  parse(bytes: Uint8Array, start: number, end: number): number {
    let pos = start;
    while (this.#phase !== DONE) {
      if (this.#phase === FIELDS && this.#scanned === 0 && pos < end && bytes[pos] !== CR && bytes[pos] !== LF) {
        // Fast path: parse a header line in one pass, finding its end on the way.
        const lf = this.#fieldLine(bytes, pos, end);
        if (lf === FAILED) return pos - start;
        if (lf !== INCOMPLETE) {
          const lineBytes = lf + 1 - pos;
          if (!this.#checkSize(lineBytes)) return pos - start;
          this.#headBytes += lineBytes;
          pos = lf + 1;
          continue;
        }
        // The line is incomplete: the scan below remembers how far it looked.
      }
      // Find the line end, resuming where the last call stopped looking.
      let i = pos + this.#scanned;
      while (i < end && bytes[i] !== LF) i++;
      if (i >= end) {
        this.#scanned = end - pos;
        this.#checkSize(this.#scanned);
        return pos - start;
      }
      this.#scanned = 0;
      const lineBytes = i + 1 - pos;
      if (!this.#checkSize(lineBytes)) return pos - start;
      if (this.#phase === FIELDS && !(i === pos + 1 && bytes[pos] === CR)) {
        // A complete header line (the fast path found it incomplete earlier).
        if (i === pos) {
          this.#fail("bare-lf", "a line ends in LF without CR");
          return pos - start;
        }
        if (this.#fieldLine(bytes, pos, end) !== i) {
          this.#fail("bad-header", "a malformed header line");
          return pos - start;
        }
        this.#headBytes += lineBytes;
        pos = i + 1;
        continue;
      }
      if (i === pos || bytes[i - 1] !== CR) {
        this.#fail("bare-lf", "a line ends in LF without CR");
        return pos - start;
      }
      const contentEnd = i - 1;
      if (this.#phase === START) {
        if (contentEnd === pos && this.kind === "request") {
          // RFC 9112 §2.2: empty lines before the request line are ignored (they count toward the limit).
          this.#headBytes += lineBytes;
          pos = i + 1;
          continue;
        }
        if (this.kind === "request") this.#requestLine(bytes, pos, contentEnd);
        else this.#statusLine(bytes, pos, contentEnd);
        if (this.error) return pos - start;
        this.#phase = FIELDS;
        this.#headBytes += lineBytes;
        pos = i + 1;
        continue;
      }
      // The empty line: the head is complete.
      this.#headBytes += lineBytes;
      pos = i + 1;
      this.#finish();
      if (this.error) return pos - start;
      this.#phase = DONE;
      this.done = true;
    }
    return pos - start;
  }

  /** Checks that a line of `lineBytes` more bytes keeps the head within its limits. */
  #checkSize(lineBytes: number): boolean {
    const limits = this.#limits;
    if (this.#phase === START && lineBytes > limits.maxStartLineBytes) {
      if (this.kind === "request") {
        this.#fail("request-line-too-long", `the request line is longer than ${limits.maxStartLineBytes} bytes`, 414);
      } else {
        this.#fail("bad-status-line", `the status line is longer than ${limits.maxStartLineBytes} bytes`);
      }
      return false;
    }
    if (this.#headBytes + lineBytes > limits.maxHeadBytes) {
      this.#fail(
        "headers-too-large",
        `the ${this.kind === "trailers" ? "trailer section" : "head"} is larger than ${limits.maxHeadBytes} bytes`,
        431,
      );
      return false;
    }
    return true;
  }

  #fail(code: HttpParseError["code"], message: string, status = 400): void {
    if (this.error) return;
    this.error = new HttpParseError(code, message, status);
  }

  #badByte(bytes: Uint8Array, at: number, what: string): void {
    if (bytes[at] === CR) this.#fail("bare-cr", `a CR not followed by LF in the ${what}`);
    else
      this.#fail(
        this.#phase === START ? (this.kind === "request" ? "bad-request-line" : "bad-status-line") : "bad-header",
        `invalid byte 0x${(bytes[at] as number).toString(16).padStart(2, "0")} in the ${what}`,
      );
  }

  /** `HTTP/1.x` at `bytes[at..at+8)`; sets {@link minor}. */
  #version(bytes: Uint8Array, at: number, end: number): boolean {
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
        if (bytes[i] === CR) {
          this.#fail("bare-cr", "a CR not followed by LF in the HTTP version");
          return false;
        }
      }
      this.#fail("bad-version", "the HTTP version is not HTTP/<digit>.<digit>");
      return false;
    }
    const major = (bytes[at + 5] as number) - 48;
    const minor = (bytes[at + 7] as number) - 48;
    if (major < 0 || major > 9 || minor < 0 || minor > 9) {
      this.#fail("bad-version", "the HTTP version is not HTTP/<digit>.<digit>");
      return false;
    }
    if (major !== 1) {
      this.#fail("unsupported-version", `HTTP/${major}.${minor} is not supported`, 505);
      return false;
    }
    // RFC 9110 §2.5: a higher minor version is processed as the highest one implemented.
    this.minor = minor === 0 ? 0 : 1;
    return true;
  }

  #requestLine(bytes: Uint8Array, start: number, end: number): void {
    let i = start;
    while (i < end && TCHAR[bytes[i] as number] === 1) i++;
    if (i === start || i >= end || bytes[i] !== SP) {
      if (i < end && bytes[i] !== SP) this.#badByte(bytes, i, "method");
      else this.#fail("bad-request-line", "the request line has no method");
      return;
    }
    this.method = internMethod(bytes, start, i);
    const targetStart = ++i;
    while (i < end && TARGET[bytes[i] as number] === 1) i++;
    if (i === targetStart || i >= end || bytes[i] !== SP) {
      if (i < end && bytes[i] !== SP) this.#badByte(bytes, i, "request target");
      else this.#fail("bad-request-line", "the request line is not <method> <target> <version>");
      return;
    }
    this.target = latin1(bytes, targetStart, i, true);
    this.#version(bytes, i + 1, end);
  }

  #statusLine(bytes: Uint8Array, start: number, end: number): void {
    if (end - start < 12 || bytes[start + 8] !== SP) {
      this.#fail("bad-status-line", "the status line is not <version> <status> <reason>");
      return;
    }
    if (!this.#version(bytes, start, start + 8)) return;
    let status = 0;
    for (let i = start + 9; i < start + 12; i++) {
      const digit = (bytes[i] as number) - 48;
      if (digit < 0 || digit > 9) {
        this.#fail("bad-status-line", "the status code is not three digits");
        return;
      }
      status = status * 10 + digit;
    }
    if (status < 100) {
      this.#fail("bad-status-line", `status ${status} is out of range`);
      return;
    }
    this.status = status;
    if (end === start + 12) return;
    if (bytes[start + 12] !== SP) {
      this.#fail("bad-status-line", "the status code is not followed by a space");
      return;
    }
    let ascii = true;
    for (let i = start + 13; i < end; i++) {
      const c = bytes[i] as number;
      if (FIELD_VALUE[c] !== 1) {
        this.#badByte(bytes, i, "reason phrase");
        return;
      }
      if (c >= 0x80) ascii = false;
    }
    this.reason = latin1(bytes, start + 13, end, ascii);
  }

  /**
   * Parses the header line at `bytes[start..]` in one pass, stopping at its CRLF. Returns the index of
   * the LF, {@link INCOMPLETE} when `end` came first, or {@link FAILED} (the error is set).
   */
  #fieldLine(bytes: Uint8Array, start: number, end: number): number {
    const first = bytes[start];
    if (first === SP || first === HTAB) {
      this.#fail("obs-fold", "a header line starts with whitespace (obs-fold)");
      return FAILED;
    }
    let i = start;
    while (i < end && TCHAR[bytes[i] as number] === 1) i++;
    if (i === end) return INCOMPLETE;
    if (i === start || bytes[i] !== COLON) {
      const c = bytes[i];
      if (c === CR) {
        if (i + 1 === end) return INCOMPLETE;
        if (bytes[i + 1] === LF) this.#fail("bad-header", "a header line has no colon");
        else this.#fail("bare-cr", "a CR not followed by LF in the header name");
      } else if (c === LF) this.#fail("bare-lf", "a line ends in LF without CR");
      else if (c === COLON) this.#fail("bad-header", "a header line has no name");
      else this.#badByte(bytes, i, "header name");
      return FAILED;
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
        if (c === 0x7f) {
          this.#badByte(bytes, i, "header value");
          return FAILED;
        }
        ascii = false;
      }
    }
    if (i === end) return INCOMPLETE;
    const stop = bytes[i];
    if (stop === CR) {
      if (i + 1 === end) return INCOMPLETE;
      if (bytes[i + 1] !== LF) {
        this.#fail("bare-cr", "a CR not followed by LF in the header value");
        return FAILED;
      }
    } else if (stop === LF) {
      this.#fail("bare-lf", "a line ends in LF without CR");
      return FAILED;
    } else {
      this.#badByte(bytes, i, "header value");
      return FAILED;
    }
    let valueEnd = i;
    while (valueEnd > valueStart && isOws(bytes[valueEnd - 1])) valueEnd--;
    if (this.headers.length >= this.#limits.maxHeaderCount * 2) {
      this.#fail("headers-too-large", `more than ${this.#limits.maxHeaderCount} header fields`, 431);
      return FAILED;
    }
    if (this.kind !== "trailers") {
      const field = classify(bytes, start, nameEnd);
      if (field !== FIELD_OTHER && !this.#framing(field, bytes, valueStart, valueEnd)) return FAILED;
    }
    this.headers.push(internName(bytes, start, nameEnd), latin1(bytes, valueStart, valueEnd, ascii));
    return i + 1;
  }

  /** Interprets a framing header's value; false when it is invalid (the error is set). */
  #framing(field: number, bytes: Uint8Array, start: number, end: number): boolean {
    switch (field) {
      case FIELD_CONTENT_LENGTH:
        return this.#contentLength(bytes, start, end);
      case FIELD_HOST:
        this.#hostCount++;
        return true;
      case FIELD_UPGRADE:
        this.upgrade = latin1(bytes, start, end, false);
        return true;
      case FIELD_EXPECT:
        if (this.kind === "request") {
          if (bytesEqualLower(bytes, start, end, "100-continue")) this.expectContinue = true;
          else {
            this.#fail("bad-expect", "only Expect: 100-continue is supported", 417);
            return false;
          }
        }
        return true;
      default:
        this.#list(field, bytes, start, end);
        return this.error === null;
    }
  }

  #contentLength(bytes: Uint8Array, start: number, end: number): boolean {
    // RFC 9110 §8.6: a list of identical values may be accepted; anything else is invalid.
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
        this.#fail("bad-content-length", "Content-Length is not a valid length");
        return false;
      }
      if (this.contentLength >= 0 && this.contentLength !== value) {
        this.#fail("content-length-conflict", "conflicting Content-Length values");
        return false;
      }
      this.contentLength = value;
      while (i < end && isOws(bytes[i])) i++;
      if (i === end) return true;
      if (bytes[i] !== COMMA) {
        this.#fail("bad-content-length", "Content-Length is not a valid length");
        return false;
      }
      i++;
      while (i < end && isOws(bytes[i])) i++;
    }
  }

  /** Walks the elements of a comma-separated list (Connection, Transfer-Encoding). */
  #list(field: number, bytes: Uint8Array, start: number, end: number): void {
    if (field === FIELD_TRANSFER_ENCODING) this.hasTransferEncoding = true;
    let i = start;
    while (i <= end) {
      let stop = i;
      while (stop < end && bytes[stop] !== COMMA) stop++;
      let a = i;
      let b = stop;
      while (a < b && isOws(bytes[a])) a++;
      while (b > a && isOws(bytes[b - 1])) b--;
      if (a < b) {
        if (field === FIELD_CONNECTION) {
          if (bytesEqualLower(bytes, a, b, "close")) this.connectionClose = true;
          else if (bytesEqualLower(bytes, a, b, "keep-alive")) this.connectionKeepAlive = true;
          else if (bytesEqualLower(bytes, a, b, "upgrade")) this.connectionUpgrade = true;
        } else {
          // A transfer coding, maybe with parameters: compare its name only.
          let nameEnd = a;
          while (nameEnd < b && bytes[nameEnd] !== SEMICOLON && !isOws(bytes[nameEnd])) nameEnd++;
          for (let k = a; k < nameEnd; k++) {
            if (TCHAR[bytes[k] as number] !== 1) {
              this.#fail("bad-transfer-encoding", "Transfer-Encoding lists an invalid coding");
              return;
            }
          }
          if (bytesEqualLower(bytes, a, nameEnd, "chunked")) {
            this.#chunkedCount++;
            this.chunked = true;
          } else {
            this.otherCoding = true;
            this.chunked = false;
          }
        }
      }
      i = stop + 1;
    }
  }

  /** Checks the head as a whole once the empty line arrived. */
  #finish(): void {
    if (this.kind === "trailers") return;
    if (this.hasTransferEncoding) {
      if (this.contentLength >= 0) {
        this.#fail("content-length-and-transfer-encoding", "both Content-Length and Transfer-Encoding are present");
        return;
      }
      if (this.kind === "request") {
        if (this.minor === 0) {
          this.#fail("bad-transfer-encoding", "Transfer-Encoding in an HTTP/1.0 request");
          return;
        }
        if (!this.chunked || this.#chunkedCount > 1) {
          this.#fail("bad-transfer-encoding", "the final transfer coding of a request must be chunked, once");
          return;
        }
        if (this.otherCoding) {
          this.#fail("unsupported-transfer-encoding", "only the chunked transfer coding is supported", 501);
          return;
        }
      } else if (this.#chunkedCount > 1) {
        this.#fail("bad-transfer-encoding", "chunked is listed more than once");
        return;
      }
    }
    if (this.kind === "request" && this.minor === 1) {
      if (this.#hostCount === 0) this.#fail("missing-host", "an HTTP/1.1 request without Host");
      else if (this.#hostCount > 1) this.#fail("duplicate-host", "more than one Host header");
    }
  }
}
