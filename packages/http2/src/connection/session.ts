import {
  type Clock,
  type Connection,
  ConnectionClosedError,
  Deferred,
  OutputQueue,
  PendingResume,
  type ReadOperation,
  TimeoutError,
  toConnectionLost,
  type WriteOperation,
  type WriteResult,
} from "@sansio/runtime-api";
import { Http2ConnectionError, Http2StreamError } from "../errors.js";
import {
  CONNECTION_PREFACE,
  DEFAULT_INITIAL_WINDOW_SIZE,
  type ErrorCodeName,
  errorCodeName,
  FRAME_HEADER_LENGTH,
} from "../frame/constants.js";
import { connectionError, type Http2ProtocolError, streamError } from "../frame/errors.js";
import type { Frame } from "../frame/frames.js";
import { HeaderBlockAssembler } from "../frame/header-block.js";
import { readFrame, typeName } from "../frame/parse.js";
import {
  goawayFrame,
  headersFrames,
  pingFrame,
  rstStreamFrame,
  settingsAckFrame,
  settingsFrame,
  windowUpdateFrame,
} from "../frame/serialize.js";
import { type DecodedHeaders, HpackDecoder } from "../hpack/decoder.js";
import { HpackEncoder } from "../hpack/encoder.js";
import { ReceiveWindow, SendWindow } from "../state/flow.js";
import { type Http2Settings, INITIAL_SETTINGS, SettingsNegotiation } from "../state/settings.js";
import { isActive, type StreamEvent, streamTransition } from "../state/stream-state.js";
import type { Http2Body } from "./body.js";
import { DataScheduler } from "./data-scheduler.js";
import { Deadlines } from "./deadlines.js";
import { FloodGuard } from "./flood-guard.js";
import { type Http2Options, type ResolvedOptions, resolveOptions } from "./options.js";
import { Http2Stream, type StreamListener } from "./stream.js";

/** Closed streams remembered (so late frames on them get STREAM_CLOSED rather than PROTOCOL_ERROR). */
const RETAINED_CLOSED_STREAMS = 128;
const MAX_STREAM_ID = 0x7fffffff;

/**
 * The part of an HTTP/2 connection both roles share: the preface, the frame loop, HPACK, settings,
 * flow control, PING, GOAWAY, stream bookkeeping and the flood limits. It delegates each decision to
 * the pure pieces (frame parser, stream-state table, windows, settings negotiation) and the output to
 * an `OutputQueue`; the client and server add what their role does with messages.
 */
export abstract class Http2Session implements Connection {
  protected readonly options: ResolvedOptions;
  protected readonly out: OutputQueue;
  protected readonly streams: Map<number, Http2Stream> = new Map();
  protected readonly negotiation: SettingsNegotiation = new SettingsNegotiation();
  private readonly encoder: HpackEncoder;
  private readonly decoder: HpackDecoder;
  private readonly assembler: HeaderBlockAssembler;
  /** The stream and END_STREAM flag of a header block still waiting for CONTINUATION frames. */
  private openBlock = { streamId: 0, endStream: false, promisedStreamId: 0 };
  private readonly connectionSend = new SendWindow(DEFAULT_INITIAL_WINDOW_SIZE);
  private readonly connectionReceive: ReceiveWindow;
  private readonly scheduler: DataScheduler;
  private readonly reader = new PendingResume();
  private readonly closedIds: number[] = [];
  /** Highest stream identifier the peer opened, and we opened. */
  protected lastPeerStreamId = 0;
  protected lastLocalStreamId = 0;
  /** Active streams (open or half closed) opened by the peer, and by us. */
  protected activePeerStreams = 0;
  protected activeLocalStreams = 0;
  protected goawaySent = false;
  protected goawayReceived: { readonly lastStreamId: number; readonly code: ErrorCodeName } | null = null;
  /** Why the connection ended, once it has: new work is refused with it. */
  protected failure: Error | null = null;
  private phase: "preface" | "settings" | "open";
  private readDone = false;
  private clock: Clock | undefined;
  private readonly deadlines: Deadlines;
  private readonly guard: FloodGuard;
  private readonly pings = new Map<string, { readonly sent: number; readonly answer: Deferred<number> }>();
  private pingCounter = 0;
  private readonly initialSettings: string;

