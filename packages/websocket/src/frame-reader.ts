import type { MessageDecompressor } from "./deflate.js";
import { CloseCode, WebSocketError } from "./errors.js";
import { type FrameHeader, isControl, Opcode, parseFrameHeader, RSV1 } from "./frame-header.js";
import { checkFrame, type Role } from "./frame-rules.js";
import { maskInPlace } from "./mask.js";
import { Utf8Validator } from "./utf8.js";

/** The two kinds of data message. */
export type MessageType = "text" | "binary";

/** Where a {@link FrameReader} delivers what it read. */
export interface FrameSink {
  /** A data message begins. */
  messageStart(type: MessageType): void;
  /** Payload of the current message: unmasked, inflated, and for text checked UTF-8 so far. The chunk is the sink's to keep. */
  messageData(chunk: Uint8Array): void;
  /** The current message is complete (for text: it ended on a character boundary). */
  messageEnd(): void;
  /** A complete control frame (close, ping or pong) with its unmasked payload (the sink's to keep). */
  control(opcode: number, payload: Uint8Array): void;
  /** True when the reader must stop before the next frame or payload piece (backpressure, or a close frame arrived). */
  paused(): boolean;
}

/** Limits a {@link FrameReader} enforces. */
export interface FrameLimits {
  /** Largest frame payload on the wire. */
  readonly maxFrameSize: number;
  /** Largest message, counted after inflating. */
  readonly maxMessageSize: number;
  /** Most frames in one message. */
  readonly maxFragments: number;
}

/** Options of a {@link FrameReader}. */
export interface FrameReaderOptions extends FrameLimits {
  readonly role: Role;
  /** The inflater of the negotiated permessage-deflate, or null when it was not negotiated. */
  readonly decompressor: MessageDecompressor | null;
}

const HEADER = 0;
const DATA = 1;
const CONTROL = 2;
const FAILED = 3;
type ReaderState = typeof HEADER | typeof DATA | typeof CONTROL | typeof FAILED;

/** The message under way, or none. */
interface MessageState {
  readonly type: MessageType;
  readonly compressed: boolean;
  fragments: number;
  bytes: number;
}

const EMPTY = new Uint8Array(0);

/** Where a {@link FrameReader} is in the frame stream, for a `FrameSkipper` to take over from it. */
export interface FramePosition {
  /** Payload bytes of the current frame not yet read. */
  readonly payloadLeft: number;
  /** The start of a header split across reads, or empty. */
  readonly partialHeader: Uint8Array;
}

/**
 * A pull parser for the frames of one direction (RFC 6455 §5): offer it bytes at any chunk boundary
 * and it consumes what it can, delivering messages and control frames to a {@link FrameSink}. It checks
 * every rule and limit as early as possible (a frame over the limit is refused at its header, bad UTF-8
 * at the first bad byte) and throws {@link WebSocketError} with the close code to send.
 */
export class FrameReader {
  readonly #options: FrameReaderOptions;
  readonly #sink: FrameSink;
  readonly #utf8 = new Utf8Validator();
  readonly #scratch = new Uint8Array(14);
  #scratchLength = 0;
  #state: ReaderState = HEADER;
  #header: FrameHeader | null = null;
  /** Payload bytes of the current frame still to read. */
  #remaining = 0;
  /** Mask phase at the next payload byte. */
  #phase = 0;
  #message: MessageState | null = null;
  /** The payload of the control frame being read. */
  #control: Uint8Array = EMPTY;
  #controlLength = 0;
  /** Index (in the bytes of the current `read`) up to which input is accounted for. */
  #cursor = 0;
  /** True while a header is being parsed: a failure then leaves the frame boundaries unknown. */
  #parsingHeader = false;
  /** After a failure: where the input stopped and the frame boundaries at that point (null: unknown). */
  #failure: { readonly at: number; readonly position: FramePosition | null } | null = null;

  constructor(options: FrameReaderOptions, sink: FrameSink) {
    this.#options = options;
    this.#sink = sink;
  }

