import { SansioError } from "@sansio/runtime-api";

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