  constructor(
    /** True for the server side: it reads the client preface first and opens even stream ids (pushes). */
    private readonly isServer: boolean,
    options: Http2Options,
    localSettings: Partial<Http2Settings>,
  ) {
    const o = resolveOptions(options);
    this.options = o;
    // Small frames (headers, control frames, small DATA) are gathered into few iovecs; large DATA
    // payloads go by reference (they are not changed once queued).
    this.out = new OutputQueue({ highWaterMark: o.writeHighWaterMark });
    this.encoder = new HpackEncoder();
    this.decoder = new HpackDecoder({ maxHeaderListSize: o.maxHeaderListSize, maxStringLength: o.maxHeaderListSize });
    this.assembler = new HeaderBlockAssembler({
      maxContinuations: o.maxContinuations,
      maxBlockBytes: 2 * o.maxHeaderListSize,
    });
    this.connectionReceive = new ReceiveWindow(DEFAULT_INITIAL_WINDOW_SIZE);
    const session = this;
    this.scheduler = new DataScheduler(
      {
        get queued() {
          return session.out.bytes;
        },
        get open() {
          return session.out.state === "open";
        },
        emit: (bytes) => this.emit(bytes),
        maxFrameSize: () => this.negotiation.remote.maxFrameSize,
        trailerFrames: (stream, trailers) =>
          headersFrames(stream.id, this.encoder.encode(trailers), true, this.negotiation.remote.maxFrameSize),
        ended: (stream) => this.sentEnd(stream),
      },
      this.connectionSend,
      o.writeHighWaterMark,
    );
    this.deadlines = new Deadlines(o.settingsTimeout, o.keepAliveInterval, o.keepAliveTimeout);
    this.guard = new FloodGuard(o);
    this.phase = isServer ? "preface" : "settings";

    if (!isServer) this.emit(CONNECTION_PREFACE);
    const wanted: Http2Settings = {
      ...INITIAL_SETTINGS,
      headerTableSize: o.headerTableSize,
      maxConcurrentStreams: o.maxConcurrentStreams,
      initialWindowSize: o.initialWindowSize,
      maxFrameSize: o.maxFrameSize,
      maxHeaderListSize: o.maxHeaderListSize,
      ...localSettings,
    };
    const first = settingsFrame(this.negotiation.send(wanted));
    this.initialSettings = base64url(first.subarray(FRAME_HEADER_LENGTH));
    this.emit(first);
    const grow = this.connectionReceive.grow(o.connectionWindowSize);
    if (grow > 0) this.emit(windowUpdateFrame(0, grow));
  }

  // ---- role hooks ----

  /** The peer opened stream `id` with HEADERS: a listener for it, or null when this role refuses. */
  protected abstract acceptStream(id: number): StreamListener | null;
  /** A stream closed or failed (a slot is free). */
  protected abstract streamEnded(stream: Http2Stream): void;
  /** The connection failed or ended: settle everything not tied to a stream. */
  protected abstract connectionEnded(error: Error): void;
  /** The peer's settings changed (new limits apply). */
  protected remoteSettingsChanged(): void {}
  /** A GOAWAY arrived; the base has recorded it. */
  protected abstract goawayArrived(lastStreamId: number, code: ErrorCodeName): void;
  /** True when nothing is in flight or waiting, so a shut-down connection may close. */
  protected abstract idle(): boolean;

  // ---- Connection: time ----

  setClock(clock: Clock): void {
    this.clock = clock;
    this.deadlines.start(clock.now(), this.negotiation.pending > 0);
  }

  nextDeadline(): number | undefined {
    return this.deadlines.next();
  }

  handleTimeout(now: number): void {
    switch (this.deadlines.due(now)) {
      case "settings-timeout":
        this.fatal(connectionError("SETTINGS_TIMEOUT", "the peer did not acknowledge our SETTINGS in time"));
        return;
      case "keep-alive-ping":
        this.ping().catch(() => {});
        return;
      case "keep-alive-dead": {
        const error = new TimeoutError(
          `no answer from the peer within ${this.options.keepAliveTimeout} ms of a keep-alive PING`,
        );
        this.end(error);
        this.out.discard(error);
        return;
      }
    }
  }

  /** The driver's clock, or 0 when the driver gave none. */
  protected now(): number {
    return this.clock?.now() ?? 0;
  }

  // ---- Connection: read ----

  nextReadOperation(): ReadOperation {
    return this.readDone ? "close" : "read";
  }

  read(buffer: Uint8Array, offset: number, length: number): number {
    return this.consume(buffer, offset, length);
  }

  readEof(buffer: Uint8Array, offset: number, length: number): number {
    const n = this.readDone ? length : this.consume(buffer, offset, length);
    if (!this.readDone) {
      this.readDone = true;
      this.end(new ConnectionClosedError("the peer closed the connection"));
    }
    return n;
  }

  yieldReader(resume: () => void): void {
    this.reader.register(resume);
    if (this.readDone) this.reader.wake();
  }

  // ---- Connection: write ----

  nextWriteOperation(): WriteOperation {
    this.fillData();
    return this.out.nextWriteOperation();
  }

  reportWriteResult(result: WriteResult): void {
    this.out.reportWriteResult(result);
    if (this.out.bytes === 0) this.guard.outputDrained();
    if (result === "closed") {
      this.readDone = true;
      this.end(new ConnectionClosedError("the peer is gone: the connection's output could not be written"));
    }
  }

