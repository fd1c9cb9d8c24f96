import {
  type Clock,
  type Connection,
  ConnectionClosedError,
  PendingResume,
  type ReadOperation,
  type Session,
  UnsupportedError,
  UpgradableConnection,
  type WriteOperation,
  type WriteResult,
} from "@sansio/runtime-api";
import { BodyChannel, type BodyOwner, EMPTY_BODY } from "./body.js";
import { BodyDecoder, type BodyLimits, type BodySink, DEFAULT_MAX_CHUNK_EXTENSION_BYTES } from "./body-decoder.js";
import { ConnectionOutput } from "./connection-output.js";
import { type HttpParseError, type HttpTimeout, HttpTimeoutError } from "./errors.js";
import { peerAllowsKeepAlive, requestBodyFraming } from "./framing.js";
import type { RequestHead } from "./head.js";
import { CONTINUE_RESPONSE } from "./head-encoder.js";
import { HeadParser } from "./head-parser.js";
import type { HeaderList } from "./headers.js";
import { positiveOption, timeoutOption } from "./options.js";
import { ServerRequest } from "./server-request.js";
import { type AfterResponse, type ResponseChannel, ServerResponse } from "./server-response.js";
import type {
  ErrorHandler,
  ErrorResponse,
  Handler,
  IncomingRequest,
  ResponseObserver,
  ServerOptions,
} from "./server-types.js";
import { reasonPhrase } from "./status.js";
import { handledRejection } from "./write-helpers.js";

/**
 * What the read side of a server connection is doing:
 * - `head`: reading (or waiting for) the next request head; no request body in progress;
 * - `body`: decoding the current request's body into `body` (the handler's, or being discarded);
 * - `await-response`: the request was read completely; waiting for its response to finish;
 * - `linger`: closing after an error: input is read and dropped (so the peer reads the response
 *   rather than a reset) until it ends, {@link LINGER_LIMIT} bytes were dropped, or (with a clock)
 *   the time `until` came;
 * - `closed`: the read side is finished.
 * Only the methods in the "read-side transitions" section assign it.
 */
type Input =
  | { readonly phase: "head" }
  | { readonly phase: "body"; readonly body: BodyChannel }
  | { readonly phase: "await-response" }
  | { readonly phase: "linger"; dropped: number; readonly until: number | undefined }
  | { readonly phase: "closed" };

const READING_HEAD: Input = Object.freeze({ phase: "head" });
const AWAITING_RESPONSE: Input = Object.freeze({ phase: "await-response" });
const INPUT_CLOSED: Input = Object.freeze({ phase: "closed" });

/**
 * Why the connection closes once the current exchange is over (null: it may carry another one):
 * the client asked (`Connection: close`, or HTTP/1.0 without keep-alive), an error made the stream
 * unreliable, or the server is shutting down.
 */
type CloseReason = "client-asked" | "error" | "shutdown";

/**
 * Whether the connection is still HTTP/1.1: `serving`, `upgraded` (the socket belongs to another
 * protocol after a 101), or `failed` (the connection is gone: error, reset, peer stopped reading).
 */
type Status = "serving" | "upgraded" | "failed";

/** Where `Expect: 100-continue` stands for the current request. */
type ContinueState = "not-expected" | "expected" | "sent";

/** Who caused an error that `onError` hears. Only handler errors are logged when there is no `onError`. */
type ErrorSource = "handler" | "connection";

/** Bytes dropped while lingering before the read side gives up and closes. */
const LINGER_LIMIT = 256 * 1024;
/** Milliseconds of lingering (when the driver gives a clock) before the read side gives up and closes. */
const LINGER_TIMEOUT = 5000;
/** The head scratch buffer is reused up to this size; larger heads get their own memory. */
const MAX_SCRATCH = 64 * 1024;
/** Size of a new head scratch buffer (grown by doubling when a head needs more). */
const SCRATCH_SIZE = 2048;
/** Free head scratch buffers one server keeps at most (the rest are left to the collector). */
const MAX_FREE_SCRATCH = 64;

