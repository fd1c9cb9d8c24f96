import { CR, FIELD_VALUE, HEX_VALUE, HTAB, LF, SEMICOLON, SP } from "./chars.js";
import { HttpParseError } from "./errors.js";
import type { BodyFraming } from "./framing.js";
import { type HeadLimits, HeadParser } from "./head-parser.js";
import { EMPTY_HEADERS, type HeaderList } from "./headers.js";

/** Where decoded body bytes go. The bytes are only valid during the call: copy what must be kept. */
export interface BodySink {
  /** Body bytes at `bytes[start..end)`. */
  bodyData(bytes: Uint8Array, start: number, end: number): void;
}

const SIZE = 0;
const SIZE_WS = 1;
const EXTENSION = 2;
const SIZE_LF = 3;
const DATA = 4;
const DATA_CR = 5;
const DATA_LF = 6;
const TRAILERS = 7;
const FINISHED = 8;

/** Longest chunk-size line (size, extensions, CRLF) accepted. */
const MAX_CHUNK_LINE = 4096;
/** Chunk sizes are at most 13 hex digits (below 2^53). */
const MAX_CHUNK_DIGITS = 13;

/**
 * Decodes one message body incrementally at any chunk boundary: a fixed Content-Length, the chunked
 * transfer coding (extensions checked and ignored, trailers parsed), or everything until the peer
 * closes. Chunk framing is consumed byte by byte, so nothing is buffered; only a partial trailer line
 * is left unconsumed (the driver offers it again).
 */
export class BodyDecoder {
  readonly #trailerParser: HeadParser<"trailers">;
  #framing: BodyFraming = "none";
  #remaining = 0;
  #state = SIZE;
  #lineBytes = 0;
  #digits = 0;

  /** Set once the body is complete. */
  done = true;
  /** Set when the body is malformed; nothing more is consumed. */
  error: HttpParseError | null = null;
  /** Trailer fields of a chunked body, once complete. */
  trailers: HeaderList = EMPTY_HEADERS;

  constructor(limits: HeadLimits) {
    this.#trailerParser = new HeadParser("trailers", limits);
  }

  /** The framing of the body being decoded. */
  get framing(): BodyFraming {
    return this.#framing;
  }

  /** Starts a body: `length` bytes for `"length"`, ignored otherwise. */
  start(framing: BodyFraming, length = 0): void {
    this.#framing = framing;
    this.error = null;
    this.trailers = EMPTY_HEADERS;
    this.#state = SIZE;
    this.#lineBytes = 0;
    this.#digits = 0;
    this.#remaining = framing === "length" ? length : 0;
    this.done = framing === "none" || (framing === "length" && length === 0);
  }

  /** Decodes from `bytes[start..end)`; returns the bytes consumed. Check {@link done} and {@link error}. */
  decode(bytes: Uint8Array, start: number, end: number, sink: BodySink): number {
    if (this.done || this.error) return 0;
    switch (this.#framing) {
      case "length": {
        const n = Math.min(end - start, this.#remaining);
        if (n > 0) {
          this.#remaining -= n;
          if (this.#remaining === 0) this.done = true;
          sink.bodyData(bytes, start, start + n);
        }
        return n;
      }
      case "close":
        if (end > start) sink.bodyData(bytes, start, end);
        return end - start;
      case "chunked":
        return this.#chunked(bytes, start, end, sink);
      default:
        return 0;
    }
  }

  /** The input ended. A body delimited by the close is then complete; any other is truncated. */
  end(): void {
    if (this.done || this.error) return;
    if (this.#framing === "close") this.done = true;
    else this.error = new HttpParseError("incomplete-message", "the connection closed before the body was complete");
  }

  #fail(message: string): number {
    this.error = new HttpParseError("bad-chunk", message);
    return 0;
  }

  #chunked(bytes: Uint8Array, start: number, end: number, sink: BodySink): number {
    let i = start;
    while (i < end) {
      const state = this.#state;
      if (state === DATA) {
        const n = Math.min(end - i, this.#remaining);
        this.#remaining -= n;
        if (this.#remaining === 0) this.#state = DATA_CR;
        sink.bodyData(bytes, i, i + n);
        i += n;
        continue;
      }
      if (state === TRAILERS) {
        const parser = this.#trailerParser;
        const n = parser.parse(bytes, i, end);
        i += n;
        if (parser.error) {
          this.error = parser.error;
          return i - start;
        }
        if (!parser.done) return i - start;
        this.trailers = parser.take();
        this.#state = FINISHED;
        this.done = true;
        return i - start;
      }
      const c = bytes[i] as number;
      i++;
      if (state === SIZE || state === SIZE_WS || state === EXTENSION) {
        if (++this.#lineBytes > MAX_CHUNK_LINE) return this.#fail("a chunk-size line is too long");
      }
      switch (state) {
        case SIZE: {
          const hex = HEX_VALUE[c] as number;
          if (hex !== 0) {
            if (++this.#digits > MAX_CHUNK_DIGITS) return this.#fail("a chunk size is too large");
            this.#remaining = this.#remaining * 16 + hex - 1;
          } else if (this.#digits === 0) {
            return this.#fail("a chunk size is not hexadecimal");
          } else if (c === CR) this.#state = SIZE_LF;
          else if (c === SEMICOLON) this.#state = EXTENSION;
          else if (c === SP || c === HTAB) this.#state = SIZE_WS;
          else return this.#fail("a chunk size is not hexadecimal");
          break;
        }
        case SIZE_WS:
          // BWS before a chunk extension.
          if (c === SEMICOLON) this.#state = EXTENSION;
          else if (c !== SP && c !== HTAB) return this.#fail("whitespace after a chunk size not followed by ';'");
          break;
        case EXTENSION:
          // Extensions are ignored, but must be field-value bytes: no CTLs, no bare CR or LF.
          if (c === CR) this.#state = SIZE_LF;
          else if (FIELD_VALUE[c] !== 1) return this.#fail("an invalid byte in a chunk extension");
          break;
        case SIZE_LF:
          if (c !== LF) return this.#fail("a chunk-size line does not end in CRLF");
          this.#lineBytes = 0;
          this.#digits = 0;
          if (this.#remaining === 0) {
            this.#state = TRAILERS;
            this.#trailerParser.begin();
          } else this.#state = DATA;
          break;
        case DATA_CR:
          if (c !== CR) return this.#fail("chunk data is not followed by CRLF");
          this.#state = DATA_LF;
          break;
        case DATA_LF:
          if (c !== LF) return this.#fail("chunk data is not followed by CRLF");
          this.#state = SIZE;
          break;
        default:
          return i - 1 - start;
      }
    }
    return i - start;
  }
}
