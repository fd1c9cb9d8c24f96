import { SansioError } from "@sansio/runtime-api";
import type { ErrorCodeName } from "./frame/constants.js";

/**
 * One stream failed; the connection carries on. `remote` tells whether the peer reset the stream
 * (RST_STREAM) or we did (a malformed message, a flow-control error, a cancel). `retryable` is true when
 * the peer did not process the request at all (REFUSED_STREAM, or a stream above a GOAWAY's
 * last-stream-id): it is safe to send again, on another connection.
 */
export class Http2StreamError extends SansioError {
  override readonly name = "Http2StreamError";
  constructor(
    /** The RFC 9113 error code. */
    readonly code: ErrorCodeName,
    /** The stream (0 for a request that never got one). */
    readonly streamId: number,
    /** True when the peer reset the stream; false when we did. */
    readonly remote: boolean,
    /** True when the request was certainly not processed and may be retried. */
    readonly retryable: boolean,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The connection failed: a GOAWAY with an error code from the peer (`remote`), a protocol violation by
 * the peer that we answered with GOAWAY (not `remote`), or the socket was lost (`code` INTERNAL_ERROR,
 * the runtime's error as `cause`). Every stream still open fails with it.
 */
export class Http2ConnectionError extends SansioError {
  override readonly name = "Http2ConnectionError";
  constructor(
    /** The RFC 9113 error code. */
    readonly code: ErrorCodeName,
    /** True when the peer sent the GOAWAY. */
    readonly remote: boolean,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
