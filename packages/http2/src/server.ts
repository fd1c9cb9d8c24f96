import type { Body, HeaderList, HeadersInit, IncomingRequest, ResponseWriter } from "@sansio/http1";
import { getHeader, getHeaderAll, hasToken } from "@sansio/http1";
import type { Accept, Connection, Session } from "@sansio/runtime-api";
import { emptyBody, Http2Body } from "./connection/body.js";
import type { Http2Options } from "./connection/options.js";
import { Http2Session } from "./connection/session.js";
import type { Http2Stream, StreamListener } from "./connection/stream.js";
import type { ErrorCodeName } from "./frame/constants.js";
import { streamError } from "./frame/errors.js";
import type { Setting } from "./frame/frames.js";
import { checkSetting } from "./frame/parse.js";
import { headerList } from "./message/headers.js";
import { knownLength, type OutgoingBody, pumpBody, toBytes } from "./message/send-body.js";
import { DEFAULT_MAX_UPGRADE_BODY_SIZE, planUpgradeBody, ReplayBody, readUpgradeBody } from "./message/upgrade-body.js";
import { outgoingFields, parseRequestHead, parseTrailers } from "./message/validate.js";
import { PrefaceSniffer } from "./sniff.js";

/**
 * A request as the server received it. The shape of `@sansio/http1`'s `IncomingRequest` (method,
 * target, headers, streamed body, `header()`), plus the HTTP/2 pseudo-header fields.
 */
export interface Http2Request {
  /** Always `"HTTP/2"`. */
  readonly version: "HTTP/2";
  /** `:method`. */
  readonly method: string;
  /** The request target: `:path` (origin-form), or `:authority` for CONNECT. */
  readonly target: string;
  /** `:path`. */
  readonly path: string;
  /** `:authority` (or the `host` header when `:authority` is absent). */
  readonly authority: string;
  /** `:scheme`. */
  readonly scheme: string;
  /** Header fields (pseudo-headers removed), flat name/value pairs in the order received. */
  readonly headers: HeaderList;
  /** The body, streamed; reading it gives the client flow-control credit back. Trailers on `body.trailers`. */
  readonly body: Body;
  /** Always null: HTTP/2 has no `Upgrade`. */
  readonly upgrade: null;
  /** The socket this request came on, when the connection was made by {@link http2Server}. */
  readonly session: Session | undefined;
  /** The stream identifier. */
  readonly streamId: number;
  /** The first value of header `name` (any case). */
  header(name: string): string | undefined;
}

/** How the handler answers one request: `respond` once, or `writeHead`, `write`..., `end`. */
export interface Http2ResponseWriter {
  /** True once the response HEADERS were queued. */
  readonly headersSent: boolean;
  /** True once the response is complete. */
  readonly finished: boolean;
  /** True when the stream was reset or the connection lost: writes are dropped. */
  readonly aborted: boolean;
  /** Sends a complete response: status, headers and body (bytes, text, or chunks to stream). */
  respond(status: number, headers?: HeadersInit, body?: OutgoingBody): void;
  /** Sends the status and headers of a streamed response. */
  writeHead(status: number, headers?: HeadersInit): void;
  /**
   * Queues a body chunk (sends 200 headers first if needed); resolves when the stream's queue is below
   * the high-water mark: `await` it for backpressure (flow control included). Rejects once the stream failed.
   */
  write(chunk: Uint8Array | string): Promise<void>;
  /** Finishes the response, optionally with a last chunk and trailers. */
  end(chunk?: Uint8Array | string, trailers?: HeadersInit): void;
}

/** Handles one request. A thrown error or rejection answers 500 (or resets the stream once headers were sent). */
export type Http2Handler = (request: Http2Request, response: Http2ResponseWriter) => void | Promise<void>;

/** A response head as the server sends it, shown to {@link Http2ResponseObserver}. */
export interface ObservedHttp2ResponseHead {
  /** The `:status`. */
  readonly status: number;
  /**
   * The header fields sent, without `:status`: names lower-cased, the connection-specific fields
   * HTTP/2 forbids removed. Only valid during the call: copy what you keep.
   */
  readonly headers: HeaderList;
  /** The stream the response goes on. */
  readonly streamId: number;
}