  yieldWriter(resume: () => void): void {
    this.out.yieldWriter(resume);
  }

  // ---- Connection: lifecycle ----

  reportError(error: unknown): void {
    this.readDone = true;
    this.end(toConnectionLost(error, "HTTP/2 connection"));
    this.out.discard(this.failure ?? undefined);
    this.reader.wake();
  }

  isClosed(): boolean {
    return this.readDone && (this.out.state === "ended" || this.out.state === "gone");
  }

  /** Graceful shutdown: GOAWAY (NO_ERROR), no new streams; those in flight finish, then the connection closes. */
  shutdown(): void {
    if (this.failure !== null) return;
    if (!this.goawaySent) {
      this.goawaySent = true;
      this.emit(goawayFrame(this.lastPeerStreamId, "NO_ERROR"));
    }
    this.closeIfIdle();
  }

  // ---- PING ----

  /**
   * Sends a PING; resolves with the round-trip time in milliseconds (on the driver's clock) when its ACK
   * arrives, rejects if the connection ends first. `payload`: 8 bytes to send (default a counter).
   */
  ping(payload?: Uint8Array): Promise<number> {
    if (this.failure !== null) return Promise.reject(this.failure);
    const bytes = new Uint8Array(8);
    if (payload !== undefined) bytes.set(payload.subarray(0, 8));
    else new DataView(bytes.buffer).setUint32(4, ++this.pingCounter);
    const key = hexKey(bytes);
    const existing = this.pings.get(key);
    if (existing !== undefined) return existing.answer.promise;
    const answer = new Deferred<number>();
    this.pings.set(key, { sent: this.now(), answer });
    this.emit(pingFrame(bytes, false));
    return answer.promise;
  }

  // ---- what the roles call to send ----

  /** A stream we will initiate, not started yet (identifier 0): writes to it are queued. */
  protected createLocalStream(listener: StreamListener): Http2Stream {
    return this.newStream(0, listener);
  }

  /**
   * Gives a created stream the next identifier and the current windows; false once identifiers are
   * exhausted. The caller sends its HEADERS next.
   */
  protected startLocalStream(stream: Http2Stream): boolean {
    const next = this.lastLocalStreamId === 0 ? (this.isServer ? 2 : 1) : this.lastLocalStreamId + 2;
    if (next > MAX_STREAM_ID) return false;
    this.lastLocalStreamId = next;
    stream.id = next;
    stream.sendWindow = new SendWindow(this.negotiation.remote.initialWindowSize);
    stream.receiveWindow = new ReceiveWindow(this.negotiation.local.initialWindowSize);
    this.streams.set(next, stream);
    return true;
  }

  private newStream(id: number, listener: StreamListener): Http2Stream {
    return new Http2Stream(
      id,
      listener,
      this.negotiation.remote.initialWindowSize,
      this.negotiation.local.initialWindowSize,
      this.options.writeHighWaterMark,
    );
  }

  /** The payload of our first SETTINGS frame, base64url-encoded: the `HTTP2-Settings` of an h2c upgrade. */
  get http2SettingsHeader(): string {
    return this.initialSettings;
  }

  /**
   * Client side of an h2c upgrade (RFC 7540 §3.2): the request sent over HTTP/1.1 was answered `101`;
   * it becomes stream 1, half closed (local), whose response arrives over HTTP/2.
   */
  protected adoptUpgradedRequest(listener: StreamListener): Http2Stream {
    const stream = this.newStream(1, listener);
    this.streams.set(1, stream);
    this.lastLocalStreamId = 1;
    stream.headersSent = true;
    stream.endSent = true;
    stream.outgoing.ended = true;
    this.transition(stream, "send_headers");
    this.transition(stream, "send_end_stream");
    return stream;
  }

  /**
   * Takes over a request that arrived over HTTP/1.1 with `Upgrade: h2c` (RFC 7540 §3.2): applies the
   * client's HTTP2-Settings (the 101 acknowledges them) and opens stream 1, half closed (remote), for
   * the response.
   */
  protected adoptUpgradedStream(
    listener: StreamListener,
    settings: readonly { id: number; value: number }[],
  ): Http2Stream {
    const { before, after } = this.negotiation.received(settings);
    if (after.headerTableSize !== before.headerTableSize)
      this.encoder.setPeerMaxDynamicTableSize(after.headerTableSize);
    const stream = this.newStream(1, listener);
    this.streams.set(1, stream);
    this.lastPeerStreamId = 1;
    this.transition(stream, "recv_headers");
    stream.endReceived = true;
    this.transition(stream, "recv_end_stream");
    return stream;
  }

