import type { DeflateOptions } from "./deflate-params.js";

/** Limits, timeouts and buffering of one WebSocket connection. Every field has a safe default. */
export interface WebSocketOptions {
  /** Largest incoming message in bytes, counted after inflating (so it also bounds a deflate bomb). Default 1 MiB. */
  readonly maxMessageSize?: number;
  /** Largest incoming frame payload on the wire. Default `maxMessageSize`. */
  readonly maxFrameSize?: number;
  /** Most frames in one incoming message. Default 4096. */
  readonly maxFragments?: number;
  /** How long to wait for the peer's close frame after sending ours, in ms; then the socket is closed. Default 5000. */
  readonly closeTimeout?: number;
  /** Send a ping after this many ms without one (keep-alive); unset or 0: no pings. Needs a driver with timers. */
  readonly pingInterval?: number;
  /** Fail the connection (close code 1011) when a keep-alive ping gets no pong within this many ms. Default 20000. */
  readonly pongTimeout?: number;
  /**
   * Queued outgoing bytes at which `send()` and stream writes start to wait (until the queue is down to
   * half of it). Default 64 KiB.
   */
  readonly highWaterMark?: number;
  /** Unread incoming bytes (queued messages, or a message stream's chunks) above which reading stops. Default 64 KiB. */
  readonly receiveHighWaterMark?: number;
  /** Deliver incoming messages as {@link MessageStream}s as they arrive, instead of whole. Default false. */
  readonly streamMessages?: boolean;
  /** permessage-deflate: whether to offer (client) or accept (server) it, and how. Default: offered and accepted with default options; `false` turns it off. */
  readonly deflate?: DeflateOptions | boolean;
}

/** {@link WebSocketOptions} with every default applied. */
export interface ResolvedOptions {
  readonly maxMessageSize: number;
  readonly maxFrameSize: number;
  readonly maxFragments: number;
  readonly closeTimeout: number;
  readonly pingInterval: number;
  readonly pongTimeout: number;
  readonly highWaterMark: number;
  readonly receiveHighWaterMark: number;
  readonly streamMessages: boolean;
  readonly deflate: DeflateOptions | null;
}

/** Default {@link WebSocketOptions.maxMessageSize}: 1 MiB, as Python's websockets. */
export const DEFAULT_MAX_MESSAGE_SIZE = 1024 * 1024;

function limit(name: string, value: number | undefined, fallback: number, allowZero = false): number {
  if (value === undefined) return fallback;
  if (Number.isNaN(value) || value < 0 || (!allowZero && value === 0)) {
    throw new RangeError(`WebSocket option ${name} must be a positive number, got ${value}`);
  }
  return value;
}

/** Applies defaults and checks values (`RangeError` for a negative or NaN limit). */
export function resolveOptions(options: WebSocketOptions = {}): ResolvedOptions {
  const maxMessageSize = limit("maxMessageSize", options.maxMessageSize, DEFAULT_MAX_MESSAGE_SIZE);
  return {
    maxMessageSize,
    maxFrameSize: limit("maxFrameSize", options.maxFrameSize, maxMessageSize),
    maxFragments: limit("maxFragments", options.maxFragments, 4096),
    closeTimeout: limit("closeTimeout", options.closeTimeout, 5000),
    pingInterval: limit("pingInterval", options.pingInterval, 0, true),
    pongTimeout: limit("pongTimeout", options.pongTimeout, 20_000),
    highWaterMark: limit("highWaterMark", options.highWaterMark, 64 * 1024),
    receiveHighWaterMark: limit("receiveHighWaterMark", options.receiveHighWaterMark, 64 * 1024, true),
    streamMessages: options.streamMessages === true,
    deflate:
      options.deflate === false
        ? null
        : options.deflate === true || options.deflate === undefined
          ? {}
          : options.deflate,
  };
}