/**
 * Told about every response head just before it is queued (access logs, metrics), the ones the server
 * makes itself included (431, 500). `request` is undefined for the 431 to a header block too large to
 * decode. An observer that throws does not break the exchange (`onError` hears it).
 */
export type Http2ResponseObserver = (head: ObservedHttp2ResponseHead, request: Http2Request | undefined) => void;

/** Options of an HTTP/2 server connection. */
export interface Http2ServerOptions extends Http2Options {
  /** The session the connection runs on (set by {@link http2Server}); exposed as `request.session`. */
  readonly session?: Session;
  /** Told about every response head just before it is queued. */
  readonly onResponseHead?: Http2ResponseObserver;
  /**
   * Told about handler and observer failures (`request` undefined for an observer failing on a 431).
   * Default `console.error`.
   */
  readonly onError?: (error: unknown, request: Http2Request | undefined) => void;
}

/**
 * An HTTP/2 server connection: reads the client preface, serves each stream with `handler`, enforces
 * the limits (concurrent streams, header list size, floods), and shuts down gracefully with GOAWAY.
 */
export class Http2ServerConnection extends Http2Session {
  readonly #handler: Http2Handler;
  readonly #session: Session | undefined;
  readonly #onError: (error: unknown, request: Http2Request | undefined) => void;
  readonly #onResponseHead: Http2ResponseObserver | undefined;

  constructor(handler: Http2Handler, options: Http2ServerOptions = {}, upgraded?: UpgradedRequest) {
    super(true, options, { enablePush: false });
    this.#handler = handler;
    this.#session = options.session;
    this.#onError = options.onError ?? ((error) => console.error("@sansio/http2: handler failed:", error));
    this.#onResponseHead = options.onResponseHead;
    if (upgraded !== undefined) this.#adopt(upgraded);
  }