  /** Sends HEADERS (and CONTINUATION) for `stream`, ending our side when `endStream`. */
  protected sendHeaders(stream: Http2Stream, fields: readonly string[], endStream: boolean): void {
    if (this.out.state !== "open" || stream.state === "closed" || stream.headersSent) return;
    const block = this.encoder.encode(fields);
    for (const iovec of headersFrames(stream.id, block, endStream, this.negotiation.remote.maxFrameSize)) {
      this.emit(iovec);
    }
    stream.headersSent = true;
    this.transition(stream, "send_headers");
    if (endStream) {
      stream.endSent = true;
      stream.outgoing.ended = true;
      this.transition(stream, "send_end_stream");
    } else if (stream.outgoing.pending) {
      this.markReady(stream);
    }
  }

  /** Queues body bytes; resolves when the stream's queue is below its high-water mark (backpressure). */
  protected sendData(stream: Http2Stream, chunk: Uint8Array): Promise<void> {
    if (stream.state === "closed" && stream.id !== 0) return stream.outgoing.drained();
    if (stream.endSent || stream.outgoing.ended) return Promise.reject(new ConnectionClosedError("write after end"));
    stream.outgoing.push(chunk);
    this.markReady(stream);
    return stream.outgoing.drained();
  }

  /** Ends our side of the stream after the queued body (and `last`, if given), with trailers if given. */
  protected endData(stream: Http2Stream, trailers: string[] | null, last?: Uint8Array): void {
    if (stream.endSent || stream.outgoing.ended || stream.state === "closed") return;
    if (last !== undefined) stream.outgoing.push(last);
    stream.outgoing.ended = true;
    stream.outgoing.trailers = trailers !== null && trailers.length > 0 ? trailers : null;
    this.markReady(stream);
  }

  /** Resets a stream from our side (cancel, malformed message...). */
  protected resetStream(stream: Http2Stream, code: ErrorCodeName, message: string): void {
    if (stream.state === "idle") {
      this.abandon(stream, new Http2StreamError(code, stream.id, false, false, message));
      return;
    }
    stream.resetSent = true;
    if (stream.state === "closed") {
      // A frame on a stream already closed: tell the peer, nothing is left to settle here.
      this.writeControl(rstStreamFrame(stream.id, code));
      return;
    }
    this.writeControl(rstStreamFrame(stream.id, code));
    this.abandon(stream, new Http2StreamError(code, stream.id, false, false, message));
  }

  /** The body arriving on `stream`: its reads give the peer credit back. */
  protected attachBody(stream: Http2Stream, body: Http2Body): void {
    stream.body = body;
  }

  /** Bytes of `stream`'s body consumed by the application (or dropped): WINDOW_UPDATE as due. */
  protected consumed(stream: Http2Stream, n: number): void {
    if (n <= 0 || this.failure !== null) return;
    const connection = this.connectionReceive.consume(n);
    if (connection > 0) this.emit(windowUpdateFrame(0, connection));
    if (!stream.endReceived && stream.state !== "closed") {
      const increment = stream.receiveWindow.consume(n);
      if (increment > 0) this.emit(windowUpdateFrame(stream.id, increment));
    }
  }

  /** A stream-scoped error of ours: reset the stream with the code, counting toward the reset limit. */
  protected failStream(error: Http2ProtocolError): void {
    const stream = this.streams.get(error.streamId);
    if (!this.guard.reset(this.now())) {
      this.fatal(connectionError("ENHANCE_YOUR_CALM", "too many stream errors caused by the peer"));
      return;
    }
    if (stream === undefined) {
      this.writeControl(rstStreamFrame(error.streamId, error.code));
      return;
    }
    this.resetStream(stream, error.code, error.message);
  }

  // ---- reading frames ----

  private consume(buffer: Uint8Array, offset: number, length: number): number {
    if (length > 0) this.deadlines.heard(this.now());
    const end = offset + length;
    let at = offset;
    if (this.phase === "preface") {
      const n = Math.min(CONNECTION_PREFACE.length, length);
      for (let i = 0; i < n; i++) {
        if (buffer[at + i] !== CONNECTION_PREFACE[i]) {
          this.fatal(connectionError("PROTOCOL_ERROR", "invalid connection preface"));
          return length;
        }
      }
      if (n < CONNECTION_PREFACE.length) return 0;
      at += n;
      this.phase = "settings";
    }
    while (!this.readDone) {
      const result = readFrame(buffer, at, end, this.negotiation.local.maxFrameSize);
      if (result.kind === "incomplete") break;
      at += result.size;
      if (result.kind === "error") {
        if (result.error.scope === "connection" || this.phase !== "open") this.fatal(result.error);
        else {
          const blockError = this.assembler.checkInterleaving("a malformed", result.error.streamId);
          if (blockError !== null) this.fatal(blockError);
          else this.failStream(result.error);
        }
        continue;
      }
      this.frame(result.frame);
    }
    return this.readDone ? length : at - offset;
  }

