import type { Body, HeaderList, HeadersInit } from "@sansio/http1";
import { getHeader } from "@sansio/http1";
import { Deferred } from "@sansio/runtime-api";
import { emptyBody, Http2Body } from "./connection/body.js";
import type { Http2Options } from "./connection/options.js";
import { Http2Session } from "./connection/session.js";
import type { Http2Stream, StreamListener } from "./connection/stream.js";
import { Http2StreamError } from "./errors.js";
import type { ErrorCodeName } from "./frame/constants.js";
import { streamError } from "./frame/errors.js";
import { headerList } from "./message/headers.js";
import { knownLength, type OutgoingBody, pumpBody, toBytes } from "./message/send-body.js";
import { outgoingFields, parseRequestHead, parseResponseHead, parseTrailers } from "./message/validate.js";

/** A response the server pushes (RFC 9113 §8.4): the request it promises to answer, and the answer. */
export interface Http2Push {
  /** The promised stream. */
  readonly streamId: number;
  /** The request whose response carried the promise. */
  readonly associatedStreamId: number;
  readonly method: string;
  readonly path: string;
  readonly authority: string;
  readonly scheme: string;
  /** The promised request's header fields (pseudo-headers removed). */
  readonly headers: HeaderList;
  /** The pushed response, once its headers arrive. */
  readonly response: Promise<Http2Response>;
}

/** Options of an HTTP/2 client connection. */
export interface Http2ClientOptions extends Http2Options {
  /**
   * Accepts server push: SETTINGS_ENABLE_PUSH is 1 and each PUSH_PROMISE is shown here; return false
   * to refuse it (RST_STREAM CANCEL). Without it, push is disabled (SETTINGS_ENABLE_PUSH 0).
   */
  readonly onPush?: (push: Http2Push) => boolean | undefined;
  /** `:authority` of requests that do not give one (e.g. `"example.com"` or `"127.0.0.1:8443"`). */
  readonly authority?: string;
  /** `:scheme` of requests that do not give one. Default `"https"`. */
  readonly scheme?: string;
}

/** One request to send. */
export interface Http2RequestInit {
  /** Method. Default `"GET"`. */
  readonly method?: string;
  /** `:path`. Default `"/"`. */
  readonly path?: string;
  /** `:authority`. Default the connection's `authority` (or a `host` header). */
  readonly authority?: string;
  /** `:scheme`. Default the connection's `scheme`. */
  readonly scheme?: string;
  /** Headers to send (names are lower-cased; connection-specific ones are dropped, as HTTP/2 requires). */
  readonly headers?: HeadersInit;
  /** For {@link Http2ClientConnection.request}: the body (bytes, text, or chunks to stream). */
  readonly body?: OutgoingBody;
  /** Told about interim (1xx) responses before the final one. */
  readonly onInformational?: (status: number, headers: HeaderList) => void;
}

/** A response received by the client. */
export interface Http2Response {
  /** Always `"HTTP/2"`. */
  readonly version: "HTTP/2";
  /** The stream the exchange ran on. */
  readonly streamId: number;
  /** Status code. */
  readonly status: number;
  /** Header fields (pseudo-headers removed), flat name/value pairs in the order received. */
  readonly headers: HeaderList;
  /** The body (its `trailers` once it ended). Reading it gives the server flow-control credit back. */
  readonly body: Body;
  /** The first value of header `name` (any case). */
  header(name: string): string | undefined;
}

/** A request whose body is written piece by piece ({@link Http2ClientConnection.stream}). */
export interface Http2ClientStream {
  /** The stream identifier, or 0 while the request waits for a free stream slot. */
  readonly id: number;
  /** The response; rejects with {@link Http2StreamError} or {@link Http2ConnectionError}. */
  readonly response: Promise<Http2Response>;
  /** Queues a body chunk; resolves when the stream's queue is below the high-water mark (flow control backpressure). */
  write(chunk: Uint8Array | string): Promise<void>;
  /** Ends the request body, optionally with a last chunk and trailers. */
  end(chunk?: Uint8Array | string, trailers?: HeadersInit): void;
  /** Cancels the request (RST_STREAM CANCEL). */
  cancel(): void;
}

