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