/**
 * The head scratch buffers of one server's connections. A connection borrows one for the response
 * head it writes and gives it back once its output queue is empty again (the head was written), so
 * an idle keep-alive connection holds none, and busy connections reuse the same few buffers.
 */
class ScratchPool {
  readonly #free: Uint8Array[] = [];

  /** A free buffer of at least `size` bytes (a new one when none is free or the free one is too small). */
  take(size: number): Uint8Array {
    const free = this.#free.pop();
    if (free !== undefined && free.length >= size) return free;
    let capacity = free?.length ?? SCRATCH_SIZE;
    while (capacity < size) capacity *= 2;
    return new Uint8Array(capacity);
  }

  /** Returns a buffer nothing references any more. */
  give(buffer: Uint8Array): void {
    if (this.#free.length < MAX_FREE_SCRATCH) this.#free.push(buffer);
  }
}

/** Resolved limits and settings (shared by every connection of one {@link http1Server}). */
interface Settings extends BodyLimits {
  readonly bodyHighWaterMark: number;
  readonly writeHighWaterMark: number;
  readonly date: boolean;
  readonly keepAliveTimeout: number;
  readonly headersTimeout: number;
  readonly requestTimeout: number;
  readonly onResponseHead: ResponseObserver | undefined;
  readonly onError: ErrorHandler | undefined;
  /** The head scratch buffers the server's connections share. */
  readonly scratch: ScratchPool;
}

function resolveSettings(options: ServerOptions): Settings {
  return {
    maxStartLineBytes: positiveOption(options.maxRequestLineBytes, 8192, "maxRequestLineBytes"),
    maxHeadBytes: positiveOption(options.maxHeaderBytes, 16384, "maxHeaderBytes"),
    maxHeaderCount: positiveOption(options.maxHeaderCount, 100, "maxHeaderCount"),
    maxChunkExtensionBytes: positiveOption(
      options.maxChunkExtensionBytes,
      DEFAULT_MAX_CHUNK_EXTENSION_BYTES,
      "maxChunkExtensionBytes",
    ),
    bodyHighWaterMark: positiveOption(options.bodyHighWaterMark, 64 * 1024, "bodyHighWaterMark"),
    writeHighWaterMark: positiveOption(options.writeHighWaterMark, 64 * 1024, "writeHighWaterMark"),
    date: options.date ?? true,
    keepAliveTimeout: timeoutOption(options.keepAliveTimeout, 5000, "keepAliveTimeout"),
    headersTimeout: timeoutOption(options.headersTimeout, 60_000, "headersTimeout"),
    requestTimeout: timeoutOption(options.requestTimeout, 300_000, "requestTimeout"),
    onResponseHead: options.onResponseHead,
    onError: options.onError,
    scratch: new ScratchPool(),
  };
}

/**
 * The sans-IO HTTP/1.1 server: one per socket. Reads requests one at a time (pipelined requests wait in
 * the driver's buffer, so responses go out in request order), hands each to the handler, streams the
 * request body with backpressure, and writes responses as iovecs.
 */
export class ServerConnection implements Connection, ResponseChannel, BodySink, BodyOwner {
  readonly sendDate: boolean;
  readonly observing: boolean;
  readonly #handler: Handler;
  readonly #settings: Settings;
  readonly #parser: HeadParser<"request">;
  readonly #decoder: BodyDecoder;
  readonly #out: ConnectionOutput;
  readonly #reader = new PendingResume();
  /** The socket's session (`request.session`), if any. */
  readonly #session: Session | undefined;
  #upgrader: ((next: Connection) => void) | undefined;
  #input: Input = READING_HEAD;
  #status: Status = "serving";
  #closeReason: CloseReason | null = null;
  #request: ServerRequest | null = null;
  #response: ServerResponse | null = null;
  #continue: ContinueState = "not-expected";
  /** The head scratch buffer borrowed from the server's pool while a response head is queued. */
  #scratch: Uint8Array | null = null;
  // ---- time (only with a driver clock: see setClock) ----
  #clock: Clock | undefined;
  /** The next deadline, as {@link nextDeadline} answers; recomputed by #rearm at each transition. */
  #deadline: number | undefined;
  /** When the connection began waiting for the next request: its start, or the end of the last response. */
  #waitingSince = 0;
  /** When the current request's first byte arrived, once the clock was read for it. */
  #requestStartedAt: number | undefined;
  /** Requests handed to the handler so far (0: the connection is new, so idling is not keep-alive). */
  #exchanges = 0;

