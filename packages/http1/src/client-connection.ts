import {
  type Clock,
  type Connection,
  ConnectionClosedError,
  PendingQueue,
  PendingResume,
  type ReadOperation,
  type WriteOperation,
  type WriteResult,
} from "@sansio/runtime-api";
import { type Body, BodyChannel, type BodyOwner, EMPTY_BODY } from "./body.js";
import { BodyDecoder, type BodySink, DEFAULT_MAX_CHUNK_EXTENSION_BYTES } from "./body-decoder.js";
import { BodyEncoder } from "./body-encoder.js";
import { ReceivedResponse } from "./client-response.js";
import type { ClientRequestInit, ClientResponse, RequestObserver } from "./client-types.js";
import { ConnectionOutput } from "./connection-output.js";
import { HttpParseError, HttpTimeoutError } from "./errors.js";
import { keepAliveAfter, responseBodyFraming } from "./framing.js";
import type { ResponseHead } from "./head.js";
import { utf8 } from "./head-encoder.js";
import { HeadParser } from "./head-parser.js";
import { type HeaderList, toHeaderList } from "./headers.js";
import { positiveOption, timeoutOption } from "./options.js";
import { encodeRequestHead, type RequestBodyFraming, type RequestBodySize } from "./request-head.js";
import { isStreamBody } from "./write-helpers.js";

/** Options of an HTTP/1.1 client connection. */
export interface ClientOptions {
  /** `Host` header sent with requests that do not set one (e.g. `"example.com"` or `"127.0.0.1:8080"`). */
  readonly host?: string;
  /**
   * As cohttp's `Connection.persistent`. Unset (default): send one request, and once the first response
   * shows the server keeps the connection alive, pipeline the rest. `true`: assume keep-alive and
   * pipeline from the start. `false`: send `Connection: close` with the first request; no more requests.
   */
  readonly persistent?: boolean;
  /** Longest status line in bytes. Default 8192. */
  readonly maxStatusLineBytes?: number;
  /** Largest response head (and trailer section) in bytes. Default 65536. */
  readonly maxHeaderBytes?: number;
  /** Most header fields in a response. Default 256. */
  readonly maxHeaderCount?: number;
  /**
   * Most bytes of chunk extensions on one chunk-size line of a chunked response body (they are checked
   * against the RFC 9112 grammar and dropped); longer fails the response. Default 4096.
   */
  readonly maxChunkExtensionBytes?: number;
  /** Unread response-body bytes held before the connection stops reading from the socket. Default 64 KiB. */
  readonly bodyHighWaterMark?: number;
  /** Queued request bytes above which a streamed request body waits. Default 64 KiB. */
  readonly writeHighWaterMark?: number;
  /**
   * Most milliseconds from the end of a request (or the end of the response before it, when
   * pipelined) to the head of its response; then the request rejects with `HttpTimeoutError`
   * (`timeout: "response-head"`, `retryable` when no byte of the response arrived) and the
   * connection closes. Default 60000; 0 disables.
   */
  readonly responseHeadTimeout?: number;
  /**
   * Most milliseconds the connection stays open with no request outstanding; then it closes
   * (`finalise` and `notify` hear it). Default 4000 (below the usual server keep-alive of 5 s, so the
   * client closes first rather than racing the server's close); 0 disables.
   */
  readonly keepAliveTimeout?: number;
  /** Told about every request head just before it is written (logs, metrics). */
  readonly onRequestHead?: RequestObserver;
  /**
   * As cohttp's `finalise`: called once when the connection closes, before the requests still waiting
   * on it are failed (e.g. to stop routing new requests to it). A hook that throws is ignored.
   */
  readonly finalise?: (client: ClientConnection) => void;
}

/**
 * What the client's read side is doing: reading the next response `head`; decoding a response `body`
 * (into the first in-flight exchange's channel); `upgraded` after a 101 (input is left for the
 * protocol the connection switches to); `closed`.
 */
type Input = "head" | "body" | "upgraded" | "closed";

