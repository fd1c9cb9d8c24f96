import { SansioError } from "@sansio/runtime-api";

/** Stable identifiers of the ways a WebSocket peer can break the protocol or a limit. */
export type WebSocketErrorCode =
  | "reserved-bits"
  | "reserved-opcode"
  | "unmasked-frame"
  | "masked-frame"
  | "control-frame-too-long"
  | "fragmented-control-frame"
  | "unexpected-continuation"
  | "expected-continuation"
  | "frame-too-long"
  | "frame-too-large"
  | "message-too-large"
  | "too-many-fragments"
  | "invalid-utf8"
  | "invalid-close-payload"
  | "invalid-close-code"
  | "bad-compression"
  | "handshake-failed";

/** Close codes of RFC 6455 §7.4.1 that this package sends. */
export const CloseCode = {
  /** 1000: normal closure. */
  Normal: 1000,
  /** 1001: the endpoint is going away (server shutdown, page navigation). */
  GoingAway: 1001,
  /** 1002: protocol error. */
  ProtocolError: 1002,
  /** 1003: a data type the endpoint cannot accept. */
  UnsupportedData: 1003,
  /** 1005: no status code was present (never sent on the wire). */
  NoStatus: 1005,
  /** 1006: the connection closed without a close frame (never sent on the wire). */
  Abnormal: 1006,
  /** 1007: a text message was not valid UTF-8 (or data inconsistent with the message type). */
  InvalidPayload: 1007,
  /** 1008: a policy was violated. */
  PolicyViolation: 1008,
  /** 1009: a message or frame was too big. */
  MessageTooBig: 1009,
  /** 1010: the client expected an extension the server did not negotiate. */
  MandatoryExtension: 1010,
  /** 1011: the server met an unexpected condition. */
  InternalError: 1011,
} as const;

/**
 * The peer broke RFC 6455 (or RFC 7692), or a limit was exceeded. `closeCode` is the code the
 * connection sent in its close frame (1002 protocol error, 1007 invalid payload, 1009 too big).
 */
export class WebSocketError extends SansioError {
  override readonly name = "WebSocketError";
  constructor(
    /** What was wrong, as a stable identifier. */
    readonly code: WebSocketErrorCode,
    message: string,
    /** The close code sent to the peer. */
    readonly closeCode: number = CloseCode.ProtocolError,
  ) {
    super(message);
  }
}
