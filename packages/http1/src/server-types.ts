import type { Connection, Session } from "@sansio/runtime-api";
import type { HeaderList, HeadersInit } from "./headers.js";
import type { HttpMessage } from "./message.js";

/** A request as the server received it: method, target and the message (version, headers, body). */
export interface IncomingRequest extends HttpMessage {
  /** The method, as sent (methods are case-sensitive). */
  readonly method: string;
  /** The request-target as sent: origin-form (`/path?query`), absolute-form, authority-form or `*`. */
  readonly target: string;
  /** The `Upgrade` header when the request asked to switch protocols (`Connection: upgrade`), else null. */
  readonly upgrade: string | null;
  /** The socket this request came on, when the connection was made by {@link http1Server}. */
  readonly session: Session | undefined;
}

/** A body to send: bytes, text (sent as UTF-8), or chunks to stream (an async iterable, e.g. a request body). */
export type ResponseBody = Uint8Array | string | AsyncIterable<Uint8Array> | Iterable<Uint8Array> | null;

/**
 * How the handler answers one request. Either {@link respond} once with the whole response, or
 * {@link writeHead}, then {@link write} as often as needed, then {@link end}.
 */
export interface ResponseWriter {
  /** True once the status line and headers were queued. */
  readonly headersSent: boolean;
  /** True once the response is complete (or was taken over by the connection after an error). */
  readonly finished: boolean;
  /** True when the response can no longer reach the client (connection lost or reset); writes are dropped. */
  readonly aborted: boolean;
  /**
   * Sends a complete response: status line, headers and body in one write. `Content-Length`, `Date`
   * and `Connection` are added as needed. An async-iterable body is streamed (chunked).
   */
  respond(status: number, headers?: HeadersInit, body?: ResponseBody): void;
  /**
   * Starts a streamed response. With a `Content-Length` header the body must be exactly that long;
   * otherwise it is sent chunked (or, to an HTTP/1.0 client, delimited by closing the connection).
   */
  writeHead(status: number, headers?: HeadersInit): void;
  /**
   * Queues a chunk of a streamed response (calls {@link writeHead} with 200 first if needed). Resolves
   * once the queued output is below the high-water mark: `await` it for backpressure. Rejects with
   * `ConnectionClosedError` when the connection is gone (the rejection is marked handled, so ignoring it is safe).
   * The chunk is sent without copying: do not change it afterwards.
   */
  write(chunk: Uint8Array | string): Promise<void>;
  /** Finishes a streamed response, optionally with a last chunk. */
  end(chunk?: Uint8Array | string): void;
  /**
   * Answers `101 Switching Protocols` with `headers` (add `Upgrade`; `Connection: Upgrade` is added) and
   * hands the socket to `next`: bytes after the request go to it, and it owns the connection from now on.
   * The request body must be complete.
   */
  upgrade(headers: HeadersInit, next: Connection | (() => Connection)): void;
}

/** Handles one request. It may respond synchronously or later; a thrown error or rejection answers 500. */
export type Handler = (request: IncomingRequest, response: ResponseWriter) => void | Promise<void>;

/** A response to send instead of the default one for an error. */
export interface ErrorResponse {
  /** Status; default the error's status (400, 414, 431...) or 500 for handler errors. */
  readonly status?: number;
  /** Headers to send. */
  readonly headers?: HeadersInit;
  /** Body to send. */
  readonly body?: string | Uint8Array;
}

/**
 * Told about a malformed request (`HttpParseError`; `request` is undefined when the head itself was
 * bad) or a failed handler, while an error response can still be sent: return an {@link ErrorResponse}
 * to replace the default one. Also told, with no response possible, about errors after the response began.
 */
export type ErrorHandler = (error: unknown, request: IncomingRequest | undefined) => ErrorResponse | undefined | void;

/** A response head about to be written, as a {@link ResponseObserver} sees it. */
export interface ObservedResponseHead {
  /** The status code. */
  readonly status: number;
  /**
   * The header fields the handler (or `onError`) gave. The connection may add `Date`,
   * `Content-Length`, `Transfer-Encoding` and `Connection`: {@link bytes} has the head as sent.
   */
  readonly headers: HeaderList;
  /** The encoded head, from the status line to the empty line. Only valid during the call: copy what you keep. */
  readonly bytes: Uint8Array;
}

/**
 * Told about every response head just before it is written (after Ocsigen's result observer): for
 * access logs and metrics. `request` is undefined for the error response to a request whose head was
 * malformed or timed out. An observer that throws does not break the exchange (`onError` hears it).
 */
export type ResponseObserver = (head: ObservedResponseHead, request: IncomingRequest | undefined) => void;

/** Options of an HTTP/1.1 server connection. */
export interface ServerOptions {
  /** Longest request line (method, target, version, CRLF) in bytes; longer gets 414. Default 8192. */
  readonly maxRequestLineBytes?: number;
  /** Largest request head (request line and headers) in bytes, and largest trailer section; larger gets 431. Default 16384. */
  readonly maxHeaderBytes?: number;
  /** Most header fields in a request; more gets 431. Default 100. */
  readonly maxHeaderCount?: number;
  /**
   * Most bytes of chunk extensions on one chunk-size line of a chunked request body (they are checked
   * against the RFC 9112 grammar and dropped); more gets 400. Default 4096.
   */
  readonly maxChunkExtensionBytes?: number;
  /** Unread request-body bytes held before the connection stops reading from the socket. Default 64 KiB. */
  readonly bodyHighWaterMark?: number;
  /** Queued response bytes above which `response.write()` waits. Default 64 KiB. */
  readonly writeHighWaterMark?: number;
  /**
   * Most milliseconds a persistent connection may stay idle between requests (from the end of a
   * response to the first byte of the next request); then it closes. Default 5000; 0 disables.
   */
  readonly keepAliveTimeout?: number;
  /**
   * Most milliseconds for a whole request head to arrive, from its first byte (for the first request,
   * from the connection's start), however slowly the bytes trickle in (slowloris). A request under way
   * gets `408` and the connection closes. Default 60000; 0 disables.
   */
  readonly headersTimeout?: number;
  /**
   * Most milliseconds for a whole request, head and body, to arrive, from its first byte. `408` if no
   * response began, else the connection closes. Default 300000; 0 disables.
   */
  readonly requestTimeout?: number;
  /** Told about every response head just before it is written (access logs). */
  readonly onResponseHead?: ResponseObserver;
  /** Send a `Date` header (RFC 9110 §6.6.1). Default true. */
  readonly date?: boolean;
  /**
   * Told about malformed requests, timeouts (`HttpTimeoutError`), failed handlers and observers; may
   * replace the error response. Default: handler errors are logged with `console.error`.
   */
  readonly onError?: ErrorHandler;
  /** The session the connection runs on (set by {@link http1Server}); exposed as `request.session`. */
  readonly session?: Session;
}
