import type { Frame } from "../frame/frames.js";
import { TokenBucket } from "../state/token-bucket.js";
import type { ResolvedOptions } from "./options.js";

/**
 * Counts what a peer makes us do, against the limits of {@link ResolvedOptions}: PINGs and SETTINGS
 * per second (CVE-2019-9512/9515), stream resets (rapid reset, MadeYouReset), empty frames in a row
 * (CVE-2019-9518), control frames queued while the peer does not read. Each check answers false when
 * the limit is passed: the connection then ends with ENHANCE_YOUR_CALM.
 */
export class FloodGuard {
  private readonly pings: TokenBucket;
  private readonly settingsFrames: TokenBucket;
  private readonly resets: TokenBucket;
  private emptyInARow = 0;
  private queuedControl = 0;

  constructor(private readonly options: ResolvedOptions) {
    this.pings = new TokenBucket(options.pingBurst, options.pingRate);
    this.settingsFrames = new TokenBucket(options.settingsBurst, options.settingsRate);
    this.resets = new TokenBucket(options.resetBurst, options.resetRate);
  }

  /** A PING arrived at `now`. */
  ping(now: number): boolean {
    return this.pings.take(now);
  }

  /** A SETTINGS frame arrived at `now`. */
  settings(now: number): boolean {
    return this.settingsFrames.take(now);
  }

  /** A stream was reset at `now`, by the peer or because of what it sent. */
  reset(now: number): boolean {
    return this.resets.take(now);
  }

  /** A frame arrived: false after more than `maxEmptyFrames` frames in a row that carry nothing. */
  frame(frame: Frame): boolean {
    if (!isEmptyFrame(frame)) {
      this.emptyInARow = 0;
      return true;
    }
    return ++this.emptyInARow <= this.options.maxEmptyFrames;
  }

  /** We queue a control frame answering the peer: false past `maxQueuedControlFrames` unsent. */
  controlQueued(): boolean {
    return ++this.queuedControl <= this.options.maxQueuedControlFrames;
  }

  /** Everything queued was written: the peer reads. */
  outputDrained(): void {
    this.queuedControl = 0;
  }
}

/** A frame that carries nothing and changes nothing: empty DATA or header fragments that do not end, unknown types. */
export function isEmptyFrame(frame: Frame): boolean {
  switch (frame.type) {
    case "data":
      return frame.data.length === 0 && !frame.endStream;
    case "headers":
    case "continuation":
      return frame.fragment.length === 0 && !frame.endHeaders;
    case "unknown":
      return true;
    default:
      return false;
  }
}
