import { ErrorCode, type ErrorCodeName } from "./constants.js";

/**
 * A violation of RFC 9113 found in what the peer sent, with the error code the RFC names and its scope:
 * a `"connection"` error ends the connection with GOAWAY, a `"stream"` error resets one stream with
 * RST_STREAM and the connection carries on.
 */
export class Http2ProtocolError extends Error {
  override readonly name = "Http2ProtocolError";
  /** The RFC 9113 error code to send. */
  readonly code: ErrorCodeName;
  /** Whether the whole connection or one stream fails. */
  readonly scope: "connection" | "stream";
  /** The stream a stream error belongs to (0 for connection errors). */
  readonly streamId: number;

  constructor(code: ErrorCodeName, scope: "connection" | "stream", streamId: number, message: string) {
    super(message);
    this.code = code;
    this.scope = scope;
    this.streamId = streamId;
  }

  /** The numeric error code for RST_STREAM or GOAWAY. */
  get errorCode(): number {
    return ErrorCode[this.code];
  }
}

/** A connection error (GOAWAY with `code`). */
export function connectionError(code: ErrorCodeName, message: string): Http2ProtocolError {
  return new Http2ProtocolError(code, "connection", 0, message);
}

/** A stream error (RST_STREAM on `streamId` with `code`). */
export function streamError(code: ErrorCodeName, streamId: number, message: string): Http2ProtocolError {
  return new Http2ProtocolError(code, "stream", streamId, message);
}
