import { SansioError, TimeoutError } from "@sansio/runtime-api";

/** Stable identifiers of the ways an HTTP/1.1 message can be malformed. */
export type HttpParseErrorCode =
  | "bad-request-line"
  | "bad-status-line"
  | "bad-version"
  | "unsupported-version"
  | "bad-header"
  | "bare-cr"
  | "bare-lf"
  | "obs-fold"
  | "bad-content-length"
  | "content-length-conflict"
  | "content-length-and-transfer-encoding"
  | "bad-transfer-encoding"
  | "unsupported-transfer-encoding"
  | "missing-host"
  | "duplicate-host"
  | "bad-expect"
  | "request-line-too-long"
  | "headers-too-large"
  | "bad-chunk"
  | "bad-chunk-extension"
  | "chunk-extension-too-large"
  | "incomplete-message"
  | "unexpected-data";

/**
 * A malformed HTTP/1.1 message. On the server side `status` is the response the connection answers
 * with before closing (400, 414, 417, 431, 501 or 505).
 */
export class HttpParseError extends SansioError {
  override readonly name = "HttpParseError";
  constructor(
    /** What was wrong, as a stable identifier. */
    readonly code: HttpParseErrorCode,
    message: string,
    /** The status a server answers with. */
    readonly status = 400,
  ) {
    super(message);
  }
}

/**
 * Which HTTP/1.1 timeout elapsed:
 * - `keep-alive`: a persistent connection stayed idle between requests (server), or with no request
 *   outstanding (client), longer than `keepAliveTimeout`;
 * - `headers`: a request head did not arrive completely within `headersTimeout` (server);
 * - `request`: a request (head and body) did not arrive completely within `requestTimeout` (server);
 * - `response-head`: a response head did not arrive within `responseHeadTimeout` of its request (client).
 */
export type HttpTimeout = "keep-alive" | "headers" | "request" | "response-head";

/**
 * An HTTP/1.1 timeout elapsed. A `TimeoutError` (its `name` is `"TimeoutError"`) that says which
 * timeout in {@link timeout}.
 */
export class HttpTimeoutError extends TimeoutError {
  /** Which timeout elapsed. */
  readonly timeout: HttpTimeout;
  /** The timeout's setting, in milliseconds. */
  readonly ms: number;
  /**
   * Client side: true when no byte of the response had arrived, so the request may be sent again on
   * another connection (as far as this connection can tell: the server may still have acted on it).
   */
  readonly retryable: boolean;
  /** The status a server answers with when the request can still be answered (408). */
  readonly status = 408;

  constructor(timeout: HttpTimeout, ms: number, options: { retryable?: boolean } = {}) {
    super(`the HTTP ${timeout} timeout (${ms} ms) elapsed`);
    this.timeout = timeout;
    this.ms = ms;
    this.retryable = options.retryable ?? false;
  }
}
