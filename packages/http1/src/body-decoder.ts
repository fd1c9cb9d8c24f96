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

/**
 * Where the chunked decoder is: in a chunk-size line (`size`, whitespace after it `size-ws`, an
 * `extension`, awaiting its LF `size-lf`), in chunk `data`, in the CRLF after it (`data-cr`,
 * `data-lf`), in the `trailers`, or `finished`.
 */
type ChunkState =
  | "size"
  | "size-ws"
  | "extension"
  | "size-lf"
  | "data"
  | "data-cr"
  | "data-lf"
  | "trailers"
  | "finished";

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
  readonly #limits: HeadLimits;
  /** Made at the first chunked body's end, so a connection that never sees one holds no trailer parser. */
  #trailerParser: HeadParser<"trailers"> | undefined;
  #framing: BodyFraming = "none";
  #remaining = 0;
  #state: ChunkState = "size";
  #lineBytes = 0;
  #digits = 0;

  /** Set once the body is complete. */
  done = true;
  /** Set when the body is malformed; nothing more is consumed. */
  error: HttpParseError | null = null;
  /** Trailer fields of a chunked body, once complete. */
  trailers: HeaderList = EMPTY_HEADERS;

  constructor(limits: HeadLimits) {
    this.#limits = limits;
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
    this.#state = "size";
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
      if (state === "data") {
        const n = Math.min(end - i, this.#remaining);
        this.#remaining -= n;
        if (this.#remaining === 0) this.#state = "data-cr";
        sink.bodyData(bytes, i, i + n);
        i += n;
        continue;
      }
      if (state === "trailers") {
        const parser = this.#trailerParser as HeadParser<"trailers">; // made on entering "trailers"
        const n = parser.parse(bytes, i, end);
        i += n;
        if (parser.error) {
          this.error = parser.error;
          return i - start;
        }
        if (!parser.done) return i - start;
        this.trailers = parser.take();
        this.#state = "finished";
        this.done = true;
        return i - start;
      }
      const c = bytes[i] as number;
      i++;
      if (state === "size" || state === "size-ws" || state === "extension") {
        if (++this.#lineBytes > MAX_CHUNK_LINE) return this.#fail("a chunk-size line is too long");
      }
      switch (state) {
        case "size": {
          const hex = HEX_VALUE[c] as number;
          if (hex !== 0) {
            if (++this.#digits > MAX_CHUNK_DIGITS) return this.#fail("a chunk size is too large");
            this.#remaining = this.#remaining * 16 + hex - 1;
          } else if (this.#digits === 0) {
            return this.#fail("a chunk size is not hexadecimal");
          } else if (c === CR) this.#state = "size-lf";
          else if (c === SEMICOLON) this.#state = "extension";
          else if (c === SP || c === HTAB) this.#state = "size-ws";
          else return this.#fail("a chunk size is not hexadecimal");
          break;
        }
        case "size-ws":
          // BWS before a chunk extension.
          if (c === SEMICOLON) this.#state = "extension";
          else if (c !== SP && c !== HTAB) return this.#fail("whitespace after a chunk size not followed by ';'");
          break;
        case "extension":
          // Extensions are ignored, but must be field-value bytes: no CTLs, no bare CR or LF.
          if (c === CR) this.#state = "size-lf";
          else if (FIELD_VALUE[c] !== 1) return this.#fail("an invalid byte in a chunk extension");
          break;
        case "size-lf":
          if (c !== LF) return this.#fail("a chunk-size line does not end in CRLF");
          this.#lineBytes = 0;
          this.#digits = 0;
          if (this.#remaining === 0) {
            this.#state = "trailers";
            if (this.#trailerParser) this.#trailerParser.begin();
            else this.#trailerParser = new HeadParser("trailers", this.#limits);
          } else this.#state = "data";
          break;
        case "data-cr":
          if (c !== CR) return this.#fail("chunk data is not followed by CRLF");
          this.#state = "data-lf";
          break;
        case "data-lf":
          if (c !== LF) return this.#fail("chunk data is not followed by CRLF");
          this.#state = "size";
          break;
        case "finished":
          // Never decoded ("done" is set); "data" and "trailers" are handled above the switch.
          return i - 1 - start;
      }
    }
    return i - start;
  }
}
