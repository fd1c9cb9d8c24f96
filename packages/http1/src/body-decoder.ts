import { CR, HEX_VALUE, LF } from "./chars.js";
import { EXTENSION_ERROR, type ExtensionState, extensionMayEnd, nextExtensionState } from "./chunk-extension.js";
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
 * Where the chunked decoder is: in a chunk size's digits (`size`), in the rest of the chunk-size line
 * (`extension`, with the grammar's own state beside it), awaiting the line's LF (`size-lf`), in chunk
 * `data`, in the CRLF after it (`data-cr`, `data-lf`), in the `trailers`, or `finished`.
 */
type ChunkState = "size" | "extension" | "size-lf" | "data" | "data-cr" | "data-lf" | "trailers" | "finished";

/** The limits of a body: those of the trailer section (a head), and of chunk extensions. */
export interface BodyLimits extends HeadLimits {
  /** Most bytes of chunk extensions on one chunk-size line (after the size, before the CRLF). Default 4096. */
  readonly maxChunkExtensionBytes?: number;
}

/** Default bound on the chunk extensions of one chunk-size line. */
export const DEFAULT_MAX_CHUNK_EXTENSION_BYTES = 4096;
/** Chunk sizes are at most 13 significant hex digits (below 2^53). */
const MAX_CHUNK_DIGITS = 13;
/** Most digits in a chunk size, leading zeros included. */
const MAX_CHUNK_SIZE_BYTES = 64;

/**
 * Decodes one message body incrementally at any chunk boundary: a fixed Content-Length, the chunked
 * transfer coding (trailers parsed), or everything until the peer
 * closes. Chunk extensions are checked against the RFC 9112 grammar (and bounded) but not kept.
 * Chunk framing is consumed byte by byte, so nothing is buffered; only a partial trailer line
 * is left unconsumed (the driver offers it again).
 */
export class BodyDecoder {
  readonly #limits: HeadLimits;
  readonly #maxExtensionBytes: number;
  /** Made at the first chunked body's end, so a connection that never sees one holds no trailer parser. */
  #trailerParser: HeadParser<"trailers"> | undefined;
  #framing: BodyFraming = "none";
  #remaining = 0;
  #state: ChunkState = "size";
  #extension: ExtensionState = "size-end";
  /** Bytes of the current chunk-size line after the digits. */
  #extensionBytes = 0;
  /** Digits of the current chunk size, and how many of them are significant (after leading zeros). */
  #digits = 0;
  #significant = 0;

  /** Set once the body is complete. */
  done = true;
  /** Set when the body is malformed; nothing more is consumed. */
  error: HttpParseError | null = null;
  /** Trailer fields of a chunked body, once complete. */
  trailers: HeaderList = EMPTY_HEADERS;

  constructor(limits: BodyLimits) {
    this.#limits = limits;
    this.#maxExtensionBytes = limits.maxChunkExtensionBytes ?? DEFAULT_MAX_CHUNK_EXTENSION_BYTES;
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
    this.#digits = 0;
    this.#significant = 0;
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

  #fail(
    message: string,
    code: "bad-chunk" | "bad-chunk-extension" | "chunk-extension-too-large" = "bad-chunk",
  ): number {
    this.error = new HttpParseError(code, message);
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
      switch (state) {
        case "size": {
          const hex = HEX_VALUE[c] as number;
          if (hex !== 0) {
            if (++this.#digits > MAX_CHUNK_SIZE_BYTES) return this.#fail("a chunk size has too many digits");
            if (this.#significant > 0 || hex !== 1) {
              if (++this.#significant > MAX_CHUNK_DIGITS) return this.#fail("a chunk size is too large");
            }
            this.#remaining = this.#remaining * 16 + hex - 1;
          } else if (this.#digits === 0) {
            return this.#fail("a chunk size is not hexadecimal");
          } else if (c === CR) this.#state = "size-lf";
          else {
            this.#state = "extension";
            this.#extensionBytes = 0;
            this.#extension = "size-end";
            i--; // the extension grammar reads this byte
          }
          break;
        }
        case "extension": {
          if (c === CR && extensionMayEnd(this.#extension)) {
            this.#state = "size-lf";
            break;
          }
          if (++this.#extensionBytes > this.#maxExtensionBytes) {
            return this.#fail(
              `the chunk extensions are longer than ${this.#maxExtensionBytes} bytes`,
              "chunk-extension-too-large",
            );
          }
          const next = nextExtensionState(this.#extension, c);
          if (next === EXTENSION_ERROR) {
            if (this.#extension === "size-end") return this.#fail("a chunk size is not hexadecimal");
            return this.#fail("a malformed chunk extension", "bad-chunk-extension");
          }
          this.#extension = next;
          break;
        }
        case "size-lf":
          if (c !== LF) return this.#fail("a chunk-size line does not end in CRLF");
          this.#digits = 0;
          this.#significant = 0;
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
