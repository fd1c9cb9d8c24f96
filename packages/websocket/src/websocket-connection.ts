import {
  type Clock,
  type Connection,
  ConnectionClosedError,
  concatBytes,
  Deferred,
  OutputQueue,
  PendingResume,
  type ReadOperation,
  TimeoutError,
  type WriteOperation,
  type WriteResult,
} from "@sansio/runtime-api";
import { type CloseInfo, encodeClosePayload, parseClosePayload } from "./close-payload.js";
import { MessageCompressor, MessageDecompressor } from "./deflate.js";
import type { DeflateParams } from "./deflate-params.js";
import { CloseCode, WebSocketError } from "./errors.js";
import { Opcode, RSV1 } from "./frame-header.js";
import { FrameReader, type FrameSink, type MessageType } from "./frame-reader.js";
import type { Role } from "./frame-rules.js";
import { FrameSkipper } from "./frame-skipper.js";
import { FrameWriter } from "./frame-writer.js";
import { MessageStream } from "./message-stream.js";
import { type ResolvedOptions, resolveOptions, type WebSocketOptions } from "./options.js";

/** A whole incoming message. */
export type Message =
  | { readonly type: "text"; readonly data: string }
  | { readonly type: "binary"; readonly data: Uint8Array };

/** How the connection ended: the close code and reason, whether the close handshake completed, and the error if one ended it. */
export interface CloseEvent extends CloseInfo {
  /** True when both close frames were exchanged. */
  readonly wasClean: boolean;
  /** What ended the connection, when it was not a clean close: a `WebSocketError`, `TimeoutError`, `ConnectionLostError`... */
  readonly error?: unknown;
}

/** `open`: messages flow; `closing`: a close frame was sent or received, the handshake is finishing; `closed`: done. */
export type ReadyState = "open" | "closing" | "closed";

/** What a {@link WebSocketConnection} needs besides options: set by the handshake. */
export interface WebSocketSetup {
  /** Which side this endpoint is (servers read masked frames, clients send them). */
  readonly role: Role;
  /** The negotiated subprotocol, or "". */
  readonly protocol?: string;
  /** The negotiated `Sec-WebSocket-Extensions` value, or "". */
  readonly extensions?: string;
  /** The negotiated permessage-deflate parameters, or null. */
  readonly deflate?: DeflateParams | null;
}

/** A message being sent in fragments (see {@link WebSocketConnection.stream}). */
export interface MessageWriter {
  /** Sends `chunk` as the next fragment (text is sent as UTF-8). Resolves when the output is below the high-water mark. */
  write(chunk: Uint8Array | string): Promise<void>;
  /** Sends the last fragment (possibly empty) and ends the message. */
  end(chunk?: Uint8Array | string): Promise<void>;
}

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder();
const EMPTY = new Uint8Array(0);

/** Below this many bytes a message is not worth compressing. */
const DEFAULT_COMPRESS_THRESHOLD = 64;

type Queued = Message | MessageStream;

/** Most bytes a failed connection drops while lingering before it closes anyway. */
export const LINGER_LIMIT = 16 * 1024 * 1024;

/** A failed connection's read side, lingering: what it dropped, until when (with a clock), and the frame boundaries. */
interface Linger {
  readonly skipper: FrameSkipper;
  dropped: number;
  readonly until: number | undefined;
}

/**
 * Where the close handshake is: `open` (no close frame either way); `closing` (our close frame is queued,
 * or the peer stopped reading, and the peer's close is awaited); `closed` (the connection ended and
 * `closed` settled; our last close frame may still be being written).
 */
type Phase = ReadyState;

/**
 * The read side: `reading` frames; `awaiting-eof`, a client after the close handshake, discarding input
 * while it waits for the server to close the TCP connection first (RFC 6455 §7.1.1), at most
 * `closeTimeout`; `lingering`, after we failed the connection: our close frame is out and the peer's
 * input is dropped (so closing does not reset the connection and destroy that frame) until the peer's
 * close frame or EOF, {@link LINGER_LIMIT} bytes, or `closeTimeout`; `done` (the close handshake, EOF,
 * the end of lingering or an abort ended it).
 */
type InputState = "reading" | "awaiting-eof" | "lingering" | "done";

