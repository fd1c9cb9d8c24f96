import {
  type Connection,
  ConnectionClosedError,
  type ReadOperation,
  type Session,
  UnsupportedError,
  UpgradableConnection,
  type WriteOperation,
  type WriteResult,
} from "@sansio/runtime-api";
import { BodyChannel, type BodyOwner, EMPTY_BODY } from "./body.js";
import { BodyDecoder, type BodySink } from "./body-decoder.js";
import { ConnectionOutput } from "./connection-output.js";
import type { HttpParseError } from "./errors.js";
import { CONTINUE_RESPONSE } from "./head-encoder.js";
import { type HeadLimits, HeadParser } from "./head-parser.js";
import { positiveOption } from "./options.js";
import { PendingResume } from "./pending-resume.js";
import { ServerRequest } from "./server-request.js";
import { type ResponseChannel, ServerResponse } from "./server-response.js";
import type { ErrorHandler, ErrorResponse, Handler, IncomingRequest, ServerOptions } from "./server-types.js";
import { reasonPhrase } from "./status.js";
import { handledRejection } from "./write-helpers.js";

/** Waiting for (or parsing) the next request head; no exchange in progress. */
const HEAD = 0;
/** Decoding the current request's body. */
const BODY = 1;
/** The body is complete; waiting for the response to finish before reading the next request. */
const WAIT = 2;
/** Closing: input is read and dropped (so the peer is not reset) until it ends or {@link LINGER_LIMIT}. */
const LINGER = 3;
/** The read side is finished. */
const CLOSED = 4;

/** Bytes dropped while lingering before the read side gives up and closes. */
const LINGER_LIMIT = 256 * 1024;
/** The head scratch buffer is reused up to this size; larger heads get their own memory. */
const MAX_SCRATCH = 64 * 1024;

/** Resolved limits and settings. */
interface Settings extends HeadLimits {
  readonly bodyHighWaterMark: number;
  readonly writeHighWaterMark: number;
  readonly date: boolean;
  readonly onError: ErrorHandler | undefined;
  readonly session: Session | undefined;
}

function resolveSettings(options: ServerOptions): Settings {
  return {
    maxStartLineBytes: positiveOption(options.maxRequestLineBytes, 8192, "maxRequestLineBytes"),
    maxHeadBytes: positiveOption(options.maxHeaderBytes, 16384, "maxHeaderBytes"),
    maxHeaderCount: positiveOption(options.maxHeaderCount, 100, "maxHeaderCount"),
    bodyHighWaterMark: positiveOption(options.bodyHighWaterMark, 64 * 1024, "bodyHighWaterMark"),
    writeHighWaterMark: positiveOption(options.writeHighWaterMark, 64 * 1024, "writeHighWaterMark"),
    date: options.date ?? true,
    onError: options.onError,
    session: options.session,
  };
}

/**
 * The sans-IO HTTP/1.1 server: one per socket. Reads requests one at a time (pipelined requests wait in
 * the driver's buffer, so responses go out in request order), hands each to the handler, streams the
 * request body with backpressure, and writes responses as iovecs.
 */
export class ServerConnection implements Connection, ResponseChannel, BodySink {
  readonly sendDate: boolean;
  readonly #handler: Handler;
  readonly #settings: Settings;
  readonly #parser: HeadParser;
  readonly #decoder: BodyDecoder;
  readonly #out: ConnectionOutput;
  readonly #reader = new PendingResume();
  readonly #bodyOwner: BodyOwner;
  #upgrader: ((next: Connection) => void) | undefined;
  #readState = HEAD;
  #closeAfterOutput = false;
  #mustClose = false;
  #peerEof = false;
  #shutdown = false;
  #failed = false;
  #upgraded = false;
  #lingered = 0;
  #request: ServerRequest | null = null;
  #response: ServerResponse | null = null;
  #channel: BodyChannel | null = null;
  #keepAlive = true;
  #expectContinue = false;
  #continueSent = false;
  #scratch = new Uint8Array(2048);

