import type { HeaderList, HeadersInit } from "./headers.js";
import type { HttpMessage } from "./message.js";
import type { ResponseBody } from "./server-types.js";

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
  /** Unread response-body bytes held before the connection stops reading from the socket. Default 64 KiB. */
  readonly bodyHighWaterMark?: number;
  /** Queued request bytes above which a streamed request body waits. Default 64 KiB. */
  readonly writeHighWaterMark?: number;
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