  /** Serves the request that came over HTTP/1.1 with `Upgrade: h2c` on stream 1. */
  #adopt(upgraded: UpgradedRequest): void {
    let writer: Writer | undefined;
    const listener: StreamListener = {
      headers: () => streamError("PROTOCOL_ERROR", 1, "HEADERS on the upgraded stream"),
      headersTooLarge: () => {},
      failed: () => writer?.abort(),
      closed: () => {},
    };
    const stream = this.adoptUpgradedStream(listener, upgraded.settings);
    // The body came over HTTP/1.1: reading it owes the client no flow-control credit.
    const body = new Http2Body(upgraded.body.length, () => {});
    body.push(upgraded.body);
    body.end();
    this.attachBody(stream, body);
    const { method, path, authority, headers } = upgraded;
    const request = new Request(1, method, path, authority, "http", headers, body, this.#session);
    const w = new Writer(this, stream, request, method === "HEAD");
    writer = w;
    queueMicrotask(() => this.#run(request, w));
  }

  protected acceptStream(id: number): StreamListener {
    let phase: "head" | "body" | "done" = "head";
    let writer: Writer | undefined;
    const stream = (): Http2Stream => this.streams.get(id) as Http2Stream;
    return {
      headers: (fields, endStream) => {
        const s = stream();
        if (phase !== "head") {
          if (!endStream) return streamError("PROTOCOL_ERROR", id, "trailers without END_STREAM");
          const trailers = parseTrailers(fields);
          if ("malformed" in trailers) return streamError("PROTOCOL_ERROR", id, trailers.malformed);
          phase = "done";
          s.body?.end(trailers);
          return null;
        }
        const head = parseRequestHead(fields);
        if ("malformed" in head) return streamError("PROTOCOL_ERROR", id, head.malformed);
        s.expectedLength = head.contentLength;
        const body = endStream ? emptyBody() : new Http2Body(head.contentLength, (n) => this.consumed(s, n));
        this.attachBody(s, body);
        phase = endStream ? "done" : "body";
        const request = new Request(
          id,
          head.method,
          head.path,
          head.authority,
          head.scheme,
          head.headers,
          body,
          this.#session,
        );
        const w = new Writer(this, s, request, head.method === "HEAD");
        writer = w;
        queueMicrotask(() => this.#run(request, w));
        return null;
      },
      headersTooLarge: () => {
        const s = stream();
        this.attachBody(s, emptyBody());
        const w = new Writer(this, s, undefined);
        writer = w;
        w.respond(431, { "content-type": "text/plain" }, "request header fields too large\n");
      },
      failed: () => {
        writer?.abort();
      },
      closed: () => {},
    };
  }

  async #run(request: Request, writer: Writer): Promise<void> {
    try {
      await this.#handler(request, writer);
    } catch (error) {
      if (writer.aborted) return; // the stream or connection is gone: the handler only noticed it
      this.#onError(error, request);
      if (!writer.headersSent) writer.respond(500, { "content-type": "text/plain" }, "internal server error\n");
      else if (!writer.finished) writer.reset("INTERNAL_ERROR");
    }
    // The exchange is over for the handler: an unread request body is dropped (its credit given back).
    if (writer.finished && !writer.aborted) void request.body.discard();
  }

  protected streamEnded(): void {}

  protected connectionEnded(): void {}

  protected goawayArrived(): void {}

  protected idle(): boolean {
    return true;
  }

  /** @internal Tells the response observer, if any, about a head about to be queued. */
  _observe(status: number, fields: readonly string[], streamId: number, request: Http2Request | undefined): void {
    const observer = this.#onResponseHead;
    if (observer === undefined) return;
    try {
      // fields start with ":status", value: the observer sees the regular fields only.
      observer({ status, headers: fields.slice(2), streamId }, request);
    } catch (error) {
      // The observer's failure does not break the exchange.
      this.#onError(error, request);
    }
  }

  // Bridges for the response writer (the session's send methods are protected).
  /** @internal */ _headers(stream: Http2Stream, fields: string[], end: boolean): void {
    this.sendHeaders(stream, fields, end);
  }
  /** @internal */ _data(stream: Http2Stream, chunk: Uint8Array): Promise<void> {
    return this.sendData(stream, chunk);
  }
  /** @internal */ _end(stream: Http2Stream, trailers: string[] | null, last?: Uint8Array): void {
    this.endData(stream, trailers, last);
  }
  /** @internal */ _reset(stream: Http2Stream, code: ErrorCodeName): void {
    this.resetStream(stream, code, `the server reset the stream: ${code}`);
  }
}

class Request implements Http2Request {
  readonly version = "HTTP/2" as const;
  readonly upgrade = null;
  readonly target: string;
  constructor(
    readonly streamId: number,
    readonly method: string,
    readonly path: string,
    readonly authority: string,
    readonly scheme: string,
    readonly headers: HeaderList,
    readonly body: Body,
    readonly session: Session | undefined,
  ) {
    this.target = method === "CONNECT" ? authority : path;
  }

  header(name: string): string | undefined {
    return getHeader(this.headers, name);
  }
}

class Writer implements Http2ResponseWriter {
  headersSent = false;
  finished = false;
  aborted = false;

  constructor(
    private readonly connection: Http2ServerConnection,
    private readonly stream: Http2Stream,
    /** The request answered; undefined for the 431 to a header block too large to decode. */
    private readonly request: Http2Request | undefined,
    /** The request was HEAD: the response carries headers only. */
    private readonly head = false,
  ) {}

  respond(status: number, headers?: HeadersInit, body?: OutgoingBody): void {
    const bytes = knownLength(body);
    if (bytes !== null) {
      const list = headerList(headers);
      if (bytes.length > 0 && getHeader(list, "content-length") === undefined)
        list.push("content-length", String(bytes.length));
      if (bytes.length === 0) {
        this.#head(status, list, true);
        return;
      }
      this.#head(status, list, false);
      this.end(bytes);
      return;
    }
    this.writeHead(status, headers);
    void pumpBody(
      body as AsyncIterable<Uint8Array>,
      (chunk) => this.write(chunk),
      () => this.end(),
      () => this.reset("INTERNAL_ERROR"),
    );
  }

  writeHead(status: number, headers?: HeadersInit): void {
    this.#head(status, headerList(headers), false);
  }