  constructor(handler: Handler, settings: Settings, session: Session | undefined) {
    this.#handler = handler;
    this.#settings = settings;
    this.#session = session;
    this.sendDate = this.#settings.date;
    this.observing = this.#settings.onResponseHead !== undefined;
    this.#parser = new HeadParser("request", this.#settings);
    this.#decoder = new BodyDecoder(this.#settings);
    // Below the low-water mark again: pipelined requests may be read.
    this.#out = new ConnectionOutput(this.#settings.writeHighWaterMark, () => {
      if (this.#input.phase === "head") this.#reader.wake();
    });
  }

  // ---- BodyOwner: the request body's consumer ----------------------------------------------------

  /** The request body's unread bytes fell below its high-water mark (or it is discarded): read again. */
  bodyDrained(): void {
    this.#reader.wake();
  }

  /** The handler waits for request body bytes: send `100 Continue` if it is owed. */
  bodyWanted(): void {
    this.#sendContinue();
  }

  /** Lets handlers switch protocols (`response.upgrade`): `upgrade(next)` of the wrapping `UpgradableConnection`. */
  setUpgrader(upgrade: (next: Connection) => void): void {
    this.#upgrader = upgrade;
  }

  // ---- Connection: input ----------------------------------------------------------------------

  nextReadOperation(): ReadOperation {
    const input = this.#input;
    switch (input.phase) {
      case "head":
        // Pipelined requests answered faster than the client reads: wait for the output to drain.
        return this.#out.belowHighWaterMark ? "read" : "yield";
      case "body":
        return input.body.wantsMore() ? "read" : "yield";
      case "await-response":
        return "yield";
      case "linger":
        return "read";
      case "closed":
        return "close";
    }
  }