  /** True while a frame or a fragmented message is partly read. */
  get midMessage(): boolean {
    return this.#message !== null || this.#state !== HEADER || this.#scratchLength > 0;
  }

  /**
   * Where the frame stream stands: between reads, or (after a failure) just past the bytes the failing
   * step took. Null when the failure left the frame boundaries unknown.
   */
  get position(): FramePosition | null {
    if (this.#failure !== null) return this.#failure.position;
    if (this.#state === HEADER) {
      return { payloadLeft: 0, partialHeader: this.#scratch.slice(0, this.#scratchLength) };
    }
    return { payloadLeft: this.#remaining, partialHeader: EMPTY };
  }

  /** After `read` threw: the index in its bytes where the input not yet accounted for begins. */
  get failedAt(): number {
    return this.#failure?.at ?? 0;
  }

  /** Consumes bytes from `bytes[offset..end)`; returns how many. Throws {@link WebSocketError}; after that, every call throws. */
  read(bytes: Uint8Array, offset: number, end: number): number {
    if (this.#state === FAILED) throw new Error("FrameReader.read after a failure");
    try {
      return this.#read(bytes, offset, end);
    } catch (error) {
      const position = this.#parsingHeader ? null : { payloadLeft: this.#remaining, partialHeader: EMPTY };
      this.#failure = { at: this.#cursor, position };
      this.#state = FAILED;
      throw error;
    }
  }

  #read(bytes: Uint8Array, offset: number, end: number): number {
    let pos = offset;
    this.#cursor = pos;
    const sink = this.#sink;
    while (pos < end && !sink.paused()) {
      if (this.#state === HEADER) {
        pos += this.#readHeader(bytes, pos, end);
      } else if (this.#state === DATA) {
        pos += this.#readData(bytes, pos, end);
      } else {
        pos += this.#readControl(bytes, pos, end);
      }
    }
    // A zero-length frame completes without payload bytes: finish it even at the end of the input.
    this.#cursor = pos;
    if (this.#state !== HEADER && this.#remaining === 0 && !sink.paused()) this.#finishFrame();
    return pos - offset;
  }

  #readHeader(bytes: Uint8Array, pos: number, end: number): number {
    let parsed: ReturnType<typeof parseFrameHeader>;
    let used: number;
    if (this.#scratchLength === 0) {
      parsed = this.#parseHeader(bytes, pos, end);
      if (parsed.kind === "incomplete") {
        const n = end - pos;
        this.#scratch.set(bytes.subarray(pos, end));
        this.#scratchLength = n;
        return n;
      }
      used = parsed.size;
    } else {
      // The header is split across reads: gather it in the scratch buffer, no further than it needs.
      const have = this.#scratchLength;
      const probe = this.#parseHeader(this.#scratch, 0, have);
      const need = probe.kind === "incomplete" ? probe.need : have;
      const take = Math.min(need - have, end - pos);
      this.#scratch.set(bytes.subarray(pos, pos + take), have);
      this.#scratchLength = have + take;
      parsed = this.#parseHeader(this.#scratch, 0, this.#scratchLength);
      if (parsed.kind === "incomplete") return take;
      this.#scratchLength = 0;
      used = take;
    }
    this.#cursor = pos + used;
    this.#remaining = parsed.header.length; // known even when the frame is refused: a skipper can pass it
    this.#startFrame(parsed.header);
    return used;
  }

  #parseHeader(bytes: Uint8Array, offset: number, end: number): ReturnType<typeof parseFrameHeader> {
    this.#parsingHeader = true;
    const parsed = parseFrameHeader(bytes, offset, end);
    this.#parsingHeader = false;
    return parsed;
  }

  #startFrame(header: FrameHeader): void {
    const options = this.#options;
    checkFrame(header, {
      role: options.role,
      compression: options.decompressor !== null,
      inMessage: this.#message !== null,
      maxFrameSize: options.maxFrameSize,
    });
    this.#header = header;
    this.#remaining = header.length;
    this.#phase = 0;
    if (isControl(header.opcode)) {
      this.#state = CONTROL;
      this.#control = header.length === 0 ? EMPTY : new Uint8Array(header.length);
      this.#controlLength = 0;
      return;
    }
    this.#state = DATA;
    let message = this.#message;
    if (message === null) {
      const compressed = (header.rsv & RSV1) !== 0;
      message = { type: header.opcode === Opcode.Text ? "text" : "binary", compressed, fragments: 0, bytes: 0 };
      this.#message = message;
      this.#utf8.reset();
      if (compressed) (options.decompressor as MessageDecompressor).begin(options.maxMessageSize);
      this.#sink.messageStart(message.type);
    }
    message.fragments++;
    if (message.fragments > options.maxFragments) {
      throw new WebSocketError(
        "too-many-fragments",
        `a message in more than ${options.maxFragments} frames`,
        CloseCode.MessageTooBig,
      );
    }
    if (!message.compressed && message.bytes + header.length > options.maxMessageSize) {
      throw tooLarge(options.maxMessageSize);
    }
  }

  #readData(bytes: Uint8Array, pos: number, end: number): number {
    const n = Math.min(this.#remaining, end - pos);
    this.#cursor = pos + n;
    const header = this.#header as FrameHeader;
    const chunk = bytes.slice(pos, pos + n);
    if (header.mask !== null) this.#phase = maskInPlace(chunk, 0, n, header.mask, this.#phase);
    this.#remaining -= n;
    const message = this.#message as MessageState;
    const last = this.#remaining === 0 && header.fin;
    if (n > 0) {
      if (message.compressed) {
        const outputs = (this.#options.decompressor as MessageDecompressor).push(chunk, last);
        for (const output of outputs) this.#deliver(message, output);
      } else {
        this.#deliver(message, chunk);
      }
    }
    if (this.#remaining === 0) this.#finishFrame();
    return n;
  }

  #deliver(message: MessageState, chunk: Uint8Array): void {
    message.bytes += chunk.length;
    if (message.bytes > this.#options.maxMessageSize) throw tooLarge(this.#options.maxMessageSize);
    if (message.type === "text") {
      const bad = this.#utf8.feed(chunk, 0, chunk.length);
      if (bad !== -1) {
        throw new WebSocketError(
          "invalid-utf8",
          `a text message is not valid UTF-8 at byte ${message.bytes - chunk.length + bad}`,
          CloseCode.InvalidPayload,
        );
      }
    }
    this.#sink.messageData(chunk);
  }

  #readControl(bytes: Uint8Array, pos: number, end: number): number {
    const n = Math.min(this.#remaining, end - pos);
    this.#cursor = pos + n;
    this.#control.set(bytes.subarray(pos, pos + n), this.#controlLength);
    this.#controlLength += n;
    this.#remaining -= n;
    if (this.#remaining === 0) this.#finishFrame();
    return n;
  }

  #finishFrame(): void {
    const header = this.#header as FrameHeader;
    this.#state = HEADER;
    this.#header = null;
    if (isControl(header.opcode)) {
      const payload = this.#control;
      this.#control = EMPTY;
      if (header.mask !== null) maskInPlace(payload, 0, payload.length, header.mask, 0);
      this.#sink.control(header.opcode, payload);
      return;
    }
    const message = this.#message as MessageState;
    if (header.length === 0 && message.compressed && header.fin) {
      // A compressed message whose last frame is empty: inflate its end now.
      const outputs = (this.#options.decompressor as MessageDecompressor).push(EMPTY, true);
      for (const output of outputs) this.#deliver(message, output);
    }
    if (!header.fin) return;
    if (message.type === "text" && !this.#utf8.complete) {
      throw new WebSocketError(
        "invalid-utf8",
        "a text message ends in the middle of a character",
        CloseCode.InvalidPayload,
      );
    }
    this.#message = null;
    this.#sink.messageEnd();
  }
}

function tooLarge(limit: number): WebSocketError {
  return new WebSocketError("message-too-large", `a message over the limit of ${limit} bytes`, CloseCode.MessageTooBig);
}
