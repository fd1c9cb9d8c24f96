import type { ErrorCodeName } from "../frame/constants.js";

/** Stream states (RFC 9113 §5.1). */
export type StreamState =
  | "idle"
  | "reserved_local"
  | "reserved_remote"
  | "open"
  | "half_closed_local"
  | "half_closed_remote"
  | "closed";

/**
 * What happens on a stream. A frame with END_STREAM is two events: the frame's, then `*_end_stream`.
 * `send_push_promise`/`recv_push_promise` apply to the promised stream.
 */
export type StreamEvent =
  | "send_headers"
  | "recv_headers"
  | "send_data"
  | "recv_data"
  | "send_end_stream"
  | "recv_end_stream"
  | "send_push_promise"
  | "recv_push_promise"
  | "send_rst_stream"
  | "recv_rst_stream"
  | "send_window_update"
  | "recv_window_update"
  | "recv_priority";

/**
 * The outcome of an event: the next state, or a violation. `peer` violations carry the error the RFC
 * names and its scope; `local` ones are our own misuse (a bug in the caller, never the peer's doing).
 */
export type StreamTransition =
  | { readonly kind: "ok"; readonly state: StreamState }
  | { readonly kind: "peer"; readonly code: ErrorCodeName; readonly scope: "stream" | "connection" }
  | { readonly kind: "local" };

type Row = Partial<Record<StreamEvent, StreamState | Violation>>;
type Violation = { readonly code: ErrorCodeName; readonly scope: "stream" | "connection" };

const CONNECTION_PROTOCOL_ERROR: Violation = { code: "PROTOCOL_ERROR", scope: "connection" };
const STREAM_CLOSED: Violation = { code: "STREAM_CLOSED", scope: "stream" };

/**
 * RFC 9113 §5.1 as a table: for each state, what each event leads to. A received event missing from a
 * row is the row's `otherwise` violation; a sent one missing is a local error.
 */
const TABLE: Record<StreamState, { readonly row: Row; readonly otherwise: Violation }> = {
  idle: {
    row: {
      send_headers: "open",
      recv_headers: "open",
      send_push_promise: "reserved_local",
      recv_push_promise: "reserved_remote",
      recv_priority: "idle",
    },
    // "Receiving any frame other than HEADERS or PRIORITY on a stream in this state MUST be treated as a
    // connection error of type PROTOCOL_ERROR."
    otherwise: CONNECTION_PROTOCOL_ERROR,
  },
  reserved_local: {
    row: {
      send_headers: "half_closed_remote",
      send_rst_stream: "closed",
      recv_rst_stream: "closed",
      recv_priority: "reserved_local",
      recv_window_update: "reserved_local",
    },
    otherwise: CONNECTION_PROTOCOL_ERROR,
  },
  reserved_remote: {
    row: {
      recv_headers: "half_closed_local",
      send_rst_stream: "closed",
      recv_rst_stream: "closed",
      send_window_update: "reserved_remote",
      recv_priority: "reserved_remote",
    },
    otherwise: CONNECTION_PROTOCOL_ERROR,
  },
  open: {
    row: {
      send_headers: "open",
      recv_headers: "open",
      send_data: "open",
      recv_data: "open",
      send_end_stream: "half_closed_local",
      recv_end_stream: "half_closed_remote",
      send_rst_stream: "closed",
      recv_rst_stream: "closed",
      send_window_update: "open",
      recv_window_update: "open",
      recv_priority: "open",
    },
    otherwise: CONNECTION_PROTOCOL_ERROR,
  },
  half_closed_local: {
    row: {
      recv_headers: "half_closed_local",
      recv_data: "half_closed_local",
      recv_end_stream: "closed",
      send_rst_stream: "closed",
      recv_rst_stream: "closed",
      send_window_update: "half_closed_local",
      recv_window_update: "half_closed_local",
      recv_priority: "half_closed_local",
    },
    otherwise: CONNECTION_PROTOCOL_ERROR,
  },
  half_closed_remote: {
    row: {
      send_headers: "half_closed_remote",
      send_data: "half_closed_remote",
      send_end_stream: "closed",
      send_rst_stream: "closed",
      recv_rst_stream: "closed",
      recv_window_update: "half_closed_remote",
      recv_priority: "half_closed_remote",
      // "If an endpoint receives additional frames, other than WINDOW_UPDATE, PRIORITY, or RST_STREAM,
      // for a stream that is in this state, it MUST respond with a stream error of type STREAM_CLOSED."
      recv_headers: STREAM_CLOSED,
      recv_data: STREAM_CLOSED,
    },
    otherwise: STREAM_CLOSED,
  },
  closed: {
    row: {
      // Frames in flight when we closed: WINDOW_UPDATE and RST_STREAM are ignored (§5.1, "closed").
      recv_window_update: "closed",
      recv_rst_stream: "closed",
      recv_priority: "closed",
      send_rst_stream: "closed",
      recv_headers: STREAM_CLOSED,
      recv_data: STREAM_CLOSED,
    },
    otherwise: STREAM_CLOSED,
  },
};

/** Applies one event to a stream state (RFC 9113 §5.1). */
export function streamTransition(state: StreamState, event: StreamEvent): StreamTransition {
  const { row, otherwise } = TABLE[state];
  const next = row[event];
  if (typeof next === "string") return { kind: "ok", state: next };
  if (next !== undefined) return { kind: "peer", code: next.code, scope: next.scope };
  if (event.startsWith("send_")) return { kind: "local" };
  return { kind: "peer", code: otherwise.code, scope: otherwise.scope };
}

/** True in the states where a stream counts toward SETTINGS_MAX_CONCURRENT_STREAMS (RFC 9113 §5.1.2). */
export function isActive(state: StreamState): boolean {
  return state === "open" || state === "half_closed_local" || state === "half_closed_remote";
}
