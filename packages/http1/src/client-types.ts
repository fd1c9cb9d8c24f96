import type { ClientConnection } from "./client-connection.js";
import type { HeaderList, HeadersInit } from "./headers.js";
import type { HttpMessage } from "./message.js";
import type { ResponseBody } from "./server-types.js";

/** A request head about to be written, as a {@link RequestObserver} sees it. */
export interface ObservedRequestHead {
  /** The method. */
  readonly method: string;
  /** The request target. */
  readonly target: string;
  /** The header fields given to `request()` (the client may add Host, Content-Length, Transfer-Encoding, Connection: see {@link bytes}). */
  readonly headers: HeaderList;
  /** The encoded head, request line to the empty line. Do not change it: it is what is sent. */
  readonly bytes: Uint8Array;
}

/** Told about every request head just before it is written. An observer that throws does not break the exchange. */
export type RequestObserver = (head: ObservedRequestHead) => void;

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

/** One request to send. */
export interface ClientRequestInit {
  /** Method. Default `"GET"`. */
  readonly method?: string;
  /** Request target. Default `"/"`. */
  readonly target?: string;
  /** Headers to send. `Host` defaults to the connection's `host`; framing headers are added as needed. */
  readonly headers?: HeadersInit;
  /**
   * The body: bytes or text (sent with Content-Length), or chunks to stream (an async or sync iterable:
   * sent chunked, or with the Content-Length header you set).
   */
  readonly body?: ResponseBody;
  /** Told about interim (1xx) responses before the final one. */
  readonly onInformational?: (status: number, headers: HeaderList) => void;
}

/** A response received by the client: status, reason and the message (version, headers, body). */
export interface ClientResponse extends HttpMessage {
  /** Status code. */
  readonly status: number;
  /** Reason phrase as sent (may be empty). */
  readonly reason: string;
}