/** How the connection ended: `graceful` (shutdown, or the server closed as announced) or `failed` (an error). */
type Ending = "graceful" | "failed";

/** One request and its response. */
interface Exchange {
  readonly method: string;
  readonly target: string;
  readonly headers: HeaderList;
  readonly head: Uint8Array;
  readonly body: Uint8Array | AsyncIterable<Uint8Array> | Iterable<Uint8Array> | null;
  /** How the body is framed on the wire. */
  readonly framing: RequestBodyFraming;
  /** The request says `Connection: close`: no request may follow it. */
  readonly closeAfter: boolean;
  readonly onInformational: ClientRequestInit["onInformational"];
  readonly resolve: (response: ClientResponse) => void;
  readonly reject: (error: unknown) => void;
  responded: boolean;
  channel: BodyChannel | null;
  /** When the whole request was queued for writing (with a clock): its response-head wait starts then. */
  sentAt: number | undefined;
}

/**
 * The sans-IO HTTP/1.1 client: a {@link Connection} to hand to `runtime.connect(options, client)`, and
 * the {@link request} method to send requests over it. Requests are written in order, pipelined as
 * `persistent` allows; responses are matched to them in order and their bodies streamed with backpressure.
 */
export class ClientConnection implements Connection {
  readonly #host: string | undefined;
  readonly #persistent: boolean | undefined;
  readonly #bodyHighWaterMark: number;
  readonly #parser: HeadParser<"response">;
  readonly #decoder: BodyDecoder;
  readonly #out: ConnectionOutput;
  readonly #reader = new PendingResume();
  readonly #bodyOwner: BodyOwner;
  readonly #sink: BodySink;
  /** Requests not yet written. */
  readonly #pending = new PendingQueue<Exchange>();
  /** Requests written (or being written), waiting for their response, in order. */
  readonly #inflight = new PendingQueue<Exchange>();
  /** The exchange whose streamed body is being written. */
  #writing: Exchange | null = null;
  #input: Input = "head";
  #closing = false;
  #shuttingDown = false;
  #serverCloses = false;
  #provenKeepAlive = false;
  #sentAny = false;
  #failure: unknown;
  readonly #onRequestHead: RequestObserver | undefined;
  readonly #finalise: ((client: ClientConnection) => void) | undefined;
  #finalised = false;
  /** Resolvers of {@link notify} promises, settled when `outstanding` changes or the connection closes. */
  #notifyWaiters: (() => void)[] = [];
  // ---- time (only with a driver clock: see setClock) ----
  readonly #responseHeadTimeout: number;
  readonly #keepAliveTimeout: number;
  #clock: Clock | undefined;
  #deadline: number | undefined;
  /** When the connection last had nothing outstanding (the keep-alive timeout runs from then). */
  #idleSince = 0;
  /** When the last response completed or a 1xx arrived: a pipelined response's head wait starts no earlier. */
  #lastProgress = 0;