  write(chunk: Uint8Array | string): Promise<void> {
    if (!this.headersSent) this.writeHead(200);
    if (this.aborted || this.finished) return this.aborted ? this.stream.outgoing.drained() : Promise.resolve();
    return this.connection._data(this.stream, toBytes(chunk));
  }

  end(chunk?: Uint8Array | string, trailers?: HeadersInit): void {
    if (this.finished) return;
    if (!this.headersSent) {
      if (chunk === undefined && trailers === undefined) {
        this.#head(200, [], true);
        return;
      }
      this.writeHead(200);
    }
    this.finished = true;
    const last = chunk === undefined || this.aborted ? undefined : toBytes(chunk);
    this.connection._end(this.stream, trailers === undefined ? null : outgoingFields(headerList(trailers), []), last);
  }

  /** Resets the stream (a handler failure after the headers went out). */
  reset(code: ErrorCodeName): void {
    this.finished = true;
    this.connection._reset(this.stream, code);
  }

  /** The stream is gone (reset by the client, or the connection ended). */
  abort(): void {
    this.aborted = true;
  }

  #head(status: number, headers: string[], end: boolean): void {
    if (this.headersSent) throw new Error("the response headers were already sent");
    if (!Number.isInteger(status) || status < 200 || status > 999)
      throw new RangeError(`invalid final status ${status}`);
    this.headersSent = true;
    // HEAD, 204 and 304 responses have no content (RFC 9110 §6.4.1): the headers end the stream.
    if (this.head || status === 204 || status === 304) end = true;
    if (end) this.finished = true;
    const fields = outgoingFields(headers, [":status", String(status)]);
    // A stream already reset has no head to observe: nothing goes out.
    if (!this.aborted) this.connection._observe(status, fields, this.stream.id, this.request);
    this.connection._headers(this.stream, fields, end);
  }
}

/** A request received over HTTP/1.1 with `Upgrade: h2c`, continued on HTTP/2 stream 1. */
interface UpgradedRequest {
  readonly method: string;
  readonly path: string;
  readonly authority: string;
  readonly headers: string[];
  readonly body: Uint8Array;
  /** The client's HTTP2-Settings. */
  readonly settings: Setting[];
}

/** Fields of an HTTP/1.1 request that do not carry over to HTTP/2. */
const HOP_BY_HOP = new Set([
  "host",
  "connection",
  "upgrade",
  "http2-settings",
  "keep-alive",
  "proxy-connection",
  "transfer-encoding",
  "te",
]);

/** Options of {@link upgradeToHttp2}: the HTTP/2 server's, and the limit on the body the upgrade holds. */
export interface UpgradeOptions extends Omit<Http2ServerOptions, "session"> {
  /**
   * Largest request body, in bytes, the upgrade reads into memory before switching (RFC 7540 §3.2: the
   * whole body comes over HTTP/1.1 first). A larger Content-Length, or a chunked body growing past it,
   * declines the upgrade: the request stays HTTP/1.1. Default 64 KiB, what an HTTP/2 stream or the
   * HTTP/1.1 connection buffers for an unread body anyway.
   */
  readonly maxUpgradeBodySize?: number;
}

/**
 * The h2c upgrade (RFC 7540 §3.2, removed by RFC 9113 but still sent by clients such as `curl --http2`)
 * from inside an `@sansio/http1` handler: when `request` asks for `Upgrade: h2c` with exactly one valid
 * `HTTP2-Settings`, reads its body, answers `101 Switching Protocols` and continues the connection as
 * HTTP/2 with `handler`, which answers this first request on stream 1. Resolves false, having sent
 * nothing, for any other request (answer it over HTTP/1.1) and when the body is larger than
 * `options.maxUpgradeBodySize`: a Content-Length above it is declined before a byte is read; a chunked
 * body is read until it passes it, and `request.body` is then replaced by a body that gives those
 * bytes back first, so the HTTP/1.1 answer reads the whole body as sent.
 */