interface Exchange {
  readonly stream: Http2Stream;
  readonly fields: string[];
  /** The request has no body: HEADERS carries END_STREAM. */
  readonly headersOnly: boolean;
  readonly response: Deferred<Http2Response>;
  readonly head: boolean;
  started: boolean;
  cancelled: boolean;
}

/**
 * An HTTP/2 client connection (OCaml h2's `Client_connection`): many requests at once over one
 * connection, up to the server's SETTINGS_MAX_CONCURRENT_STREAMS (more wait their turn; they do not
 * fail), request bodies with backpressure from flow control, `ping`, and `shutdown` with GOAWAY. Run it
 * with any runtime: `await runtime.connect({ hostname, port }, client)`.
 */
export class Http2ClientConnection extends Http2Session {
  readonly #authority: string | undefined;
  readonly #scheme: string;
  /** Requests waiting for a stream slot, in order. */
  readonly #waiting: Exchange[] = [];

  readonly #onPush: ((push: Http2Push) => boolean | undefined) | undefined;

  constructor(options: Http2ClientOptions = {}) {
    super(false, options, { enablePush: options.onPush !== undefined });
    this.#authority = options.authority;
    this.#scheme = options.scheme ?? "https";
    this.#onPush = options.onPush;
  }

  /** Requests in flight (open streams we started). */
  get activeStreams(): number {
    return this.activeLocalStreams;
  }

  /** Requests waiting for a stream slot. */
  get queuedRequests(): number {
    return this.#waiting.length;
  }

  /** Sends a request with its whole body (`init.body`); resolves with the response once its headers arrived. */
  request(init: Http2RequestInit = {}): Promise<Http2Response> {
    const body = init.body;
    const bytes = knownLength(body);
    const exchange = this.#open(init, bytes !== null && bytes.length === 0, bytes?.length ?? null);
    if (exchange instanceof Error) return Promise.reject(exchange);
    if (bytes !== null) {
      if (bytes.length > 0) this.endData(exchange.stream, null, bytes);
    } else {
      void pumpBody(
        body as AsyncIterable<Uint8Array>,
        (chunk) => this.sendData(exchange.stream, chunk),
        () => this.endData(exchange.stream, null),
        (error) => this.#cancel(exchange, "CANCEL", `the request body failed: ${String(error)}`),
      );
    }
    return exchange.response.promise;
  }

  /** Starts a request whose body is written with `write`/`end` (`init.body` is ignored). */
  stream(init: Http2RequestInit = {}): Http2ClientStream {
    const exchange = this.#open(init, false, null);
    if (exchange instanceof Error) {
      const failed = new Deferred<Http2Response>();
      failed.reject(exchange);
      return {
        id: 0,
        response: failed.promise,
        write: () => Promise.reject(exchange),
        end: () => {},
        cancel: () => {},
      };
    }
    return {
      get id() {
        return exchange.stream.id;
      },
      response: exchange.response.promise,
      write: (chunk) => this.sendData(exchange.stream, toBytes(chunk)),
      end: (chunk, trailers) => {
        const fields = trailers === undefined ? null : outgoingFields(headerList(trailers), []);
        this.endData(exchange.stream, fields, chunk === undefined ? undefined : toBytes(chunk));
      },
      cancel: () => this.#cancel(exchange, "CANCEL", "the request was cancelled"),
    };
  }