/**
 * An open WebSocket (RFC 6455) as a sans-IO {@link Connection}: the handshake is done (see
 * `acceptWebSocket` / `connectWebSocket`), this speaks frames. Send with {@link send} or {@link stream};
 * receive with `onmessage`, the async iterator, or (option `streamMessages`) `onstream` / {@link streams}.
 * Pings are answered, the close handshake is run with a timeout, and optional keep-alive pings are sent
 * through the driver's timers.
 */
export class WebSocketConnection implements Connection, AsyncIterable<Message> {
  /** Which side this endpoint is. */
  readonly role: Role;
  /** The negotiated subprotocol, or "". */
  readonly protocol: string;
  /** The negotiated extensions, or "". */
  readonly extensions: string;
  /** Told about each ping received (a pong is sent automatically). */
  onping: ((payload: Uint8Array) => void) | undefined;
  /** Told about each pong received. */
  onpong: ((payload: Uint8Array) => void) | undefined;
  /** Told about an error thrown by one of the callbacks above. Default: `console.error`. */
  onerror: ((error: unknown) => void) | undefined;
  /** Settles (never rejects) once the connection has ended. */
  readonly closed: Promise<CloseEvent>;

  readonly #options: ResolvedOptions;
  readonly #reader: FrameReader;
  readonly #writer: FrameWriter;
  readonly #output: OutputQueue;
  readonly #compressor: MessageCompressor | null;
  readonly #compressThreshold: number;
  #resolveClosed!: (event: CloseEvent) => void;
  #phase: Phase = "open";
  #input: InputState = "reading";
  #clock: Clock | undefined;
  readonly #readResume = new PendingResume();
  #pendingPong: Uint8Array | null = null;
  #closeDeadline: number | undefined;
  /** A client in `awaiting-eof` closes its side itself at this time. */
  #eofDeadline: number | undefined;
  /** Set while `#input` is `lingering`. */
  #linger: Linger | null = null;
  #nextPing: number | undefined;
  #pongDeadline: number | undefined;
  /** Incoming: the whole message being gathered, or the stream being fed. */
  #gathering: { type: MessageType; chunks: Uint8Array[] } | null = null;
  #stream: MessageStream | null = null;
  /** Incoming messages (or streams) not yet taken by the iterator. */
  #inbox: Queued[] = [];
  #inboxBytes = 0;
  #inboxWaiters: Array<() => void> = [];
  #onmessage: ((message: Message) => void) | undefined;
  #onstream: ((stream: MessageStream) => void) | undefined;
  #onclose: ((event: CloseEvent) => void) | undefined;
  /** How the connection ended, once `#phase` is `closed`. */
  #event: CloseEvent | undefined;
  /** Outgoing: the message being streamed, and data frames queued behind it. */
  #streaming = false;
  #deferred: Array<string | Uint8Array> = [];