export async function upgradeToHttp2(
  request: IncomingRequest,
  response: ResponseWriter,
  handler: Http2Handler,
  options: UpgradeOptions = {},
): Promise<boolean> {
  if (request.upgrade === null || !hasToken(request.upgrade, "h2c")) return false;
  const values = getHeaderAll(request.headers, "http2-settings");
  if (values.length !== 1) return false;
  const settings = parseHttp2Settings(values[0] as string);
  if (settings === null) return false;
  const { maxUpgradeBodySize = DEFAULT_MAX_UPGRADE_BODY_SIZE, ...serverOptions } = options;
  if (!(maxUpgradeBodySize >= 0)) throw new RangeError(`invalid maxUpgradeBodySize ${maxUpgradeBodySize}`);
  const plan = planUpgradeBody(request.body.length, maxUpgradeBodySize);
  if (plan === "decline") return false;
  const read = await readUpgradeBody(request.body, plan === "read" ? Number.POSITIVE_INFINITY : maxUpgradeBodySize);
  if (read.kind === "too-large") {
    giveBodyBack(request, new ReplayBody(read.held, request.body));
    return false;
  }
  const headers: string[] = [];
  for (let i = 0; i + 1 < request.headers.length; i += 2) {
    const name = (request.headers[i] as string).toLowerCase();
    if (!HOP_BY_HOP.has(name)) headers.push(name, request.headers[i + 1] as string);
  }
  const upgraded: UpgradedRequest = {
    method: request.method,
    path: request.target,
    authority: request.header("host") ?? "",
    headers,
    body: read.bytes,
    settings,
  };
  response.upgrade(
    { Upgrade: "h2c" },
    () => new Http2ServerConnection(handler, { ...serverOptions, session: request.session }, upgraded),
  );
  return true;
}

/** After a declined upgrade read part of the body: the request's `body` gives those bytes back first. */
function giveBodyBack(request: IncomingRequest, body: ReplayBody): void {
  Object.defineProperty(request, "body", { value: body, configurable: true, enumerable: true });
}

/** Decodes an HTTP2-Settings value (base64url of a SETTINGS payload); null when malformed. */
export function parseHttp2Settings(value: string): Setting[] | null {
  if (!/^[A-Za-z0-9_-]*=*$/.test(value.trim())) return null;
  let binary: string;
  try {
    binary = atob(value.trim().replace(/-/g, "+").replace(/_/g, "/").replace(/=+$/, ""));
  } catch {
    return null;
  }
  if (binary.length % 6 !== 0) return null;
  const settings: Setting[] = [];
  for (let at = 0; at < binary.length; at += 6) {
    const id = (binary.charCodeAt(at) << 8) | binary.charCodeAt(at + 1);
    const value32 =
      binary.charCodeAt(at + 2) * 0x1000000 +
      ((binary.charCodeAt(at + 3) << 16) | (binary.charCodeAt(at + 4) << 8) | binary.charCodeAt(at + 5));
    if (checkSetting(id, value32) !== null) return null;
    settings.push({ id, value: value32 });
  }
  return settings;
}

/** Creates an HTTP/2 server connection running `handler`. */
export function createHttp2ServerConnection(
  handler: Http2Handler,
  options: Http2ServerOptions = {},
): Http2ServerConnection {
  return new Http2ServerConnection(handler, options);
}

/**
 * An `Accept` for `runtime.listen(options, accept)`: every socket gets an HTTP/2 server connection
 * (prior knowledge, or TLS with ALPN `h2`). Give `http1` (e.g. `http1Server(handler)` from
 * `@sansio/http1`) to serve HTTP/1.1 on the same listener too: to the clients that chose `http/1.1` by
 * ALPN, and, where no protocol was negotiated (plain TCP), to every client whose first bytes are not
 * the HTTP/2 preface (its handler may then upgrade to h2c with {@link upgradeToHttp2}).
 */
export function http2Server(
  handler: Http2Handler,
  options: Omit<Http2ServerOptions, "session"> & { readonly http1?: Accept } = {},
): Accept {
  const { http1, ...rest } = options;
  return (session: Session): Connection => {
    const h2 = (): Connection => new Http2ServerConnection(handler, { ...rest, session });
    if (http1 === undefined || session.alpnProtocol === "h2") return h2();
    if (session.alpnProtocol === "http/1.1") return http1(session);
    return new PrefaceSniffer(h2, () => http1(session));
  };
}
