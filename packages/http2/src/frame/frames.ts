/** Stream priority as carried by HEADERS and PRIORITY (RFC 9113 §5.3.2; deprecated, parsed and ignored). */
export interface Priority {
  readonly dependency: number;
  readonly exclusive: boolean;
  /** 1..256. */
  readonly weight: number;
}

/** One SETTINGS parameter. */
export interface Setting {
  readonly id: number;
  readonly value: number;
}

/**
 * A parsed frame (RFC 9113 §6). Byte fields (`data`, `fragment`, `payload`, `debugData`) are views of
 * the input buffer, valid only while it is: copy what must be kept.
 */
export type Frame =
  | {
      readonly type: "data";
      readonly streamId: number;
      readonly endStream: boolean;
      readonly data: Uint8Array;
      /** The whole payload length, padding included: what flow control counts (RFC 9113 §6.1). */
      readonly flowLength: number;
    }
  | {
      readonly type: "headers";
      readonly streamId: number;
      readonly endStream: boolean;
      readonly endHeaders: boolean;
      readonly priority: Priority | null;
      readonly fragment: Uint8Array;
    }
  | { readonly type: "priority"; readonly streamId: number; readonly priority: Priority }
  | { readonly type: "rst_stream"; readonly streamId: number; readonly errorCode: number }
  | { readonly type: "settings"; readonly ack: boolean; readonly settings: readonly Setting[] }
  | {
      readonly type: "push_promise";
      readonly streamId: number;
      readonly endHeaders: boolean;
      readonly promisedStreamId: number;
      readonly fragment: Uint8Array;
    }
  | { readonly type: "ping"; readonly ack: boolean; readonly payload: Uint8Array }
  | {
      readonly type: "goaway";
      readonly lastStreamId: number;
      readonly errorCode: number;
      readonly debugData: Uint8Array;
    }
  | { readonly type: "window_update"; readonly streamId: number; readonly increment: number }
  | {
      readonly type: "continuation";
      readonly streamId: number;
      readonly endHeaders: boolean;
      readonly fragment: Uint8Array;
    }
  /** A frame of a type this implementation does not know: ignored (RFC 9113 §4.1, §5.5). */
  | { readonly type: "unknown"; readonly frameType: number; readonly streamId: number; readonly flags: number };

/** The 9-byte frame header (RFC 9113 §4.1). */
export interface FrameHeader {
  /** Payload length. */
  readonly length: number;
  readonly type: number;
  readonly flags: number;
  /** Stream identifier, reserved bit cleared. */
  readonly streamId: number;
}