  private frame(frame: Frame): void {
    if (this.failure !== null) return;
    if (this.phase === "settings") {
      if (frame.type !== "settings" || frame.ack) {
        this.fatal(connectionError("PROTOCOL_ERROR", `the peer's first frame must be SETTINGS, got ${frame.type}`));
        return;
      }
      this.phase = "open";
    }
    if (!this.guard.frame(frame)) {
      this.fatal(
        connectionError("ENHANCE_YOUR_CALM", `more than ${this.options.maxEmptyFrames} empty frames in a row`),
      );
      return;
    }
    if (frame.type !== "continuation") {
      const error = this.assembler.checkInterleaving(
        frame.type.toUpperCase(),
        "streamId" in frame ? frame.streamId : 0,
      );
      if (error !== null) {
        this.fatal(error);
        return;
      }
    }
    switch (frame.type) {
      case "data":
        this.onData(frame.streamId, frame.data, frame.flowLength, frame.endStream);
        return;
      case "headers": {
        this.onHeaderFragment(frame.streamId, frame.fragment, frame.endHeaders, frame.endStream);
        return;
      }
      case "continuation": {
        const step = this.assembler.continue(frame.streamId, frame.fragment, frame.endHeaders);
        if (step.kind === "error") this.fatal(step.error);
        else if (step.kind === "complete")
          this.blockComplete(
            this.openBlock.streamId,
            step.block,
            this.openBlock.endStream,
            this.openBlock.promisedStreamId,
          );
        return;
      }
      case "priority":
        return;
      case "rst_stream":
        this.onRstStream(frame.streamId, frame.errorCode);
        return;
      case "settings":
        this.onSettings(frame.ack, frame.settings);
        return;
      case "push_promise": {
        if (this.isServer || !this.negotiation.local.enablePush) {
          this.fatal(
            connectionError("PROTOCOL_ERROR", this.isServer ? "a client cannot push" : "push was not enabled"),
          );
          return;
        }
        const step = this.assembler.start(frame.streamId, frame.fragment, frame.endHeaders);
        if (step.kind === "error") this.fatal(step.error);
        else if (step.kind === "pending") {
          this.openBlock = { streamId: frame.streamId, endStream: false, promisedStreamId: frame.promisedStreamId };
        } else this.onPushPromise(frame.streamId, frame.promisedStreamId, step.block);
        return;
      }
      case "ping":
        this.onPing(frame.ack, frame.payload);
        return;
      case "goaway":
        this.onGoaway(frame.lastStreamId, frame.errorCode);
        return;
      case "window_update":
        this.onWindowUpdate(frame.streamId, frame.increment);
        return;
      case "unknown":
        return;
    }
  }

  private onHeaderFragment(streamId: number, fragment: Uint8Array, endHeaders: boolean, endStream: boolean): void {
    const step = this.assembler.start(streamId, fragment, endHeaders);
    if (step.kind === "error") this.fatal(step.error);
    else if (step.kind === "pending") this.openBlock = { streamId, endStream, promisedStreamId: 0 };
    else this.onHeaderBlock(streamId, step.block, endStream);
  }

  private blockComplete(streamId: number, block: Uint8Array, endStream: boolean, promisedStreamId: number): void {
    if (promisedStreamId === 0) this.onHeaderBlock(streamId, block, endStream);
    else this.onPushPromise(streamId, promisedStreamId, block);
  }

  /**
   * A PUSH_PROMISE (RFC 9113 §6.6, §8.4): the promised stream becomes reserved (remote); the role
   * accepts it (a listener for the pushed response) or refuses it (RST_STREAM CANCEL).
   */
  private onPushPromise(streamId: number, promisedStreamId: number, block: Uint8Array): void {
    const decoded = this.decodeBlock(block);
    if (decoded === null) return;
    const associated = this.streams.get(streamId);
    if (associated === undefined || (associated.state !== "open" && associated.state !== "half_closed_local")) {
      this.fatal(connectionError("PROTOCOL_ERROR", `PUSH_PROMISE on stream ${streamId}, which is not open`));
      return;
    }
    if (!this.isPeerStream(promisedStreamId) || promisedStreamId <= this.lastPeerStreamId) {
      this.fatal(
        connectionError("PROTOCOL_ERROR", `PUSH_PROMISE of stream ${promisedStreamId}, not a new even stream`),
      );
      return;
    }
    this.lastPeerStreamId = promisedStreamId;
    const listener = decoded.tooLarge ? null : this.acceptPush(streamId, promisedStreamId, decoded.headers);
    const stream = this.newStream(promisedStreamId, listener ?? IGNORED);
    this.streams.set(promisedStreamId, stream);
    this.transition(stream, "recv_push_promise");
    if (listener === null) this.resetStream(stream, "CANCEL", "push refused");
  }

  /** Decodes a header block; HPACK garbage is a connection error COMPRESSION_ERROR (null). */
  private decodeBlock(block: Uint8Array): DecodedHeaders | null {
    try {
      return this.decoder.decode(block);
    } catch (error) {
      this.fatal(connectionError("COMPRESSION_ERROR", (error as Error).message));
      return null;
    }
  }

