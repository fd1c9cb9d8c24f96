import { Deflate, Inflate } from "fflate";
import { CloseCode, WebSocketError } from "./errors.js";

/** The four bytes a sync flush ends with; RFC 7692 §7.2.1 strips them from each message. */
const SYNC_TAIL = new Uint8Array([0x00, 0x00, 0xff, 0xff]);

/** Compressed input is fed to the inflater in slices this big, so one slice inflates to at most ~4 MiB (deflate's ratio is at most 1032:1). */
const INFLATE_SLICE = 4096;

/**
 * fflate's streaming deflate state (private in its types): `i` is where unprocessed input starts in its
 * buffer, `w` the wait index, `z` the end of the input, `r` the partial last output byte and its bit
 * count, `l` "last block"; its hash tables are created when missing.
 */
interface DeflateInternals {
  s: { l: number; i: number; w: number; z: number; r?: number };
}

/** An empty, non-final stored block: a whole message or fragment with no data (RFC 7692 §7.2.3.6). */
const EMPTY_BLOCK = new Uint8Array([0x00, 0x00, 0x00, 0xff, 0xff]);

/**
 * Compresses the messages of one direction (RFC 7692 §7.2.1) with fflate. With context takeover the
 * LZ77 window carries from message to message; without, each message starts fresh.
 *
 * Two defects of fflate 0.8's streaming `Deflate` are worked around here, through its private state
 * (the tests check every output against zlib):
 * - `flush(true)` writes its empty stored block at a wrong bit offset when the last byte is partial, so
 *   this class ends each message with `flush(false)` and writes the empty stored block itself;
 * - a fresh stream starts its input 32 KiB into its buffer and may emit matches reaching back into the
 *   zeros before it ("invalid distance too far back" for zlib), so each fresh stream starts at 0.
 */
export class MessageCompressor {
  readonly #level: number;
  readonly #takeover: boolean;
  #deflate: Deflate | null = null;
  #output: Uint8Array[] = [];
  /** The next message starts a new deflate stream. */
  #fresh = true;

  constructor(options: { level: number; contextTakeover: boolean }) {
    this.#level = options.level;
    this.#takeover = options.contextTakeover;
  }

  /**
   * Compresses one fragment of a message (or a whole message with `fin`). The result is the frame
   * payload: for the last fragment without the trailing `00 00 ff ff`.
   */
  compress(data: Uint8Array, fin: boolean): Uint8Array {
    if (data.length === 0) {
      if (fin && !this.#takeover) this.#fresh = true;
      return fin ? EMPTY_BLOCK.subarray(0, 1) : EMPTY_BLOCK.slice();
    }
    let deflate = this.#deflate;
    if (deflate === null) {
      deflate = new Deflate({ level: this.#level as 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 }, (chunk) => {
        if (chunk.length > 0) this.#output.push(chunk);
      });
      this.#deflate = deflate;
      this.#fresh = true;
    }
    const internals = deflate as unknown as DeflateInternals;
    if (this.#fresh) {
      // A new stream: input starts at the beginning of the buffer, with new hash tables.
      internals.s = { l: 0, i: 0, w: 0, z: 0 };
      this.#fresh = false;
    }
    deflate.push(data);
    deflate.flush(false);
    const state = internals.s;
    const r = state.r ?? 0;
    const bits = r & 7;
    const partial = r >>> 3;
    state.r = 0;
    // An empty stored block (BFINAL 0, BTYPE 00: three zero bits) after the last partial byte, then
    // LEN 0000 and NLEN ffff on the next byte boundary.
    const head = bits > 5 ? [partial, 0] : [partial];
    const parts = this.#output;
    this.#output = [];
    let total = fin ? head.length : head.length + 4;
    for (const part of parts) total += part.length;
    const result = new Uint8Array(total);
    let p = 0;
    for (const part of parts) {
      result.set(part, p);
      p += part.length;
    }
    for (const byte of head) result[p++] = byte;
    if (!fin) result.set(SYNC_TAIL, p);
    if (fin && !this.#takeover) this.#fresh = true;
    return result;
  }
}

/**
 * Decompresses the messages of one direction (RFC 7692 §7.2.2) with fflate, refusing to produce more
 * than `limit` bytes per message (a deflate bomb is stopped after at most one slice's worth of output).
 */
export class MessageDecompressor {
  readonly #takeover: boolean;
  #inflate: Inflate | null = null;
  #chunks: Uint8Array[] = [];
  #produced = 0;
  #limit = 0;
  #ended = false;

  constructor(options: { contextTakeover: boolean }) {
    this.#takeover = options.contextTakeover;
  }

  /** Starts a message that may inflate to at most `limit` bytes. */
  begin(limit: number): void {
    this.#limit = limit;
    this.#produced = 0;
    if (this.#inflate === null || !this.#takeover || this.#ended) {
      this.#ended = false;
      this.#inflate = new Inflate((chunk, final) => {
        if (final) this.#ended = true;
        if (chunk.length === 0) return;
        this.#produced += chunk.length;
        this.#chunks.push(chunk);
        if (this.#produced > this.#limit) {
          throw new WebSocketError(
            "message-too-large",
            `a compressed message inflates past ${this.#limit} bytes`,
            CloseCode.MessageTooBig,
          );
        }
      });
    }
  }

  /**
   * Inflates compressed payload bytes; with `fin`, also the end of the message. Returns the output
   * produced (its chunks are fresh arrays). Throws {@link WebSocketError}: 1009 past the limit, 1007 for
   * data that is not valid deflate.
   */
  push(data: Uint8Array, fin: boolean): Uint8Array[] {
    const inflate = this.#inflate;
    if (inflate === null) throw new Error("MessageDecompressor.push before begin");
    try {
      for (let p = 0; p < data.length; p += INFLATE_SLICE) {
        inflate.push(data.subarray(p, Math.min(data.length, p + INFLATE_SLICE)));
      }
      if (fin && !this.#ended) inflate.push(SYNC_TAIL);
    } catch (error) {
      this.#chunks = [];
      this.#inflate = null;
      if (error instanceof WebSocketError) throw error;
      throw new WebSocketError(
        "bad-compression",
        `the compressed message is not valid deflate data: ${(error as Error).message}`,
        CloseCode.InvalidPayload,
      );
    }
    const chunks = this.#chunks;
    this.#chunks = [];
    return chunks;
  }
}
