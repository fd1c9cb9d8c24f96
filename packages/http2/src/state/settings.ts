import { SettingId } from "../frame/constants.js";
import type { Setting } from "../frame/frames.js";

/** The six HTTP/2 settings (RFC 9113 §6.5.2); `Infinity` where the RFC says "unlimited". */
export interface Http2Settings {
  readonly headerTableSize: number;
  readonly enablePush: boolean;
  readonly maxConcurrentStreams: number;
  readonly initialWindowSize: number;
  readonly maxFrameSize: number;
  readonly maxHeaderListSize: number;
}

/** The initial values before any SETTINGS frame (RFC 9113 §6.5.2). */
export const INITIAL_SETTINGS: Http2Settings = {
  headerTableSize: 4096,
  enablePush: true,
  maxConcurrentStreams: Number.POSITIVE_INFINITY,
  initialWindowSize: 65535,
  maxFrameSize: 16384,
  maxHeaderListSize: Number.POSITIVE_INFINITY,
};

/** Applies received parameters (already range-checked by the frame parser) to `settings`. Unknown ids are ignored. */
export function applySettings(settings: Http2Settings, parameters: readonly Setting[]): Http2Settings {
  const next = { ...settings };
  for (const { id, value } of parameters) {
    switch (id) {
      case SettingId.HEADER_TABLE_SIZE:
        next.headerTableSize = value;
        break;
      case SettingId.ENABLE_PUSH:
        next.enablePush = value === 1;
        break;
      case SettingId.MAX_CONCURRENT_STREAMS:
        next.maxConcurrentStreams = value;
        break;
      case SettingId.INITIAL_WINDOW_SIZE:
        next.initialWindowSize = value;
        break;
      case SettingId.MAX_FRAME_SIZE:
        next.maxFrameSize = value;
        break;
      case SettingId.MAX_HEADER_LIST_SIZE:
        next.maxHeaderListSize = value;
        break;
    }
  }
  return next;
}

/** The parameters that move `from` to `to`, to send in a SETTINGS frame (only those that differ). */
export function settingsDiff(from: Http2Settings, to: Http2Settings): Setting[] {
  const out: Setting[] = [];
  const add = (id: number, a: number, b: number): void => {
    if (a !== b && Number.isFinite(b)) out.push({ id, value: b });
  };
  add(SettingId.HEADER_TABLE_SIZE, from.headerTableSize, to.headerTableSize);
  add(SettingId.ENABLE_PUSH, from.enablePush ? 1 : 0, to.enablePush ? 1 : 0);
  add(SettingId.MAX_CONCURRENT_STREAMS, from.maxConcurrentStreams, to.maxConcurrentStreams);
  add(SettingId.INITIAL_WINDOW_SIZE, from.initialWindowSize, to.initialWindowSize);
  add(SettingId.MAX_FRAME_SIZE, from.maxFrameSize, to.maxFrameSize);
  add(SettingId.MAX_HEADER_LIST_SIZE, from.maxHeaderListSize, to.maxHeaderListSize);
  return out;
}

/**
 * Settings negotiation (RFC 9113 §6.5.3): ours take effect when the peer acknowledges them, in the order
 * sent; the peer's take effect on receipt (and we acknowledge).
 */
export class SettingsNegotiation {
  /** Our settings the peer has acknowledged: what it is bound by now. */
  local: Http2Settings = INITIAL_SETTINGS;
  /** The peer's settings: what we are bound by. */
  remote: Http2Settings = INITIAL_SETTINGS;
  /** Ours sent and not yet acknowledged, oldest first. */
  private readonly unacknowledged: Http2Settings[] = [];

  /** Number of our SETTINGS frames awaiting an ACK. */
  get pending(): number {
    return this.unacknowledged.length;
  }

  /** The settings we ask for; returns the parameters to put in the SETTINGS frame. */
  send(wanted: Http2Settings): Setting[] {
    const latest = this.unacknowledged[this.unacknowledged.length - 1] ?? this.local;
    this.unacknowledged.push(wanted);
    return settingsDiff(latest, wanted);
  }

  /** The peer acknowledged our oldest SETTINGS: returns the settings before and after, or null if none was pending. */
  acknowledged(): { readonly before: Http2Settings; readonly after: Http2Settings } | null {
    const after = this.unacknowledged.shift();
    if (after === undefined) return null;
    const before = this.local;
    this.local = after;
    return { before, after };
  }

  /** The peer sent SETTINGS: returns the settings before and after (we must ACK). */
  received(parameters: readonly Setting[]): { readonly before: Http2Settings; readonly after: Http2Settings } {
    const before = this.remote;
    this.remote = applySettings(before, parameters);
    return { before, after: this.remote };
  }
}