  constructor(options: ClientOptions = {}) {
    this.#host = options.host;
    this.#persistent = options.persistent;
    this.#bodyHighWaterMark = positiveOption(options.bodyHighWaterMark, 64 * 1024, "bodyHighWaterMark");
    this.#responseHeadTimeout = timeoutOption(options.responseHeadTimeout, 60_000, "responseHeadTimeout");
    this.#keepAliveTimeout = timeoutOption(options.keepAliveTimeout, 4000, "keepAliveTimeout");
    this.#onRequestHead = options.onRequestHead;
    this.#finalise = options.finalise;
    this.#out = new ConnectionOutput(positiveOption(options.writeHighWaterMark, 64 * 1024, "writeHighWaterMark"));
    const limits = {
      maxStartLineBytes: positiveOption(options.maxStatusLineBytes, 8192, "maxStatusLineBytes"),
      maxHeadBytes: positiveOption(options.maxHeaderBytes, 65536, "maxHeaderBytes"),
      maxHeaderCount: positiveOption(options.maxHeaderCount, 256, "maxHeaderCount"),
      maxChunkExtensionBytes: positiveOption(
        options.maxChunkExtensionBytes,
        DEFAULT_MAX_CHUNK_EXTENSION_BYTES,
        "maxChunkExtensionBytes",
      ),
    };
    this.#parser = new HeadParser("response", limits);
    this.#decoder = new BodyDecoder(limits);
    this.#bodyOwner = { bodyDrained: () => this.#reader.wake(), bodyWanted: () => {} };
    this.#sink = {
      bodyData: (bytes, start, end) => {
        const channel = this.#inflight.peek()?.channel;
        if (channel && !channel.discarding) channel.push(bytes.slice(start, end));
      },
    };
  }

  /** Requests sent or queued whose response has not been completely received. */
  get outstanding(): number {
    return this.#pending.size + this.#inflight.size;
  }

  /**
   * Resolves the next time {@link outstanding} changes or the connection closes (at once if it is
   * closed already), as cohttp's `Connection.notify`. Never rejects.
   */
  notify(): Promise<void> {
    if (this.#input === "closed") return Promise.resolve();
    return new Promise<void>((resolve) => this.#notifyWaiters.push(resolve));
  }

  /**
   * Sends a request (queued behind earlier ones). Resolves with the response once its head arrived;
   * its body streams after. Rejects with `ConnectionClosedError` when the connection closes first (the
   * request may be retried on a new connection), `HttpParseError` for a malformed response, `TypeError`
   * for an invalid request.
   */
  request(init: ClientRequestInit = {}): Promise<ClientResponse> {
    if (this.#closing || this.#shuttingDown || this.#failure !== undefined) {
      return Promise.reject(new ConnectionClosedError("the connection is closed or shutting down: no new requests"));
    }
    if (this.#persistent === false && this.#sentAny) {
      return Promise.reject(
        new ConnectionClosedError("persistent: false sends one request per connection; open a new connection"),
      );
    }
    const method = init.method ?? "GET";
    let body = init.body ?? null;
    let bodySize: RequestBodySize;
    if (isStreamBody(body)) bodySize = "streamed";
    else if (typeof body === "string") {
      body = utf8(body);
      bodySize = body.length;
    } else if (body instanceof Uint8Array) bodySize = body.length;
    else bodySize = "absent";
    const target = init.target ?? "/";
    const headers = toHeaderList(init.headers);
    let encoded: ReturnType<typeof encodeRequestHead>;
    try {
      encoded = encodeRequestHead({
        method,
        target,
        headers,
        defaultHost: this.#host,
        bodySize,
        lastRequest: this.#persistent === false,
      });
    } catch (error) {
      return Promise.reject(error);
    }
    this.#sentAny = true;
    return new Promise<ClientResponse>((resolve, reject) => {
      this.#pending.push({
        method,
        target,
        headers,
        head: encoded.head,
        body: body as Exchange["body"],
        framing: encoded.framing,
        closeAfter: encoded.close,
        onInformational: init.onInformational,
        resolve,
        reject,
        responded: false,
        channel: null,
        sentAt: undefined,
      });
      this.#startNext();
      this.#rearm();
      this.#changed();
    });
  }

  /** Takes no new requests, lets the outstanding ones finish, then closes the connection. */
  shutdown(): void {
    if (this.#shuttingDown) return;
    this.#shuttingDown = true;
    this.#closeIfIdle();
  }

  /** Closes now: outstanding requests fail with `ConnectionClosedError`. */
  close(): void {
    this.#end(new ConnectionClosedError("the connection was closed"), "graceful");
  }

  // ---- Connection: input ----------------------------------------------------------------------

  nextReadOperation(): ReadOperation {
    switch (this.#input) {
      case "head":
        return "read";
      case "body": {
        const channel = this.#inflight.peek()?.channel;
        return channel && !channel.wantsMore() ? "yield" : "read";
      }
      case "upgraded":
        return "yield";
      case "closed":
        return "close";
    }
  }

  read(buffer: Uint8Array, offset: number, length: number): number {
    const end = offset + length;
    let pos = offset;
    while (pos < end) {
      if (this.#input === "head") {
        if (this.#inflight.size === 0) {
          this.#end(new HttpParseError("unexpected-data", "the server sent bytes no request asked for"), "failed");
          return length;
        }
        const parser = this.#parser;
        pos += parser.parse(buffer, pos, end);
        if (parser.error) {
          this.#end(parser.error, "failed");
          return length;
        }
        if (!parser.done) break;
        this.#onHead(parser.take());
      } else if (this.#input === "body") {
        const exchange = this.#inflight.peek() as Exchange;
        const channel = exchange.channel;
        if (channel && !channel.wantsMore()) break;
        const decoder = this.#decoder;
        const n = decoder.decode(buffer, pos, end, this.#sink);
        pos += n;
        if (decoder.error) {
          this.#end(decoder.error, "failed");
          return length;
        }
        if (decoder.done) this.#onBodyDone();
        else if (n === 0) break;
      } else break;
    }
    return pos - offset;
  }

  readEof(buffer: Uint8Array, offset: number, length: number): number {
    const consumed = this.read(buffer, offset, length);
    if (this.#input === "upgraded") return consumed;
    if (this.#input === "body") {
      const channel = this.#inflight.peek()?.channel;
      if (channel && !channel.wantsMore()) return consumed;
      this.#decoder.end();
      if (this.#decoder.done) {
        this.#onBodyDone();
      } else {
        this.#end(this.#decoder.error ?? new ConnectionClosedError("the connection closed mid-body"), "failed");
        return consumed;
      }
    }
    if (this.#input !== "closed") {
      const error =
        this.#parser.started && this.#inflight.size > 0
          ? new HttpParseError("incomplete-message", "the connection closed in the middle of a response head")
          : new ConnectionClosedError("the server closed the connection before responding");
      this.#end(error, "failed");
    }
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
      // The server stopped reading. Responses already on their way may still arrive.
      this.#out.written(result);
      this.#failPending(new ConnectionClosedError("the server closed the connection; the request was not sent"));
      return;
    }
    this.#out.written(result);
  }

  yieldWriter(resume: () => void): void {
    this.#out.yieldWriter(resume);
  }

  // ---- Connection: lifecycle ------------------------------------------------------------------

  reportError(error: unknown): void {
    this.#end(error, "failed");
  }

  /** True once the connection is finished in both directions (no request can be sent on it). */
  isClosed(): boolean {
    return this.#input === "closed" && this.#out.closed;
  }

  // ---- Connection: time -----------------------------------------------------------------------

  setClock(clock: Clock): void {
    this.#clock = clock;
    this.#idleSince = clock.now();
    this.#lastProgress = this.#idleSince;
    for (let i = 0, exchange = this.#inflight.at(0); exchange !== undefined; exchange = this.#inflight.at(++i))
      if (!exchange.responded && this.#writing !== exchange) exchange.sentAt ??= this.#idleSince;
    this.#rearm();
  }

  nextDeadline(): number | undefined {
    return this.#deadline;
  }

  handleTimeout(now: number): void {
    const deadline = this.#deadline;
    if (deadline === undefined || now < deadline) return;
    const first = this.#inflight.peek();
    if (this.#input === "head" && first !== undefined && !first.responded) {
      // No byte of the response yet: the request may be sent again elsewhere.
      const retryable = !this.#parser.started;
      this.#end(new HttpTimeoutError("response-head", this.#responseHeadTimeout, { retryable }), "failed");
    } else if (this.outstanding === 0) {
      this.#end(new HttpTimeoutError("keep-alive", this.#keepAliveTimeout), "graceful");
    }
    this.#rearm();
  }

  /** Recomputes the deadline {@link nextDeadline} answers (no timer is touched here). */
  #rearm(): void {
    if (this.#clock === undefined) return;
    let deadline: number | undefined;
    const first = this.#inflight.peek();
    if (this.#input === "head" && !this.#closing && this.#failure === undefined) {
      if (first !== undefined) {
        if (!first.responded && first.sentAt !== undefined && this.#responseHeadTimeout > 0) {
          deadline = Math.max(first.sentAt, this.#lastProgress) + this.#responseHeadTimeout;
        }
      } else if (this.#pending.size === 0 && this.#keepAliveTimeout > 0) {
        deadline = this.#idleSince + this.#keepAliveTimeout;
      }
    }
    this.#deadline = deadline;
  }

  /** The whole request of `exchange` is queued: its response-head wait starts. */
  #requestSent(exchange: Exchange): void {
    if (this.#clock === undefined) return;
    exchange.sentAt = this.#clock.now();
    this.#rearm();
  }

  /** `outstanding` changed or the connection closed: settle the {@link notify} promises. */
  #changed(): void {
    const waiters = this.#notifyWaiters;
    if (waiters.length === 0) return;
    this.#notifyWaiters = [];
    for (const resolve of waiters) resolve();
  }

  // ---- writing requests -----------------------------------------------------------------------

  #mayStartNext(): boolean {
    if (
      this.#writing !== null ||
      this.#out.closed ||
      this.#closing ||
      this.#serverCloses ||
      this.#failure !== undefined
    ) {
      return false;
    }
    if (this.#inflight.size === 0) return true;
    const last = this.#inflight.at(this.#inflight.size - 1) as Exchange;
    if (last.closeAfter) return false;
    return this.#persistent === true || (this.#persistent === undefined && this.#provenKeepAlive);
  }

  #startNext(): void {
    while (this.#pending.size > 0 && this.#mayStartNext()) {
      const exchange = this.#pending.shift() as Exchange;
      this.#inflight.push(exchange);
      this.#observe(exchange);
      this.#out.send(exchange.head);
      const body = exchange.body;
      if (body === null || body instanceof Uint8Array) {
        if (body !== null) this.#out.send(body);
        this.#requestSent(exchange);
      } else {
        this.#writing = exchange;
        void this.#pump(exchange, body);
      }
    }
  }

  /** Tells the request-head observer, if any (an observer that throws is ignored). */
  #observe(exchange: Exchange): void {
    const observer = this.#onRequestHead;
    if (observer === undefined) return;
    try {
      observer({ method: exchange.method, target: exchange.target, headers: exchange.headers, bytes: exchange.head });
    } catch {
      // The observer's failure does not break the exchange.
    }
  }

  async #pump(exchange: Exchange, body: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): Promise<void> {
    const out = this.#out;
    const encoder = new BodyEncoder();
    const framing = exchange.framing;
    if (framing.kind === "length") encoder.start("length", framing.length);
    else encoder.start(framing.kind);
    try {
      for await (const chunk of body) {
        if (this.#failure !== undefined || out.closed || this.#closing) return;
        encoder.write(out, typeof chunk === "string" ? utf8(chunk) : chunk);
        if (!out.belowHighWaterMark) await out.drained();
      }
      if (this.#failure !== undefined || out.closed || this.#closing) return;
      const missing = encoder.end(out);
      if (missing !== 0) throw new RangeError(`the request body is ${missing} bytes short of its Content-Length`);
      this.#writing = null;
      this.#requestSent(exchange);
      this.#startNext();
    } catch (error) {
      // The request cannot be completed on this connection.
      if (this.#failure === undefined) this.#end(error, "failed");
    }
  }

  // ---- reading responses ----------------------------------------------------------------------

  #onHead(head: ResponseHead): void {
    const exchange = this.#inflight.peek() as Exchange;
    const status = head.status;
    if (status < 200 && status !== 101) {
      this.#progress();
      try {
        exchange.onInformational?.(status, head.headers);
      } catch {
        // The caller's observer failed; the exchange goes on.
      }
      return;
    }
    const framing = responseBodyFraming(exchange.method, status, head);
    const keepAlive = status !== 101 && keepAliveAfter(head, framing);
    const length = framing === "length" ? head.contentLength : null;
    const channel = framing === "none" ? null : new BodyChannel(this.#bodyOwner, length, this.#bodyHighWaterMark);
    exchange.channel = channel;
    exchange.responded = true;
    if (keepAlive) {
      this.#provenKeepAlive = true;
    } else {
      this.#serverCloses = true;
      this.#failPending(new ConnectionClosedError("the server is closing the connection; the request was not sent"));
    }
    this.#decoder.start(framing, length ?? 0);
    this.#input = "body";
    exchange.resolve(
      new ReceivedResponse(status, head.reason, head.version, head.headers, (channel ?? EMPTY_BODY) as Body),
    );
    if (status === 101) {
      this.#inflight.shift();
      this.#input = "upgraded";
      this.#deadline = undefined;
      this.#changed();
      return;
    }
    if (this.#decoder.done) this.#onBodyDone();
  }

  #onBodyDone(): void {
    const exchange = this.#inflight.shift() as Exchange;
    exchange.channel?.end(this.#decoder.trailers);
    exchange.channel = null;
    this.#input = "head";
    this.#progress();
    this.#changed();
    if (this.#serverCloses || exchange.closeAfter) {
      this.#end(
        new ConnectionClosedError("the server closed the connection; the request was not answered"),
        "graceful",
      );
      return;
    }
    this.#startNext();
    this.#closeIfIdle();
    this.#rearm();
    this.#reader.wake();
  }

  /** A response completed or a 1xx arrived: the next response-head wait (and idling) starts now. */
  #progress(): void {
    if (this.#clock === undefined) return;
    this.#lastProgress = this.#clock.now();
    this.#idleSince = this.#lastProgress;
  }

  // ---- closing --------------------------------------------------------------------------------

  #closeIfIdle(): void {
    if (this.#shuttingDown && this.outstanding === 0 && !this.#closing) {
      this.#closing = true;
      this.#input = "closed";
      this.#deadline = undefined;
      this.#callFinalise();
      this.#out.finish();
      this.#reader.wake();
      this.#changed();
    }
  }

  /** Calls the `finalise` hook once, when the connection closes (before waiting requests are failed). */
  #callFinalise(): void {
    if (this.#finalised) return;
    this.#finalised = true;
    try {
      this.#finalise?.(this);
    } catch {
      // The hook's failure does not stop the close.
    }
  }

  #failPending(error: unknown): void {
    if (this.#pending.failAll(error) > 0) this.#changed();
  }

  /**
   * Ends the connection. `graceful`: a normal close (the remaining requests fail with `error`);
   * `failed`: `error` is a failure that every outstanding request and open body hears.
   */
  #end(error: unknown, ending: Ending): void {
    if (this.#input === "closed" && (this.#closing || this.#failure !== undefined)) return;
    if (ending === "graceful") this.#closing = true;
    else this.#failure = error;
    this.#input = "closed";
    this.#deadline = undefined;
    this.#writing = null;
    this.#callFinalise();
    this.#out.discard(error);
    this.#out.finish();
    // The exchange under way hears the error itself; the ones behind it were never answered, which
    // is worth a retry on another connection: they get ConnectionClosedError (the error as `cause`).
    const unanswered =
      error instanceof ConnectionClosedError
        ? error
        : new ConnectionClosedError("the connection failed before this request was answered", { cause: error });
    const inflight = this.#inflight;
    for (let first = true, exchange = inflight.shift(); exchange !== undefined; exchange = inflight.shift()) {
      if (exchange.responded) exchange.channel?.fail(error);
      else exchange.reject(first ? error : unanswered);
      first = false;
    }
    this.#failPending(unanswered);
    this.#changed();
    this.#reader.wake();
    this.#out.wake();
  }
}

/** Makes an HTTP/1.1 client connection; hand it to `runtime.connect(options, client)`, then call `request()`. */
export function createClientConnection(options?: ClientOptions): ClientConnection {
  return new ClientConnection(options);
}