  constructor(handler: Handler, options: ServerOptions = {}) {
    this.#handler = handler;
    this.#settings = resolveSettings(options);
    this.sendDate = this.#settings.date;
    this.#parser = new HeadParser("request", this.#settings);
    this.#decoder = new BodyDecoder(this.#settings);
    this.#out = new ConnectionOutput(this.#settings.writeHighWaterMark);
    this.#bodyOwner = {
      bodyDrained: () => this.#reader.wake(),
      bodyWanted: () => this.#sendContinue(),
    };
  }

  /** Lets handlers switch protocols (`response.upgrade`): `upgrade(next)` of the wrapping `UpgradableConnection`. */
  setUpgrader(upgrade: (next: Connection) => void): void {
    this.#upgrader = upgrade;
  }

  // ---- Connection: input ----------------------------------------------------------------------

  nextReadOperation(): ReadOperation {
    switch (this.#readState) {
      case HEAD:
        // Pipelined requests answered faster than the client reads: wait for the output to drain.
        return this.#out.belowHighWaterMark ? "read" : "yield";
      case LINGER:
        return "read";
      case BODY:
        return (this.#channel as BodyChannel).wantsMore() ? "read" : "yield";
      case WAIT:
        return "yield";
      default:
        return "close";
    }
  }

  read(buffer: Uint8Array, offset: number, length: number): number {
    const end = offset + length;
    let pos = offset;
    while (pos < end) {
      const state = this.#readState;
      if (state === HEAD) {
        if (!this.#out.belowHighWaterMark) break;
        const parser = this.#parser;
        pos += parser.parse(buffer, pos, end);
        if (parser.error) {
          this.#rejectHead(parser.error);
          continue;
        }
        if (!parser.done) break;
        this.#dispatch();
        if (this.#upgraded) break;
      } else if (state === BODY) {
        const channel = this.#channel as BodyChannel;
        if (!channel.wantsMore()) break;
        const decoder = this.#decoder;
        const n = decoder.decode(buffer, pos, end, this);
        pos += n;
        if (decoder.error) {
          this.#bodyFailed(decoder.error);
          continue;
        }
        if (decoder.done) this.#bodyComplete();
        else if (n === 0) break;
      } else if (state === LINGER) {
        this.#lingered += end - pos;
        pos = end;
        if (this.#lingered > LINGER_LIMIT) this.#readState = CLOSED;
      } else break;
    }
    return pos - offset;
  }

  readEof(buffer: Uint8Array, offset: number, length: number): number {
    const consumed = this.read(buffer, offset, length);
    const state = this.#readState;
    // Still busy with what was offered: the driver offers the rest again once we ask to read.
    if (state === WAIT || this.#upgraded) return consumed;
    if (state === BODY && !(this.#channel as BodyChannel).wantsMore()) return consumed;
    if (state === HEAD && consumed < length && this.nextReadOperation() === "yield") return consumed;
    this.#peerEof = true;
    if (state === BODY) {
      this.#decoder.end();
      const channel = this.#channel as BodyChannel;
      if (this.#decoder.error) channel.fail(this.#decoder.error);
      else channel.end(this.#decoder.trailers);
      this.#mustClose = true;
    }
    this.#readState = CLOSED;
    if (this.#response === null) this.#closeAfterOutput = true;
    this.#out.wake();
    return consumed;
  }

  yieldReader(resume: () => void): void {
    this.#reader.set(resume);
    if (this.nextReadOperation() !== "yield") this.#reader.wake();
  }

  // ---- Connection: output ---------------------------------------------------------------------

  nextWriteOperation(): WriteOperation {
    return this.#out.next(this.#closeAfterOutput || this.#failed);
  }

  reportWriteResult(result: WriteResult): void {
    if (result === "closed") {
      this.#abortAll(new ConnectionClosedError("the peer closed the connection"));
      return;
    }
    // Below the high-water mark again: pipelined requests may be read.
    if (this.#out.written(result) && this.#readState === HEAD) this.#reader.wake();
  }

  yieldWriter(resume: () => void): void {
    this.#out.yieldWriter(resume, this.#closeAfterOutput || this.#failed);
  }

  // ---- Connection: lifecycle ------------------------------------------------------------------

  reportError(error: unknown): void {
    this.#abortAll(error);
  }

  isClosed(): boolean {
    return this.#readState === CLOSED && this.#out.closed;
  }

  shutdown(): void {
    if (this.#upgraded) {
      this.#readState = CLOSED;
      this.#closeAfterOutput = true;
      return;
    }
    this.#shutdown = true;
    if (this.#response === null) {
      // Idle (or only dropping the rest of a body): close now.
      const channel = this.#channel;
      if (channel?.open) channel.fail(new ConnectionClosedError("the server is shutting down"));
      this.#channel = null;
      this.#readState = CLOSED;
      this.#closeAfterOutput = true;
    }
    this.#reader.wake();
    this.#out.wake();
  }

  // ---- BodySink -------------------------------------------------------------------------------

  bodyData(bytes: Uint8Array, start: number, end: number): void {
    const channel = this.#channel as BodyChannel;
    if (!channel.discarding) channel.push(bytes.slice(start, end));
  }

  // ---- ResponseChannel ------------------------------------------------------------------------

  keepAliveAllowed(): boolean {
    if (!this.#keepAlive || this.#shutdown || this.#mustClose || this.#peerEof) return false;
    // The client waits for 100 Continue before sending the body; it was not sent, so the body may
    // or may not follow: close rather than guess.
    if (this.#expectContinue && !this.#continueSent && this.#channel?.open) return false;
    return true;
  }

  requestBodyComplete(): boolean {
    const channel = this.#channel;
    return channel === null || !channel.open;
  }

  headBuffer(size: number): Uint8Array {
    if (!this.#out.empty || size > MAX_SCRATCH) return new Uint8Array(size);
    if (size > this.#scratch.length) {
      let capacity = this.#scratch.length * 2;
      while (capacity < size) capacity *= 2;
      this.#scratch = new Uint8Array(capacity);
    }
    return this.#scratch;
  }

  send(chunk: Uint8Array): void {
    if (this.#failed || this.#out.closed) return;
    this.#out.send(chunk);
  }

  writeReady(): Promise<void> {
    if (this.#failed || this.#out.closed) {
      return handledRejection(new ConnectionClosedError("the connection is closed"));
    }
    return this.#out.drained();
  }

  responseFinished(keepAlive: boolean): void {
    const channel = this.#channel;
    this.#response = null;
    this.#request = null;
    if (!keepAlive || this.#shutdown || this.#mustClose || this.#readState === CLOSED || this.#readState === LINGER) {
      this.#closeAfterOutput = true;
      if (channel?.open) channel.startDiscarding();
      this.#channel = null;
      // A request read completely: close at once (as Node does). Otherwise (an error, or a body still
      // arriving) keep reading and dropping input for a while, so the peer reads the response rather
      // than a reset.
      if (this.#readState !== CLOSED) {
        const clean = this.#readState === WAIT && !this.#mustClose;
        this.#readState = this.#peerEof || clean ? CLOSED : LINGER;
      }
    } else if (this.#readState === WAIT) {
      this.#readState = HEAD;
      this.#channel = null;
    } else if (channel?.open) {
      // Nobody will read the rest of the body: drop it to reach the next request.
      channel.startDiscarding();
    }
    this.#reader.wake();
    this.#out.wake();
  }

  responseFailed(error: unknown): void {
    const request = this.#request;
    this.#mustClose = true;
    this.responseFinished(false);
    this.#tellError(error, request ?? undefined, false);
  }

  upgradeTo(next: Connection | (() => Connection)): void {
    const upgrader = this.#upgrader;
    if (!upgrader) {
      throw new UnsupportedError("this connection cannot switch protocols: make it with createServerConnection()");
    }
    const connection = typeof next === "function" ? next() : next;
    this.#upgraded = true;
    this.#readState = CLOSED;
    this.#closeAfterOutput = true;
    this.#request = null;
    this.#response = null;
    this.#channel = null;
    upgrader(connection);
  }

  // ---- exchanges ------------------------------------------------------------------------------

  #dispatch(): void {
    const parser = this.#parser;
    const chunked = parser.chunked;
    const length = parser.contentLength;
    const http10 = parser.minor === 0;
    const channel =
      chunked || length > 0
        ? new BodyChannel(this.#bodyOwner, chunked ? null : length, this.#settings.bodyHighWaterMark)
        : null;
    const request = new ServerRequest(
      parser.method,
      parser.target,
      http10 ? "HTTP/1.0" : "HTTP/1.1",
      parser.headers,
      channel ?? EMPTY_BODY,
      parser.connectionUpgrade ? parser.upgrade : null,
      this.#settings.session,
    );
    const response = new ServerResponse(this, parser.method === "HEAD", http10);
    this.#keepAlive = http10 ? parser.connectionKeepAlive && !parser.connectionClose : !parser.connectionClose;
    this.#expectContinue = parser.expectContinue && channel !== null;
    this.#continueSent = false;
    this.#decoder.start(chunked ? "chunked" : channel ? "length" : "none", length);
    parser.reset();
    this.#request = request;
    this.#response = response;
    this.#channel = channel;
    this.#readState = channel ? BODY : WAIT;
    let result: void | Promise<void>;
    try {
      result = this.#handler(request, response);
    } catch (error) {
      this.#handlerFailed(request, response, error);
      return;
    }
    if (result !== undefined && typeof (result as Promise<void>).then === "function") {
      (result as Promise<void>).then(undefined, (error: unknown) => this.#handlerFailed(request, response, error));
    }
  }

  #bodyComplete(): void {
    (this.#channel as BodyChannel).end(this.#decoder.trailers);
    if (this.#response === null) {
      this.#channel = null;
      this.#readState = HEAD;
    } else this.#readState = WAIT;
  }

  /** A malformed request head: answer with the error's status and close. */
  #rejectHead(error: HttpParseError): void {
    this.#mustClose = true;
    this.#readState = LINGER;
    const custom = this.#tellError(error, undefined, true);
    const response = new ServerResponse(this, false, false);
    this.#response = response;
    this.#sendError(response, error.status, custom);
  }

  /** A malformed request body: the reader gets the error; the client gets 400 if nothing was sent yet. */
  #bodyFailed(error: HttpParseError): void {
    this.#mustClose = true;
    (this.#channel as BodyChannel).fail(error);
    const request = this.#request;
    const response = this.#response;
    this.#readState = LINGER;
    if (response === null) {
      this.#channel = null;
      this.#closeAfterOutput = true;
      this.#out.wake();
      return;
    }
    const custom = this.#tellError(error, request ?? undefined, true);
    if (!response.headersSent) this.#sendError(response, error.status, custom);
  }

  #handlerFailed(request: IncomingRequest, response: ServerResponse, error: unknown): void {
    if (this.#failed || response.aborted) {
      // The connection is gone (the handler most likely failed reading the body or writing because of
      // it): onError hears it, the default logger does not.
      this.#tellError(error, request, false);
      return;
    }
    if (response.finished || this.#response !== response) {
      this.#tellError(error, request, false, true);
      return;
    }
    if (!response.headersSent) {
      const custom = this.#tellError(error, request, true, true);
      this.#sendError(response, 500, custom);
      return;
    }
    // The response began: it cannot be completed correctly, so the connection closes after what was queued.
    this.#tellError(error, request, false, true);
    this.#mustClose = true;
    response.abort();
    this.responseFinished(false);
  }

  #sendError(response: ServerResponse, status: number, custom: ErrorResponse | undefined): void {
    const code = custom?.status ?? status;
    try {
      response.takeOver(code, custom?.headers ?? TEXT_PLAIN, custom?.body ?? reasonPhrase(code));
    } catch {
      // An invalid custom response: send the plain one.
      response.takeOver(status, TEXT_PLAIN, reasonPhrase(status));
    }
  }

  /** Tells `onError`; returns its replacement response when one may be sent. */
  #tellError(
    error: unknown,
    request: IncomingRequest | undefined,
    canRespond: boolean,
    fromHandler = false,
  ): ErrorResponse | undefined {
    const onError = this.#settings.onError;
    if (!onError) {
      if (fromHandler) console.error("@sansio/http1: the request handler failed:", error);
      return undefined;
    }
    try {
      const custom = onError(error, request);
      return canRespond && custom ? custom : undefined;
    } catch {
      return undefined;
    }
  }

  solicitBody(): void {
    this.#sendContinue();
  }

  #sendContinue(): void {
    if (!this.#expectContinue || this.#continueSent || this.#failed) return;
    const response = this.#response;
    if (response === null || response.headersSent || !this.#channel?.open) return;
    this.#continueSent = true;
    this.send(CONTINUE_RESPONSE);
  }

  /** The connection is gone (error, reset, or the peer closed while we wrote): stop everything; onError hears it if a response was under way. */
  #abortAll(error: unknown): void {
    if (this.#failed) return;
    this.#failed = true;
    const request = this.#request;
    const response = this.#response;
    const channel = this.#channel;
    const unfinished = response !== null && !response.finished;
    channel?.fail(error);
    response?.abort();
    this.#out.discard(error);
    this.#readState = CLOSED;
    this.#request = null;
    this.#response = null;
    this.#channel = null;
    if (unfinished) this.#tellError(error, request ?? undefined, false);
    this.#reader.wake();
    this.#out.wake();
  }
}

const TEXT_PLAIN = ["Content-Type", "text/plain; charset=utf-8"];

/** Makes the HTTP/1.1 server connection for one socket, able to switch protocols (`response.upgrade`). */
export function createServerConnection(handler: Handler, options?: ServerOptions): Connection {
  const server = new ServerConnection(handler, options);
  const upgradable = new UpgradableConnection(server);
  server.setUpgrader((next) => upgradable.upgrade(next));
  return upgradable;
}
