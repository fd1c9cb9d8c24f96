/** Limits and tuning shared by the HTTP/2 client and server connections; every one has a safe default. */
export interface Http2Options {
  /** SETTINGS_MAX_CONCURRENT_STREAMS we announce: streams the peer may open at once. Default 100. */
  readonly maxConcurrentStreams?: number;
  /** SETTINGS_MAX_HEADER_LIST_SIZE we announce and enforce (name + value + 32 per field). Default 65536. */
  readonly maxHeaderListSize?: number;
  /** SETTINGS_HEADER_TABLE_SIZE we announce (the peer encoder's dynamic table). Default 4096. */
  readonly headerTableSize?: number;
  /** SETTINGS_INITIAL_WINDOW_SIZE we announce: unread body bytes buffered per stream. Default 65535. */
  readonly initialWindowSize?: number;
  /** Our connection-level receive window: unread body bytes buffered over all streams. Default 1 MiB. */
  readonly connectionWindowSize?: number;
  /** SETTINGS_MAX_FRAME_SIZE we announce. Default 16384. */
  readonly maxFrameSize?: number;
  /** Most CONTINUATION frames after one HEADERS (CONTINUATION flood). Default 16. */
  readonly maxContinuations?: number;
  /** Body bytes queued per stream before `write()` waits, and output bytes queued before DATA waits. Default 64 KiB. */
  readonly writeHighWaterMark?: number;
  /** Milliseconds the peer has to acknowledge our SETTINGS (SETTINGS_TIMEOUT). Default 10000. */
  readonly settingsTimeout?: number;
  /** PING frames from the peer allowed in a burst, refilled at `pingRate` per second (PING flood). Default 50 / 10. */
  readonly pingBurst?: number;
  /** See {@link pingBurst}. */
  readonly pingRate?: number;
  /** SETTINGS frames from the peer allowed in a burst, refilled per second (SETTINGS flood). Default 50 / 10. */
  readonly settingsBurst?: number;
  /** See {@link settingsBurst}. */
  readonly settingsRate?: number;
  /**
   * Stream resets allowed in a burst, refilled per second: the peer's RST_STREAM (rapid reset,
   * CVE-2023-44487) and the resets its malformed frames make us send (MadeYouReset, CVE-2025-8671).
   * Default 200 / 100.
   */
  readonly resetBurst?: number;
  /** See {@link resetBurst}. */
  readonly resetRate?: number;
  /** Empty DATA, HEADERS-less CONTINUATION and unknown frames in a row allowed (CVE-2019-9518). Default 100. */
  readonly maxEmptyFrames?: number;
  /** Control frames (PING and SETTINGS ACKs, RST_STREAM) queued unsent before the peer is cut off. Default 1000. */
  readonly maxQueuedControlFrames?: number;
  /**
   * Keep-alive: after this many milliseconds without a byte from the peer, send a PING; if nothing arrives
   * within {@link keepAliveTimeout}, the connection is dead and closes (open requests fail with
   * `TimeoutError`). Default 0: off.
   */
  readonly keepAliveInterval?: number;
  /** See {@link keepAliveInterval}. Default 20000. */
  readonly keepAliveTimeout?: number;
}

/** {@link Http2Options} with every default applied. */
export type ResolvedOptions = Required<Http2Options>;

/** Applies the defaults. */
export function resolveOptions(options: Http2Options): ResolvedOptions {
  return {
    maxConcurrentStreams: options.maxConcurrentStreams ?? 100,
    maxHeaderListSize: options.maxHeaderListSize ?? 65536,
    headerTableSize: options.headerTableSize ?? 4096,
    initialWindowSize: options.initialWindowSize ?? 65535,
    connectionWindowSize: options.connectionWindowSize ?? 1024 * 1024,
    maxFrameSize: options.maxFrameSize ?? 16384,
    maxContinuations: options.maxContinuations ?? 16,
    writeHighWaterMark: options.writeHighWaterMark ?? 64 * 1024,
    settingsTimeout: options.settingsTimeout ?? 10_000,
    pingBurst: options.pingBurst ?? 50,
    pingRate: options.pingRate ?? 10,
    settingsBurst: options.settingsBurst ?? 50,
    settingsRate: options.settingsRate ?? 10,
    resetBurst: options.resetBurst ?? 200,
    resetRate: options.resetRate ?? 100,
    maxEmptyFrames: options.maxEmptyFrames ?? 100,
    maxQueuedControlFrames: options.maxQueuedControlFrames ?? 1000,
    keepAliveInterval: options.keepAliveInterval ?? 0,
    keepAliveTimeout: options.keepAliveTimeout ?? 20_000,
  };
}