  /** A pushed response promised on `streamId`: a listener for it, or null to refuse it. Only clients accept. */
  protected acceptPush(_streamId: number, _promisedStreamId: number, _fields: string[]): StreamListener | null {
    return null;
  }

  private onHeaderBlock(streamId: number, block: Uint8Array, endStream: boolean): void {
    const decoded = this.decodeBlock(block);
    if (decoded === null || this.failure !== null) return;
    let stream = this.streams.get(streamId);
    if (stream === undefined) {
      if (!this.isPeerStream(streamId)) {
        if (streamId > this.lastLocalStreamId)
          this.fatal(connectionError("PROTOCOL_ERROR", `HEADERS on idle stream ${streamId}`));
        else this.failStream(streamError("STREAM_CLOSED", streamId, `HEADERS on closed stream ${streamId}`));
        return;
      }
      if (streamId <= this.lastPeerStreamId) {
        this.fatal(connectionError("PROTOCOL_ERROR", `stream ${streamId} is not above ${this.lastPeerStreamId}`));
        return;
      }
      this.lastPeerStreamId = streamId;
      if (this.goawaySent || this.activePeerStreams >= this.options.maxConcurrentStreams) {
        this.writeControl(rstStreamFrame(streamId, "REFUSED_STREAM"));
        return;
      }
      const listener = this.acceptStream(streamId);
      if (listener === null) {
        this.fatal(connectionError("PROTOCOL_ERROR", `the peer may not open stream ${streamId}`));
        return;
      }
      stream = this.newStream(streamId, listener);
      this.streams.set(streamId, stream);
    }
    if (!this.transition(stream, "recv_headers")) return;
    if (decoded.tooLarge) {
      stream.listener.headersTooLarge();
      return;
    }
    const error = stream.listener.headers(decoded.headers, endStream);
    if (error !== null) {
      this.failStream(error);
      return;
    }
    if (!endStream) return;
    if (stream.expectedLength !== null && stream.receivedLength !== stream.expectedLength) {
      this.failStream(streamError("PROTOCOL_ERROR", stream.id, "body shorter than its content-length"));
      return;
    }
    stream.endReceived = true;
    if (this.transition(stream, "recv_end_stream")) this.closeIfDone(stream);
  }

  private onData(streamId: number, data: Uint8Array, flowLength: number, endStream: boolean): void {
    if (!this.connectionReceive.receive(flowLength)) {
      this.fatal(connectionError("FLOW_CONTROL_ERROR", "DATA beyond the connection window"));
      return;
    }
    const stream = this.streams.get(streamId);
    const refund = (): void => {
      const increment = this.connectionReceive.consume(flowLength);
      if (increment > 0) this.emit(windowUpdateFrame(0, increment));
    };
    if (stream === undefined) {
      refund();
      if (this.isIdle(streamId)) this.fatal(connectionError("PROTOCOL_ERROR", `DATA on idle stream ${streamId}`));
      else this.failStream(streamError("STREAM_CLOSED", streamId, `DATA on closed stream ${streamId}`));
      return;
    }
    if (!this.transition(stream, "recv_data")) {
      refund();
      return;
    }
    if (!stream.receiveWindow.receive(flowLength)) {
      refund();
      this.failStream(streamError("FLOW_CONTROL_ERROR", streamId, "DATA beyond the stream window"));
      return;
    }
    const body = stream.body;
    if (body === null) {
      refund();
      this.failStream(streamError("PROTOCOL_ERROR", streamId, "DATA before HEADERS"));
      return;
    }
    if (flowLength > data.length) this.consumed(stream, flowLength - data.length);
    stream.receivedLength += data.length;
    if (stream.expectedLength !== null && stream.receivedLength > stream.expectedLength) {
      this.failStream(streamError("PROTOCOL_ERROR", streamId, "body longer than its content-length"));
      return;
    }
    if (data.length > 0) body.push(data.slice());
    if (!endStream) return;
    if (stream.expectedLength !== null && stream.receivedLength !== stream.expectedLength) {
      this.failStream(streamError("PROTOCOL_ERROR", streamId, "body shorter than its content-length"));
      return;
    }
    stream.endReceived = true;
    if (!this.transition(stream, "recv_end_stream")) return;
    body.end();
    this.closeIfDone(stream);
  }

  private onRstStream(streamId: number, code: number): void {
    const stream = this.streams.get(streamId);
    if (stream === undefined) {
      if (this.isIdle(streamId)) this.fatal(connectionError("PROTOCOL_ERROR", `RST_STREAM on idle stream ${streamId}`));
      return;
    }
    if (stream.state === "closed") return;
    if (this.isServer && !this.guard.reset(this.now())) {
      this.fatal(connectionError("ENHANCE_YOUR_CALM", "too many streams reset (rapid reset)"));
      return;
    }
    if (!this.transition(stream, "recv_rst_stream")) return;
    const name = errorCodeName(code);
    this.abandon(
      stream,
      new Http2StreamError(
        name,
        streamId,
        true,
        name === "REFUSED_STREAM",
        `the peer reset stream ${streamId}: ${name}`,
      ),
    );
  }