  read(buffer: Uint8Array, offset: number, length: number): number {
    const end = offset + length;
    let pos = offset;
    reading: while (pos < end) {
      const input = this.#input;
      switch (input.phase) {
        case "head": {
          if (!this.#out.belowHighWaterMark) break reading;
          const parser = this.#parser;
          pos += parser.parse(buffer, pos, end);
          if (parser.error) {
            this.#rejectHead(parser.error);
            continue;
          }
          if (!parser.done) {
            if (parser.started && this.#requestStartedAt === undefined) this.#requestStarted();
            break reading;
          }
          this.#dispatch(parser.take());
          if (this.#status === "upgraded") break reading;
          continue;
        }
        case "body": {
          const body = input.body;
          if (!body.wantsMore()) break reading;
          const decoder = this.#decoder;
          const n = decoder.decode(buffer, pos, end, this);
          pos += n;
          if (decoder.error) this.#bodyFailed(body, decoder.error);
          else if (decoder.done) this.#bodyComplete(body);
          else if (n === 0) break reading;
          continue;
        }
        case "linger":
          input.dropped += end - pos;
          pos = end;
          if (input.dropped > LINGER_LIMIT) this.#input = INPUT_CLOSED;
          continue;
        default:
          break reading;
      }
    }
    return pos - offset;
  }

  readEof(buffer: Uint8Array, offset: number, length: number): number {
    const consumed = this.read(buffer, offset, length);
    const input = this.#input;
    // Still busy with what was offered: the driver offers the rest again once we ask to read.
    if (input.phase === "await-response" || this.#status === "upgraded") return consumed;
    if (input.phase === "body" && !input.body.wantsMore()) return consumed;
    if (input.phase === "head" && consumed < length && this.nextReadOperation() === "yield") return consumed;
    this.#inputEnded();
    return consumed;
  }

  yieldReader(resume: () => void): void {
    this.#reader.register(resume);
    if (this.nextReadOperation() !== "yield") this.#reader.wake();
  }

  // ---- Connection: output ---------------------------------------------------------------------

  nextWriteOperation(): WriteOperation {
    return this.#out.next();
  }

  reportWriteResult(result: WriteResult): void {
    if (result === "closed") {
      this.#abortAll(new ConnectionClosedError("the peer closed the connection"));
      return;
    }
    const out = this.#out;
    out.written(result);
    // The borrowed head buffer is written: give it back, so an idle connection holds none.
    const scratch = this.#scratch;
    if (scratch !== null && out.empty) {
      this.#scratch = null;
      this.#settings.scratch.give(scratch);
    }
  }

  yieldWriter(resume: () => void): void {
    this.#out.yieldWriter(resume);
  }

  // ---- Connection: lifecycle ------------------------------------------------------------------

  reportError(error: unknown): void {
    this.#abortAll(error);
  }

  isClosed(): boolean {
    return this.#input.phase === "closed" && this.#out.closed;
  }

  shutdown(): void {
    if (this.#status === "upgraded") {
      this.#closeInput();
      this.#out.finish();
      return;
    }
    this.#closeAfterExchange("shutdown");
    if (this.#response === null) {
      // Idle (or only dropping the rest of a body): close now.
      const input = this.#input;
      if (input.phase === "body") input.body.fail(new ConnectionClosedError("the server is shutting down"));
      this.#closeInput();
      this.#out.finish();
    }
    this.#reader.wake();
    this.#out.wake();
  }

  // ---- Connection: time -----------------------------------------------------------------------

  setClock(clock: Clock): void {
    this.#clock = clock;
    this.#waitingSince = clock.now();
    this.#rearm();
  }

  nextDeadline(): number | undefined {
    return this.#deadline;
  }

  handleTimeout(now: number): void {
    const deadline = this.#deadline;
    if (deadline === undefined || now < deadline) return;
    const input = this.#input;
    const settings = this.#settings;
    if (input.phase === "linger") {
      this.#closeInput();
    } else if (input.phase === "head" && this.#requestStartedAt === undefined) {
      // Nothing of a request arrived: nothing to answer. Close.
      const which: HttpTimeout = this.#exchanges > 0 ? "keep-alive" : "headers";
      const ms = which === "keep-alive" ? settings.keepAliveTimeout : settings.headersTimeout;
      this.#closeAfterExchange("error");
      this.#closeInput();
      this.#out.finish();
      this.#tellError(new HttpTimeoutError(which, ms), undefined, "connection");
    } else if (input.phase === "head") {
      const started = this.#requestStartedAt ?? now;
      const headers = settings.headersTimeout > 0 && now >= started + settings.headersTimeout;
      this.#rejectHead(
        headers
          ? new HttpTimeoutError("headers", settings.headersTimeout)
          : new HttpTimeoutError("request", settings.requestTimeout),
      );
    } else if (input.phase === "body") {
      this.#bodyFailed(input.body, new HttpTimeoutError("request", settings.requestTimeout));
      const response = this.#response;
      if (response !== null && !response.finished) {
        // The response began: it cannot wait for a body that is not coming. Close after what was queued.
        response.abort();
        this.responseFinished("close");
      }
    }
    this.#rearm();
    this.#reader.wake();
    this.#out.wake();
  }

  // ---- BodySink -------------------------------------------------------------------------------

  bodyData(bytes: Uint8Array, start: number, end: number): void {
    const input = this.#input;
    if (input.phase === "body" && !input.body.discarding) input.body.push(bytes.slice(start, end));
  }

  // ---- ResponseChannel ------------------------------------------------------------------------

  keepAliveAllowed(): boolean {
    if (this.#closeReason !== null || this.#input.phase === "closed") return false;
    // The client waits for 100 Continue before sending the body; it was not sent, so the body may
    // or may not follow: close rather than guess.
    return !(this.#continue === "expected" && this.#input.phase === "body");
  }

  observeHead(status: number, headers: HeaderList, head: Uint8Array): void {
    const observer = this.#settings.onResponseHead;
    if (observer === undefined) return;
    const request = this.#request ?? undefined;
    try {
      observer({ status, headers, bytes: head }, request);
    } catch (error) {
      this.#tellError(error, request, "connection");
    }
  }

  requestBodyComplete(): boolean {
    return this.#input.phase !== "body";
  }

  headBuffer(size: number): Uint8Array {
    // Queued bytes may be in the borrowed buffer still: only an empty output may reuse it.
    if (!this.#out.empty || size > MAX_SCRATCH) return new Uint8Array(size);
    let scratch = this.#scratch;
    if (scratch === null || size > scratch.length) {
      if (scratch !== null) this.#settings.scratch.give(scratch);
      scratch = this.#settings.scratch.take(size);
      this.#scratch = scratch;
    }
    return scratch;
  }

  send(chunk: Uint8Array): void {
    if (this.#status === "failed" || this.#out.closed) return;
    this.#out.send(chunk);
  }

  writeReady(): Promise<void> {
    if (this.#status === "failed" || this.#out.closed) {
      return handledRejection(new ConnectionClosedError("the connection is closed"));
    }
    return this.#out.drained();
  }

  responseFinished(next: AfterResponse): void {
    this.#response = null;
    this.#request = null;
    const input = this.#input;
    if (next === "close" || this.#closeReason !== null || input.phase === "closed" || input.phase === "linger") {
      this.#out.finish();
      if (input.phase === "body") input.body.startDiscarding();
      this.#closeAfterResponse();
    } else if (input.phase === "await-response") {
      this.#readNextHead();
    } else if (input.phase === "body") {
      // Nobody will read the rest of the body: drop it to reach the next request.
      input.body.startDiscarding();
    }
    this.#reader.wake();
    this.#out.wake();
  }

  responseFailed(error: unknown): void {
    const request = this.#request;
    this.#closeAfterExchange("error");
    this.responseFinished("close");
    this.#tellError(error, request ?? undefined, "connection");
  }

  upgradeTo(next: Connection | (() => Connection)): void {
    const upgrader = this.#upgrader;
    if (!upgrader) {
      throw new UnsupportedError("this connection cannot switch protocols: make it with createServerConnection()");
    }
    const connection = typeof next === "function" ? next() : next;
    this.#status = "upgraded";
    this.#closeInput();
    this.#out.finish();
    this.#request = null;
    this.#response = null;
    upgrader(connection);
  }

  solicitBody(): void {
    this.#sendContinue();
  }

  // ---- read-side transitions (the only places that assign #input) ------------------------------

  /** head → body or await-response: a request head arrived. */
  #readBody(body: BodyChannel | null): void {
    if (body === null) this.#input = AWAITING_RESPONSE;
    else {
      this.#input = { phase: "body", body };
      // The request timeout runs until the body is complete.
      if (this.#clock !== undefined && this.#requestStartedAt === undefined) this.#requestStartedAt = this.#clock.now();
    }
    this.#rearm();
  }

  /** body → await-response, or → head when the response already finished. */
  #bodyComplete(body: BodyChannel): void {
    body.end(this.#decoder.trailers);
    if (this.#response === null) this.#readNextHead();
    else {
      this.#input = AWAITING_RESPONSE;
      this.#rearm();
    }
  }

  /** await-response → head: the exchange is over and the connection carries another. */
  #readNextHead(): void {
    this.#input = READING_HEAD;
    this.#requestStartedAt = undefined;
    if (this.#clock !== undefined) {
      this.#waitingSince = this.#clock.now();
      this.#rearm();
    }
  }

  /** Any phase → linger (an error: the response goes out while input is dropped). */
  #linger(): void {
    const phase = this.#input.phase;
    if (phase === "linger" || phase === "closed") return;
    const until = this.#clock === undefined ? undefined : this.#clock.now() + LINGER_TIMEOUT;
    this.#input = { phase: "linger", dropped: 0, until };
    this.#rearm();
  }

  /** Any phase → closed. */
  #closeInput(): void {
    this.#input = INPUT_CLOSED;
    this.#deadline = undefined;
  }

  /** In the head phase: the first bytes of a request arrived (the headers and request timeouts start). */
  #requestStarted(): void {
    if (this.#clock === undefined) return;
    this.#requestStartedAt = this.#clock.now();
    this.#rearm();
  }

  /** Recomputes the deadline {@link nextDeadline} answers, from the phase (no timer is touched here). */
  #rearm(): void {
    if (this.#clock === undefined) return;
    const settings = this.#settings;
    const input = this.#input;
    const started = this.#requestStartedAt;
    let deadline: number | undefined;
    if (input.phase === "head") {
      if (started === undefined) {
        const ms = this.#exchanges > 0 ? settings.keepAliveTimeout : settings.headersTimeout;
        deadline = ms > 0 ? this.#waitingSince + ms : undefined;
      } else {
        deadline = earliest(
          settings.headersTimeout > 0 ? started + settings.headersTimeout : undefined,
          settings.requestTimeout > 0 ? started + settings.requestTimeout : undefined,
        );
      }
    } else if (input.phase === "body") {
      deadline = settings.requestTimeout > 0 && started !== undefined ? started + settings.requestTimeout : undefined;
    } else if (input.phase === "linger") {
      deadline = input.until;
    }
    this.#deadline = deadline;
  }

  /**
   * The last response is complete and the connection closes. A request read completely: close the
   * input at once (as Node does). Otherwise (an error, or a body still arriving) linger, so the peer
   * reads the response rather than a reset.
   */
  #closeAfterResponse(): void {
    const input = this.#input;
    if (input.phase === "closed" || input.phase === "linger") return;
    if (input.phase === "await-response" && this.#closeReason !== "error") this.#closeInput();
    else this.#linger();
  }

  /** The peer ended its input (EOF): a body under way is truncated; the connection closes after the response. */
  #inputEnded(): void {
    const input = this.#input;
    if (input.phase === "body") {
      const decoder = this.#decoder;
      decoder.end();
      if (decoder.error) input.body.fail(decoder.error);
      else input.body.end(decoder.trailers);
      this.#closeAfterExchange("error");
    }
    this.#closeInput();
    if (this.#response === null) this.#out.finish();
    this.#out.wake();
  }

  // ---- exchanges ------------------------------------------------------------------------------

  #closeAfterExchange(reason: CloseReason): void {
    if (this.#closeReason === null || reason === "error") this.#closeReason = reason;
  }

  #dispatch(head: RequestHead): void {
    const framing = requestBodyFraming(head);
    const body =
      framing === "none"
        ? null
        : new BodyChannel(this, framing === "length" ? head.contentLength : null, this.#settings.bodyHighWaterMark);
    const request = new ServerRequest(head, body ?? EMPTY_BODY, this.#session);
    const response = new ServerResponse(this, head.method, head.version);
    if (!peerAllowsKeepAlive(head)) this.#closeAfterExchange("client-asked");
    this.#continue = head.expectContinue && body !== null ? "expected" : "not-expected";
    this.#decoder.start(framing, head.contentLength ?? 0);
    this.#request = request;
    this.#response = response;
    this.#exchanges++;
    this.#readBody(body);
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

  /** A malformed (or timed-out) request head: answer with the error's status and close. */
  #rejectHead(error: HttpParseError | HttpTimeoutError): void {
    this.#closeAfterExchange("error");
    this.#linger();
    const custom = this.#tellError(error, undefined, "connection");
    const response = new ServerResponse(this, "GET", "HTTP/1.1");
    this.#response = response;
    this.#sendError(response, error.status, custom);
  }

  /**
   * A malformed (or timed-out) request body: the reader gets the error; the client gets the error's
   * status (400, 408) if nothing was sent yet, else the connection closes after the response.
   */
  #bodyFailed(body: BodyChannel, error: HttpParseError | HttpTimeoutError): void {
    this.#closeAfterExchange("error");
    body.fail(error);
    this.#linger();
    const response = this.#response;
    const custom = this.#tellError(error, this.#request ?? undefined, "connection");
    if (response === null) {
      this.#out.finish();
      return;
    }
    if (!response.headersSent) this.#sendError(response, error.status, custom);
  }

  #handlerFailed(request: IncomingRequest, response: ServerResponse, error: unknown): void {
    if (this.#status === "failed" || response.aborted) {
      // The connection is gone (the handler most likely failed reading the body or writing because of
      // it): onError hears it, the default logger does not.
      this.#tellError(error, request, "connection");
      return;
    }
    const custom = this.#tellError(error, request, "handler");
    if (response.finished || this.#response !== response) return;
    if (!response.headersSent) {
      this.#sendError(response, 500, custom);
      return;
    }
    // The response began: it cannot be completed correctly, so the connection closes after what was queued.
    this.#closeAfterExchange("error");
    response.abort();
    this.responseFinished("close");
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

  /** Tells `onError` (or logs a handler error when there is none); returns its replacement response, if any. */
  #tellError(error: unknown, request: IncomingRequest | undefined, source: ErrorSource): ErrorResponse | undefined {
    const onError = this.#settings.onError;
    if (!onError) {
      if (source === "handler") console.error("@sansio/http1: the request handler failed:", error);
      return undefined;
    }
    try {
      return onError(error, request) ?? undefined;
    } catch {
      return undefined;
    }
  }

  #sendContinue(): void {
    if (this.#continue !== "expected" || this.#status === "failed") return;
    const response = this.#response;
    if (response === null || response.headersSent || this.#input.phase !== "body") return;
    this.#continue = "sent";
    this.send(CONTINUE_RESPONSE);
  }

  /** The connection is gone (error, reset, or the peer closed while we wrote): stop everything; onError hears it if a response was under way. */
  #abortAll(error: unknown): void {
    if (this.#status === "failed") return;
    this.#status = "failed";
    const request = this.#request;
    const response = this.#response;
    const input = this.#input;
    const unfinished = response !== null && !response.finished;
    if (input.phase === "body") input.body.fail(error);
    response?.abort();
    this.#out.discard(error);
    this.#out.finish();
    this.#closeInput();
    this.#request = null;
    this.#response = null;
    if (unfinished) this.#tellError(error, request ?? undefined, "connection");
    this.#reader.wake();
    this.#out.wake();
  }
}

const TEXT_PLAIN = ["Content-Type", "text/plain; charset=utf-8"];

/** The earlier of two optional times. */
function earliest(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return a < b ? a : b;
}

/** Makes the HTTP/1.1 server connection for one socket, able to switch protocols (`response.upgrade`). */
export function createServerConnection(handler: Handler, options: ServerOptions = {}): Connection {
  return upgradableServer(handler, resolveSettings(options), options.session);
}

/**
 * The `Accept` of {@link http1Server}: one server connection per session. The options are resolved
 * (and checked) on the first accept and shared by every later connection, not copied into each.
 */
export function serverAccept(
  handler: Handler,
  options: Omit<ServerOptions, "session">,
): (session: Session) => Connection {
  let settings: Settings | undefined;
  return (session) => {
    settings ??= resolveSettings(options);
    return upgradableServer(handler, settings, session);
  };
}

function upgradableServer(handler: Handler, settings: Settings, session: Session | undefined): Connection {
  const server = new ServerConnection(handler, settings, session);
  const upgradable = new UpgradableConnection(server);
  server.setUpgrader((next) => upgradable.upgrade(next));
  return upgradable;
}