  #open(init: Http2RequestInit, headersOnly: boolean, contentLength: number | null): Exchange | Error {
    if (this.goawayReceived?.code === "NO_ERROR" || (this.goawaySent && this.failure === null)) {
      return new Http2StreamError(
        "REFUSED_STREAM",
        0,
        this.goawayReceived !== null,
        true,
        "the connection is shutting down: no new requests",
      );
    }
    if (this.failure !== null) return this.failure;
    const method = init.method ?? "GET";
    const headers = headerList(init.headers);
    const authority = init.authority ?? this.#authority ?? getHeader(headers, "host");
    const fields = [":method", method, ":scheme", init.scheme ?? this.#scheme];
    if (authority !== undefined) fields.push(":authority", authority);
    fields.push(":path", init.path ?? "/");
    outgoingFields(headers, fields);
    if (contentLength !== null && contentLength > 0 && getHeader(headers, "content-length") === undefined) {
      fields.push("content-length", String(contentLength));
    }
    const response = new Deferred<Http2Response>();
    const exchange: Exchange = {
      stream: undefined as unknown as Http2Stream,
      fields,
      headersOnly,
      response,
      head: method === "HEAD",
      started: false,
      cancelled: false,
    };
    (exchange as { stream: Http2Stream }).stream = this.createLocalStream(this.#listener(exchange, init));
    this.#waiting.push(exchange);
    this.#startWaiting();
    return exchange;
  }

  /** Starts waiting requests while the server's concurrency limit allows. */
  #startWaiting(): void {
    while (
      this.#waiting.length > 0 &&
      this.failure === null &&
      this.activeLocalStreams < this.negotiation.remote.maxConcurrentStreams
    ) {
      const exchange = this.#waiting.shift() as Exchange;
      if (exchange.cancelled) continue;
      if (!this.startLocalStream(exchange.stream)) {
        exchange.response.reject(
          new Http2StreamError(
            "REFUSED_STREAM",
            0,
            false,
            true,
            "stream identifiers are exhausted: open a new connection",
          ),
        );
        continue;
      }
      exchange.started = true;
      this.sendHeaders(exchange.stream, exchange.fields, exchange.headersOnly);
    }
  }