  private onSettings(ack: boolean, parameters: readonly { id: number; value: number }[]): void {
    if (ack) {
      const change = this.negotiation.acknowledged();
      if (change === null) return;
      this.deadlines.settingsAcknowledged(this.now(), this.negotiation.pending > 0);
      const { before, after } = change;
      if (after.headerTableSize !== before.headerTableSize) this.decoder.setMaxDynamicTableSize(after.headerTableSize);
      const delta = after.initialWindowSize - before.initialWindowSize;
      if (delta !== 0)
        for (const stream of this.streams.values()) stream.receiveWindow.adjust(delta, after.initialWindowSize);
      return;
    }
    if (!this.guard.settings(this.now())) {
      this.fatal(connectionError("ENHANCE_YOUR_CALM", "SETTINGS flood"));
      return;
    }
    if (!this.isServer && parameters.some((p) => p.id === 2 && p.value === 1)) {
      this.fatal(connectionError("PROTOCOL_ERROR", "a server may not set SETTINGS_ENABLE_PUSH to 1"));
      return;
    }
    const { before, after } = this.negotiation.received(parameters);
    if (after.headerTableSize !== before.headerTableSize)
      this.encoder.setPeerMaxDynamicTableSize(after.headerTableSize);
    const delta = after.initialWindowSize - before.initialWindowSize;
    if (delta !== 0) {
      for (const stream of this.streams.values()) {
        if (!stream.sendWindow.adjust(delta)) {
          this.fatal(connectionError("FLOW_CONTROL_ERROR", "SETTINGS_INITIAL_WINDOW_SIZE overflows a stream window"));
          return;
        }
        if (delta > 0 && stream.outgoing.pending && stream.headersSent) this.scheduler.add(stream);
      }
    }
    this.writeControl(settingsAckFrame());
    this.remoteSettingsChanged();
    this.fillData();
  }

  private onPing(ack: boolean, payload: Uint8Array): void {
    if (ack) {
      const key = hexKey(payload);
      const ping = this.pings.get(key);
      if (ping === undefined) return;
      this.pings.delete(key);
      ping.answer.resolve(this.now() - ping.sent);
      return;
    }
    if (!this.guard.ping(this.now())) {
      this.fatal(connectionError("ENHANCE_YOUR_CALM", "PING flood"));
      return;
    }
    this.writeControl(pingFrame(payload, true));
  }

  private onGoaway(lastStreamId: number, code: number): void {
    const name = errorCodeName(code);
    this.goawayReceived = { lastStreamId, code: name };
    this.goawayArrived(lastStreamId, name);
    if (name !== "NO_ERROR") {
      const error = new Http2ConnectionError(name, true, `the peer ended the connection: GOAWAY ${name}`);
      this.end(error);
      return;
    }
    this.closeIfIdle();
  }

  private onWindowUpdate(streamId: number, increment: number): void {
    if (streamId === 0) {
      if (!this.connectionSend.increase(increment)) {
        this.fatal(connectionError("FLOW_CONTROL_ERROR", "WINDOW_UPDATE overflows the connection window"));
        return;
      }
      this.fillData();
      return;
    }
    const stream = this.streams.get(streamId);
    if (stream === undefined) {
      if (this.isIdle(streamId))
        this.fatal(connectionError("PROTOCOL_ERROR", `WINDOW_UPDATE on idle stream ${streamId}`));
      return;
    }
    if (!this.transition(stream, "recv_window_update") || stream.state === "closed") return;
    if (!stream.sendWindow.increase(increment)) {
      this.failStream(streamError("FLOW_CONTROL_ERROR", streamId, "WINDOW_UPDATE overflows the stream window"));
      return;
    }
    if (stream.outgoing.pending) this.markReady(stream);
  }

  // ---- sending DATA as the windows allow ----

  private markReady(stream: Http2Stream): void {
    this.scheduler.add(stream);
  }

  private fillData(): void {
    this.scheduler.fill();
  }

  /** Our END_STREAM went out on `stream` (from the scheduler). */
  private sentEnd(stream: Http2Stream): void {
    stream.endSent = true;
    if (this.transition(stream, "send_end_stream")) this.closeIfDone(stream);
  }

  // ---- stream bookkeeping ----