  constructor(setup: WebSocketSetup, options: WebSocketOptions = {}) {
    this.role = setup.role;
    this.protocol = setup.protocol ?? "";
    this.extensions = setup.extensions ?? "";
    const resolved = resolveOptions(options);
    this.#options = resolved;
    this.closed = new Promise((resolve) => {
      this.#resolveClosed = resolve;
    });
    const deflate = setup.deflate ?? null;
    const server = setup.role === "server";
    let decompressor: MessageDecompressor | null = null;
    let compressor: MessageCompressor | null = null;
    if (deflate !== null) {
      decompressor = new MessageDecompressor({
        contextTakeover: !(server ? deflate.clientNoContextTakeover : deflate.serverNoContextTakeover),
      });
      // fflate always uses a 32 KiB window: when the peer asked for a smaller one, send uncompressed.
      const ourWindow = server ? deflate.serverMaxWindowBits : deflate.clientMaxWindowBits;
      if (ourWindow === 15) {
        compressor = new MessageCompressor({
          level: resolved.deflate?.level ?? 6,
          contextTakeover: !(server ? deflate.serverNoContextTakeover : deflate.clientNoContextTakeover),
        });
      }
    }
    this.#compressor = compressor;
    this.#compressThreshold = resolved.deflate?.threshold ?? DEFAULT_COMPRESS_THRESHOLD;
    this.#reader = new FrameReader(
      {
        role: setup.role,
        decompressor,
        maxFrameSize: resolved.maxFrameSize,
        maxMessageSize: resolved.maxMessageSize,
        maxFragments: resolved.maxFragments,
      },
      this.#sink(),
    );
    this.#writer = new FrameWriter(!server);
    this.#output = new OutputQueue({ highWaterMark: resolved.highWaterMark });
  }

  // ---- the message API ------------------------------------------------------------------------

  /**
   * Told about each whole incoming message; while it is set, messages are not queued for the iterator.
   * Messages that arrived before it was set (e.g. right after the handshake, before `acceptWebSocket`'s
   * caller got the connection) are handed to it first, in order.
   */
  get onmessage(): ((message: Message) => void) | undefined {
    return this.#onmessage;
  }
  set onmessage(handler: ((message: Message) => void) | undefined) {
    this.#onmessage = handler;
    if (handler) this.#drainInbox();
  }

  /** Told once when the connection ends (also through {@link closed}); at once when set after it ended. */
  get onclose(): ((event: CloseEvent) => void) | undefined {
    return this.#onclose;
  }
  set onclose(handler: ((event: CloseEvent) => void) | undefined) {
    this.#onclose = handler;
    if (handler && this.#event !== undefined) this.#callback(handler, this.#event);
  }

  /** With `streamMessages`: told about each incoming message as it begins (earlier ones first, as for `onmessage`). */
  get onstream(): ((stream: MessageStream) => void) | undefined {
    return this.#onstream;
  }
  set onstream(handler: ((stream: MessageStream) => void) | undefined) {
    this.#onstream = handler;
    if (handler) this.#drainInbox();
  }

  /** `open`, `closing` or `closed`. */
  get readyState(): ReadyState {
    return this.#phase;
  }

  /** Outgoing bytes queued and not yet written. */
  get bufferedAmount(): number {
    return this.#output.bytes;
  }

  /**
   * Sends a message: a string as text, bytes as binary. On the server side, bytes of 16 KiB and more
   * are sent without copying (do not change them afterwards). Resolves at once, or once queued output
   * that reached `highWaterMark` is down to half of it (await it for backpressure); rejects with
   * `ConnectionClosedError` when the connection is closing or closed (pre-handled: not awaiting is safe).
   */
  send(data: string | Uint8Array): Promise<void> {
    if (this.readyState !== "open") return rejected(new ConnectionClosedError("send(): the WebSocket is not open"));
    // Behind a streamed message, the message waits unencoded: compressing it now would feed the
    // compressor's window out of wire order.
    if (this.#streaming) this.#deferred.push(data);
    else this.#push(this.#messageFrame(data));
    return this.#output.drained();
  }

  /** The frame of a whole message (compressed when negotiated and worth it). */
  #messageFrame(data: string | Uint8Array): Uint8Array[] {
    const text = typeof data === "string";
    const payload = text ? utf8Encoder.encode(data) : data;
    const compress = this.#compressor !== null && payload.length >= this.#compressThreshold;
    return this.#writer.frame(
      text ? Opcode.Text : Opcode.Binary,
      compress ? (this.#compressor as MessageCompressor).compress(payload, true) : payload,
      true,
      compress ? RSV1 : 0,
    );
  }

  /**
   * Starts a message sent in fragments, for messages too large to hold whole: each `write` is one frame.
   * Other `send()` calls wait behind it (control frames do not). Only one stream at a time: a second
   * throws until the first ended.
   */
  stream(type: MessageType = "binary"): MessageWriter {
    if (this.#streaming) throw new Error("stream(): another message is being streamed");
    if (this.readyState !== "open") throw new ConnectionClosedError("stream(): the WebSocket is not open");
    this.#streaming = true;
    const compressor = this.#compressor;
    let first = true;
    let done = false;
    const fragment = (chunk: Uint8Array | string, fin: boolean): Promise<void> => {
      if (done) return rejected(new Error("the message was already ended"));
      if (fin) done = true;
      if (this.readyState !== "open") return rejected(new ConnectionClosedError("the WebSocket is not open"));
      const bytes = typeof chunk === "string" ? utf8Encoder.encode(chunk) : chunk;
      const opcode = first ? (type === "text" ? Opcode.Text : Opcode.Binary) : Opcode.Continuation;
      const payload = compressor !== null ? compressor.compress(bytes, fin) : bytes;
      this.#push(this.#writer.frame(opcode, payload, fin, first && compressor !== null ? RSV1 : 0));
      first = false;
      if (fin) this.#endStream();
      return this.#output.drained();
    };
    return {
      write: (chunk) => fragment(chunk, false),
      end: (chunk = EMPTY) => fragment(chunk, true),
    };
  }

  /** Sends a ping (at most 125 bytes of payload). */
  ping(payload: Uint8Array | string = EMPTY): void {
    this.#control(Opcode.Ping, payload);
  }

  /** Sends an unsolicited pong (a one-way heartbeat; pings are answered automatically). */
  pong(payload: Uint8Array | string = EMPTY): void {
    this.#control(Opcode.Pong, payload);
  }

  /**
   * Starts the close handshake with `code` (default: none, read as 1005) and `reason`. The connection
   * ends when the peer answers, or after `closeTimeout`. Throws `RangeError` for a code that may not be
   * sent (1004-1006, 1015, below 1000 or above 4999) or a reason over 123 UTF-8 bytes.
   */
  close(code?: number, reason?: string): void {
    const payload = encodeClosePayload(code, reason);
    if (this.#phase !== "open") return;
    this.#sendClose(payload);
    this.#closeDeadline = this.#clock ? this.#clock.now() + this.#options.closeTimeout : undefined;
  }

  /** The incoming whole messages, in order; ends when the connection ends. (Not with `streamMessages`.) */
  [Symbol.asyncIterator](): AsyncIterator<Message> {
    if (this.#options.streamMessages) throw new TypeError("with streamMessages, use streams()");
    return this.#iterate<Message>();
  }

  /** With `streamMessages`: the incoming messages as streams, in order. Read each before the next arrives. */
  streams(): AsyncIterableIterator<MessageStream> {
    if (!this.#options.streamMessages) throw new TypeError("streams() needs the streamMessages option");
    return this.#iterate<MessageStream>();
  }

  async *#iterate<T extends Queued>(): AsyncIterableIterator<T> {
    for (;;) {
      const next = this.#inbox.shift();
      if (next !== undefined) {
        if (!(next instanceof MessageStream)) this.#inboxBytes -= messageBytes(next);
        this.#wakeReader();
        yield next as T;
        continue;
      }
      if (this.#input !== "reading") return;
      await new Promise<void>((resolve) => {
        this.#inboxWaiters.push(resolve);
      });
    }
  }

  // ---- Connection: input ----------------------------------------------------------------------

  setClock(clock: Clock): void {
    this.#clock = clock;
    const now = clock.now();
    if (this.#options.pingInterval > 0) this.#nextPing = now + this.#options.pingInterval;
    if (this.#phase === "closing" && this.#closeDeadline === undefined) {
      this.#closeDeadline = now + this.#options.closeTimeout;
    }
  }

  nextReadOperation(): ReadOperation {
    if (this.#input !== "reading") return this.#input === "done" ? "close" : "read";
    return this.#paused() ? "yield" : "read";
  }

  read(buffer: Uint8Array, offset: number, length: number): number {
    const end = offset + length;
    if (this.#input === "lingering") {
      this.#dropLingering(buffer, offset, end);
      return length;
    }
    if (this.#input !== "reading") return length; // nothing may follow a close frame: discarded
    try {
      return this.#reader.read(buffer, offset, end);
    } catch (error) {
      this.#fail(error);
      if (this.#linger !== null) this.#dropLingering(buffer, this.#reader.failedAt, end);
      return length;
    }
  }

  readEof(buffer: Uint8Array, offset: number, length: number): number {
    const consumed = this.read(buffer, offset, length);
    if (this.#input === "awaiting-eof") {
      this.#closeOurSide(); // the server closed first, as it should
      return consumed;
    }
    if (this.#input === "lingering") {
      this.#endLinger(); // the peer is done sending: nothing unread is left to reset the connection
      return consumed;
    }
    if (this.#input === "done") return consumed;
    // Paused by backpressure: the rest is offered again once the application caught up.
    if (consumed < length && this.#paused()) return consumed;
    this.#abort(new ConnectionClosedError("the peer closed the connection without a close frame"));
    return consumed;
  }

  yieldReader(resume: () => void): void {
    this.#readResume.register(resume);
    if (this.nextReadOperation() !== "yield") this.#readResume.wake();
  }

  // ---- Connection: output ---------------------------------------------------------------------

  nextWriteOperation(): WriteOperation {
    const pong = this.#pendingPong;
    if (pong !== null) {
      this.#pendingPong = null;
      if (this.#phase === "open") this.#push(this.#writer.frame(Opcode.Pong, pong, true));
    }
    return this.#output.nextWriteOperation();
  }

  reportWriteResult(result: WriteResult): void {
    // A write that was in flight when the output was discarded (abort) has nothing left to account for.
    if (this.#output.state === "gone" && result !== "closed") return;
    this.#output.reportWriteResult(result);
    if (result === "closed" && this.#phase === "open") {
      // The peer stopped reading: nothing more can be said, but what it already sent is still read.
      this.#pendingPong = null;
      this.#phase = "closing";
    }
  }

  yieldWriter(resume: () => void): void {
    if (this.#pendingPong !== null) {
      resume();
      return;
    }
    this.#output.yieldWriter(resume);
  }

  reportError(error: unknown): void {
    this.#abort(error);
  }

  isClosed(): boolean {
    return this.#input === "done" && this.#output.finished;
  }

  /** Graceful end asked by the driver (e.g. the listener is closing): the close handshake with 1001. */
  shutdown(): void {
    if (this.#phase === "open") this.close(CloseCode.GoingAway);
    else if (this.#input === "awaiting-eof") this.#closeOurSide();
    else if (this.#input === "lingering") this.#endLinger();
  }

  // ---- Connection: time -----------------------------------------------------------------------

  nextDeadline(): number | undefined {
    if (this.#phase === "closed") {
      if (this.#input === "lingering") return this.#linger?.until;
      return this.#input === "awaiting-eof" ? this.#eofDeadline : undefined;
    }
    let deadline = this.#closeDeadline;
    for (const candidate of [this.#pongDeadline, this.#phase === "open" ? this.#nextPing : undefined]) {
      if (candidate !== undefined && (deadline === undefined || candidate < deadline)) deadline = candidate;
    }
    return deadline;
  }

  handleTimeout(now: number): void {
    const until = this.#linger?.until;
    if (this.#input === "lingering" && until !== undefined && now >= until) {
      this.#endLinger(); // the peer kept sending: close with what is unread
      return;
    }
    if (this.#input === "awaiting-eof" && this.#eofDeadline !== undefined && now >= this.#eofDeadline) {
      this.#closeOurSide(); // the server did not close the TCP connection: do it from here
      return;
    }
    if (this.#phase === "closed") return;
    if (this.#closeDeadline !== undefined && now >= this.#closeDeadline) {
      this.#abort(new TimeoutError(`the peer did not answer the close frame within ${this.#options.closeTimeout} ms`));
      return;
    }
    if (this.#pongDeadline !== undefined && now >= this.#pongDeadline) {
      this.#fail(
        new TimeoutError(`no pong within ${this.#options.pongTimeout} ms of a keep-alive ping`),
        CloseCode.InternalError,
        "keepalive ping timeout",
      );
      return;
    }
    if (this.#nextPing !== undefined && now >= this.#nextPing && this.#phase === "open") {
      this.#control(Opcode.Ping, EMPTY);
      this.#nextPing = now + this.#options.pingInterval;
      if (this.#pongDeadline === undefined) this.#pongDeadline = now + this.#options.pongTimeout;
    }
  }

  // ---- internals ------------------------------------------------------------------------------

  #sink(): FrameSink {
    return {
      messageStart: (type) => {
        if (this.#options.streamMessages) {
          const stream = new MessageStream(type, () => this.#wakeReader());
          this.#stream = stream;
          this.#deliver(stream);
        } else {
          this.#gathering = { type, chunks: [] };
        }
      },
      messageData: (chunk) => {
        const stream = this.#stream;
        if (stream !== null) {
          stream.push(chunk);
          return;
        }
        (this.#gathering as { chunks: Uint8Array[] }).chunks.push(chunk);
      },
      messageEnd: () => {
        const stream = this.#stream;
        if (stream !== null) {
          this.#stream = null;
          stream.end();
          return;
        }
        const { type, chunks } = this.#gathering as { type: MessageType; chunks: Uint8Array[] };
        this.#gathering = null;
        const data = joinChunks(chunks);
        this.#deliver(type === "text" ? { type, data: utf8Decoder.decode(data) } : { type, data });
      },
      control: (opcode, payload) => this.#onControl(opcode, payload),
      paused: () => this.#paused(),
    };
  }

  #deliver(item: Queued): void {
    if (this.#inbox.length === 0 && this.#handOver(item)) return;
    this.#inbox.push(item);
    if (!(item instanceof MessageStream)) this.#inboxBytes += messageBytes(item);
    this.#wakeInbox();
  }

  /** Gives `item` to its callback, if one is set. */
  #handOver(item: Queued): boolean {
    if (item instanceof MessageStream) {
      if (!this.#onstream) return false;
      this.#callback(this.#onstream, item);
    } else {
      if (!this.#onmessage) return false;
      this.#callback(this.#onmessage, item);
    }
    return true;
  }

  /** A callback was set: hand it what queued up before, in order. */
  #drainInbox(): void {
    const inbox = this.#inbox;
    while (inbox.length > 0) {
      const item = inbox[0] as Queued;
      if (item instanceof MessageStream ? !this.#onstream : !this.#onmessage) break;
      inbox.shift();
      if (!(item instanceof MessageStream)) this.#inboxBytes -= messageBytes(item);
      this.#handOver(item);
    }
    this.#wakeReader();
  }

  #onControl(opcode: number, payload: Uint8Array): void {
    if (opcode === Opcode.Ping) {
      // Only the latest ping is answered when several arrive before the writer runs (RFC 6455 §5.5.3):
      // a ping flood cannot grow the output.
      if (this.#phase === "open") {
        this.#pendingPong = payload;
        this.#output.wakeWriter();
      }
      if (this.onping) this.#callback(this.onping, payload);
      return;
    }
    if (opcode === Opcode.Pong) {
      this.#pongDeadline = undefined;
      if (this.onpong) this.#callback(this.onpong, payload);
      return;
    }
    // Close.
    const info = parseClosePayload(payload); // throws WebSocketError for a bad payload: read() fails the connection
    if (this.#phase === "open") {
      // Echo the code (RFC 6455 §5.5.1); none when the peer sent none.
      this.#sendClose(info.code === CloseCode.NoStatus ? EMPTY : encodeClosePayload(info.code));
    }
    if (this.#waitsForServer()) {
      this.#input = "awaiting-eof";
      this.#eofDeadline = (this.#clock as Clock).now() + this.#options.closeTimeout;
    } else {
      this.#input = "done";
      this.#output.end();
    }
    this.#finish({ code: info.code, reason: info.reason, wasClean: true });
  }

  #control(opcode: number, payload: Uint8Array | string): void {
    const bytes = typeof payload === "string" ? utf8Encoder.encode(payload) : payload;
    if (bytes.length > 125) throw new RangeError("a control frame payload is at most 125 bytes");
    if (this.#phase !== "open") return;
    this.#push(this.#writer.frame(opcode, bytes, true));
  }

  #sendClose(payload: Uint8Array): void {
    this.#phase = "closing";
    this.#pendingPong = null;
    if (this.#streaming) {
      // A message is half sent: no data frame may follow it, so what waited behind it is dropped.
      this.#streaming = false;
      this.#deferred = [];
    }
    this.#flushDeferred();
    this.#push(this.#writer.frame(Opcode.Close, payload, true));
    // A server closes the TCP connection after its close frame; a client waits for the server to
    // (when it has a clock to bound the wait).
    if (!this.#waitsForServer()) this.#output.end();
  }

  /** A client with a clock leaves closing the TCP connection to the server (RFC 6455 §7.1.1). */
  #waitsForServer(): boolean {
    return this.role === "client" && this.#clock !== undefined && this.#input === "reading";
  }

  /** Ends a client's wait for the server's EOF: send FIN, stop reading. */
  #closeOurSide(): void {
    this.#input = "done";
    this.#eofDeadline = undefined;
    this.#output.end();
    this.#wakeReader();
  }

  #endStream(): void {
    this.#streaming = false;
    this.#flushDeferred();
  }

  #flushDeferred(): void {
    const deferred = this.#deferred;
    this.#deferred = [];
    for (const data of deferred) this.#push(this.#messageFrame(data));
  }

  /** The peer broke the protocol or a limit (or a keep-alive timed out): send a close frame with the code, stop reading. */
  #fail(error: unknown, code?: number, reason = ""): void {
    if (this.#phase === "closed") return;
    const closeCode = code ?? (error instanceof WebSocketError ? error.closeCode : CloseCode.InternalError);
    if (this.#phase === "open") {
      this.#streaming = false;
      this.#deferred = [];
      this.#sendClose(encodeClosePayload(closeCode, reason));
    }
    this.#output.end(); // failing the connection closes our side at once, whichever side we are
    this.#startLinger();
    this.#finish({ code: closeCode, reason, wasClean: false, error });
  }

  /** After failing: read and drop the peer's input, bounded, so that closing does not reset away our close frame. */
  #startLinger(): void {
    if (this.#input !== "reading") return;
    this.#input = "lingering";
    this.#linger = {
      skipper: new FrameSkipper(this.#reader.position),
      dropped: 0,
      until: this.#clock === undefined ? undefined : this.#clock.now() + this.#options.closeTimeout,
    };
  }

  #dropLingering(buffer: Uint8Array, offset: number, end: number): void {
    const linger = this.#linger as Linger;
    linger.dropped += end - offset;
    linger.skipper.skip(buffer, offset, end);
    if (linger.skipper.closeSeen || linger.dropped > LINGER_LIMIT) this.#endLinger();
  }

  #endLinger(): void {
    this.#input = "done";
    this.#linger = null;
    this.#wakeReader();
  }

  /** The connection is gone or given up on (I/O error, EOF without close, close timeout): stop both sides now. */
  #abort(error: unknown): void {
    this.#input = "done";
    this.#linger = null;
    this.#eofDeadline = undefined;
    this.#output.discard(error instanceof ConnectionClosedError ? error : undefined);
    this.#wakeReader();
    this.#finish({ code: CloseCode.Abnormal, reason: "", wasClean: false, error });
  }

  #finish(event: CloseEvent): void {
    if (this.#phase === "closed") return;
    this.#phase = "closed";
    this.#event = event;
    this.#closeDeadline = undefined;
    this.#pongDeadline = undefined;
    this.#nextPing = undefined;
    const lost = event.error ?? new ConnectionClosedError("the connection closed in the middle of a message");
    this.#stream?.fail(lost);
    this.#stream = null;
    this.#gathering = null;
    this.#wakeInbox();
    this.#wakeReader();
    this.#resolveClosed(event);
    if (this.#onclose) this.#callback(this.#onclose, event);
  }

  #paused(): boolean {
    if (this.#input !== "reading") return this.#input === "done";
    const limit = this.#options.receiveHighWaterMark;
    if (this.#stream !== null && this.#stream.buffered > limit) return true;
    if (this.#options.streamMessages) {
      // The next message waits until the application took the streams before it.
      return this.#inbox.length > 0 && this.#stream === null;
    }
    return this.#inboxBytes > limit;
  }

  #wakeReader(): void {
    if (this.#input === "done" || !this.#paused()) this.#readResume.wake();
  }

  /** Queues the iovecs of one frame. */
  #push(frame: readonly Uint8Array[]): void {
    for (const chunk of frame) this.#output.write(chunk);
  }

  #wakeInbox(): void {
    const waiters = this.#inboxWaiters;
    if (waiters.length === 0) return;
    this.#inboxWaiters = [];
    for (const waiter of waiters) waiter();
  }

  #callback<T>(callback: (value: T) => void, value: T): void {
    try {
      callback(value);
    } catch (error) {
      try {
        if (this.onerror) this.onerror(error);
        else console.error("WebSocket callback failed:", error);
      } catch {
        // Nothing more can be done with an error from the error handler.
      }
    }
  }
}

/** A message's size for the receive high-water mark (UTF-16 units for text: close enough, and free). */
/** A rejected promise whose rejection is already handled (not awaiting it is safe). */
function rejected(error: unknown): Promise<never> {
  const failed = new Deferred<never>();
  failed.reject(error);
  return failed.promise;
}

function messageBytes(message: Message): number {
  return message.data.length;
}

/** The chunks as one array (the chunk itself when there is one: no copy). */
function joinChunks(chunks: readonly Uint8Array[]): Uint8Array {
  return chunks.length === 1 ? (chunks[0] as Uint8Array) : concatBytes(chunks);
}