  #listener(exchange: Exchange, init: Http2RequestInit): StreamListener {
    let phase: "head" | "body" | "done" = "head";
    return {
      headers: (fields, endStream) => {
        const stream = exchange.stream;
        if (phase === "body") {
          if (!endStream) return streamError("PROTOCOL_ERROR", stream.id, "trailers without END_STREAM");
          const trailers = parseTrailers(fields);
          if ("malformed" in trailers) return streamError("PROTOCOL_ERROR", stream.id, trailers.malformed);
          phase = "done";
          stream.body?.end(trailers);
          return null;
        }
        if (phase === "done") return streamError("PROTOCOL_ERROR", stream.id, "HEADERS after the response ended");
        const head = parseResponseHead(fields);
        if ("malformed" in head) return streamError("PROTOCOL_ERROR", stream.id, head.malformed);
        if (head.status < 200) {
          if (endStream) return streamError("PROTOCOL_ERROR", stream.id, "an interim response cannot end the stream");
          init.onInformational?.(head.status, head.headers);
          return null;
        }
        const bodyless = exchange.head || head.status === 204 || head.status === 304;
        stream.expectedLength = bodyless ? null : head.contentLength;
        const body = endStream ? emptyBody() : new Http2Body(stream.expectedLength, (n) => this.consumed(stream, n));
        this.attachBody(stream, body);
        phase = endStream ? "done" : "body";
        exchange.response.resolve(new Response(stream.id, head.status, head.headers, body));
        return null;
      },
      headersTooLarge: () => {
        this.resetStream(exchange.stream, "PROTOCOL_ERROR", "response headers larger than maxHeaderListSize");
      },
      failed: (error) => {
        exchange.response.reject(error);
      },
      closed: () => {
        if (phase === "head")
          exchange.response.reject(
            new Http2StreamError(
              "PROTOCOL_ERROR",
              exchange.stream.id,
              false,
              false,
              "the stream closed without a response",
            ),
          );
      },
    };
  }

  #cancel(exchange: Exchange, code: ErrorCodeName, message: string): void {
    if (exchange.cancelled) return;
    exchange.cancelled = true;
    if (!exchange.started) {
      const index = this.#waiting.indexOf(exchange);
      if (index >= 0) this.#waiting.splice(index, 1);
      const error = new Http2StreamError(code, 0, false, false, message);
      exchange.stream.outgoing.fail(error);
      exchange.response.reject(error);
      return;
    }
    this.resetStream(exchange.stream, code, message);
  }

  /**
   * The h2c upgrade succeeded (see {@link connectH2c}): the request sent over HTTP/1.1 is stream 1,
   * whose response comes over HTTP/2. `method` is the request's (HEAD responses have no content).
   */
  adoptUpgrade(method: string): Promise<Http2Response> {
    const response = new Deferred<Http2Response>();
    const streams = this.streams;
    const exchange: Exchange = {
      get stream() {
        return streams.get(1) as Http2Stream;
      },
      fields: [],
      headersOnly: true,
      response,
      head: method === "HEAD",
      started: true,
      cancelled: false,
    };
    this.adoptUpgradedRequest(this.#listener(exchange, {}));
    return response.promise;
  }

  protected override acceptPush(streamId: number, promisedStreamId: number, fields: string[]): StreamListener | null {
    const onPush = this.#onPush;
    if (onPush === undefined) return null;
    const head = parseRequestHead(fields);
    // Only safe, cacheable requests may be pushed (RFC 9113 §8.4).
    if ("malformed" in head || (head.method !== "GET" && head.method !== "HEAD")) return null;
    const streams = this.streams;
    const exchange: Exchange = {
      get stream() {
        return streams.get(promisedStreamId) as Http2Stream;
      },
      fields: [],
      headersOnly: true,
      response: new Deferred<Http2Response>(),
      head: head.method === "HEAD",
      started: true,
      cancelled: false,
    };
    const push: Http2Push = {
      streamId: promisedStreamId,
      associatedStreamId: streamId,
      method: head.method,
      path: head.path,
      authority: head.authority,
      scheme: head.scheme,
      headers: head.headers,
      response: exchange.response.promise,
    };
    if (onPush(push) === false) return null;
    return this.#listener(exchange, {});
  }

  protected acceptStream(): StreamListener | null {
    return null; // a server opens streams only by PUSH_PROMISE (see acceptPush)
  }

  protected streamEnded(): void {
    this.#startWaiting();
  }

  protected override remoteSettingsChanged(): void {
    this.#startWaiting();
  }

  protected connectionEnded(error: Error): void {
    for (const exchange of this.#waiting.splice(0)) {
      exchange.stream.outgoing.fail(error);
      exchange.response.reject(error);
    }
  }

  protected goawayArrived(lastStreamId: number, code: ErrorCodeName): void {
    const refused = (id: number): Http2StreamError =>
      new Http2StreamError(
        "REFUSED_STREAM",
        id,
        true,
        true,
        `the server will not process stream ${id} (GOAWAY ${code}, last stream ${lastStreamId}): safe to retry`,
      );
    for (const exchange of this.#waiting.splice(0)) {
      exchange.stream.outgoing.fail(refused(0));
      exchange.response.reject(refused(0));
    }
    for (const stream of [...this.streams.values()]) {
      if (stream.id > lastStreamId && stream.state !== "closed") this.abandon(stream, refused(stream.id));
    }
  }

  protected idle(): boolean {
    return this.#waiting.length === 0;
  }
}

/** A received response. */
class Response implements Http2Response {
  readonly version = "HTTP/2" as const;
  constructor(
    readonly streamId: number,
    readonly status: number,
    readonly headers: HeaderList,
    readonly body: Body,
  ) {}

  header(name: string): string | undefined {
    return getHeader(this.headers, name);
  }
}

/** Creates an HTTP/2 client connection (see {@link Http2ClientConnection}). */
export function createHttp2ClientConnection(options: Http2ClientOptions = {}): Http2ClientConnection {
  return new Http2ClientConnection(options);
}