  /** Applies a state-table event; on a violation answers it and returns false. */
  private transition(stream: Http2Stream, event: StreamEvent): boolean {
    // Frames the peer sent before it saw our RST_STREAM are ignored (RFC 9113 §5.1, "closed").
    if (stream.resetSent && stream.state === "closed" && event.startsWith("recv_")) return false;
    const result = streamTransition(stream.state, event);
    if (result.kind === "ok") {
      this.setState(stream, result.state);
      return true;
    }
    if (result.kind === "local") {
      throw new Error(`internal error: ${event} on stream ${stream.id} in state ${stream.state}`);
    }
    const message = `${event.replace("recv_", "")} on stream ${stream.id} in state ${stream.state}`;
    if (result.scope === "connection") this.fatal(connectionError(result.code, message));
    else this.failStream(streamError(result.code, stream.id, message));
    return false;
  }

  private setState(stream: Http2Stream, next: Http2Stream["state"]): void {
    const was = isActive(stream.state);
    const now = isActive(next);
    stream.state = next;
    if (was === now) return;
    const delta = now ? 1 : -1;
    if (this.isPeerStream(stream.id)) this.activePeerStreams += delta;
    else this.activeLocalStreams += delta;
    if (next === "closed") this.retire(stream);
  }

  private closeIfDone(stream: Http2Stream): void {
    if (stream.state !== "closed") return;
    stream.listener.closed();
    this.streamEnded(stream);
    this.closeIfIdle();
  }

  /** The stream failed (reset by either side, or abandoned after a GOAWAY): settle it, sending nothing. */
  protected abandon(stream: Http2Stream, error: Http2StreamError): void {
    if (stream.state !== "closed") this.setState(stream, "closed");
    this.scheduler.remove(stream);
    stream.outgoing.fail(error);
    stream.body?.fail(error);
    stream.listener.failed(error);
    this.streamEnded(stream);
    this.closeIfIdle();
  }

  /** Keeps a closed stream a while (late frames on it get STREAM_CLOSED), then forgets it. */
  private retire(stream: Http2Stream): void {
    this.scheduler.remove(stream);
    this.closedIds.push(stream.id);
    if (this.closedIds.length > RETAINED_CLOSED_STREAMS) this.streams.delete(this.closedIds.shift() as number);
  }

  private isPeerStream(id: number): boolean {
    return (id % 2 === 1) === this.isServer;
  }

  /** True when `id` (not in the table) was never opened: above the highest of its initiator. */
  private isIdle(id: number): boolean {
    return this.isPeerStream(id) ? id > this.lastPeerStreamId : id > this.lastLocalStreamId;
  }

  // ---- ending ----

  /** Queues bytes for the peer; nothing once the output has ended (the connection is finishing). */
  private emit(bytes: Uint8Array): void {
    if (this.out.state === "open") this.out.write(bytes);
  }

  /** Queues a control frame answering the peer; too many unsent ones mean the peer does not read. */
  private writeControl(frame: Uint8Array): void {
    if (!this.guard.controlQueued()) {
      this.fatal(connectionError("ENHANCE_YOUR_CALM", "the peer does not read our control frames"));
      return;
    }
    this.emit(frame);
  }

  /** A connection error of ours: GOAWAY with the code, everything open fails, the connection closes. */
  protected fatal(error: Http2ProtocolError): void {
    if (this.failure !== null) return;
    this.emit(goawayFrame(this.lastPeerStreamId, error.code, error.message));
    this.goawaySent = true;
    this.end(new Http2ConnectionError(error.code, false, error.message));
  }

  /** Ends the connection with `error`: every stream, ping and waiting request fails; the output ends. */
  protected end(error: Error): void {
    if (this.failure !== null) return;
    this.failure = error;
    this.readDone = true;
    this.deadlines.stop();
    for (const stream of [...this.streams.values()]) {
      if (stream.state === "closed") continue;
      stream.state = "closed";
      stream.outgoing.fail(error);
      stream.body?.fail(error);
      stream.listener.failed(error);
    }
    this.streams.clear();
    this.scheduler.clear();
    for (const { answer } of this.pings.values()) answer.reject(error);
    this.pings.clear();
    this.connectionEnded(error);
    this.out.end();
    this.reader.wake();
  }

  /** After a GOAWAY either way, closes once nothing is in flight. */
  protected closeIfIdle(): void {
    if (this.failure !== null || !(this.goawaySent || this.goawayReceived !== null)) return;
    if (this.activeLocalStreams > 0 || this.activePeerStreams > 0 || !this.idle()) return;
    if (!this.goawaySent) {
      this.goawaySent = true;
      this.emit(goawayFrame(this.lastPeerStreamId, "NO_ERROR"));
    }
    this.end(new ConnectionClosedError("the connection was shut down"));
  }
}

/** The listener of a stream we refused: nothing to tell anyone. */
const IGNORED: StreamListener = {
  headers: () => null,
  headersTooLarge: () => {},
  failed: () => {},
  closed: () => {},
};

function base64url(bytes: Uint8Array): string {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function hexKey(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += b.toString(16).padStart(2, "0");
  return s;
}

/** Exported for the roles: frame type names in messages. */
export { typeName };
