/** What came due at a {@link Deadlines.due} check. */
export type Due =
  /** Our SETTINGS were not acknowledged in time: GOAWAY SETTINGS_TIMEOUT. */
  | "settings-timeout"
  /** The peer was silent for the keep-alive interval: send a PING. */
  | "keep-alive-ping"
  /** The keep-alive PING went unanswered: the connection is dead. */
  | "keep-alive-dead"
  | null;

/**
 * The connection's deadlines on the driver's clock, as pure state: the SETTINGS acknowledgement
 * (RFC 9113 §6.5.3) and the keep-alive PING. The connection reports what happens; {@link next} is its
 * `nextDeadline()`, {@link due} tells `handleTimeout` what to do.
 */
export class Deadlines {
  private settingsAck: number | undefined;
  private lastHeard = 0;
  private pingAnswer: number | undefined;
  private stopped = false;

  constructor(
    private readonly settingsTimeout: number,
    /** 0: no keep-alive. */
    private readonly keepAliveInterval: number,
    private readonly keepAliveTimeout: number,
  ) {}

  /** The clock is known (`now`); `settingsPending`: our SETTINGS await their ACK. */
  start(now: number, settingsPending: boolean): void {
    this.lastHeard = now;
    if (settingsPending && this.settingsAck === undefined) this.settingsAck = now + this.settingsTimeout;
  }

  /** An ACK of our SETTINGS arrived; `stillPending`: more of ours await theirs. */
  settingsAcknowledged(now: number, stillPending: boolean): void {
    this.settingsAck = stillPending ? now + this.settingsTimeout : undefined;
  }

  /** Bytes arrived from the peer: it is alive. */
  heard(now: number): void {
    this.lastHeard = now;
    this.pingAnswer = undefined;
  }

  /** The connection ended: no more deadlines. */
  stop(): void {
    this.stopped = true;
  }

  /** The earliest deadline, or undefined. */
  next(): number | undefined {
    if (this.stopped) return undefined;
    const keepAlive =
      this.keepAliveInterval > 0 ? (this.pingAnswer ?? this.lastHeard + this.keepAliveInterval) : undefined;
    if (this.settingsAck === undefined) return keepAlive;
    return keepAlive === undefined ? this.settingsAck : Math.min(keepAlive, this.settingsAck);
  }

  /** What is due at `now` (one thing at a time, most serious first); updates the state accordingly. */
  due(now: number): Due {
    if (this.stopped) return null;
    if (this.settingsAck !== undefined && now >= this.settingsAck) {
      this.settingsAck = undefined;
      return "settings-timeout";
    }
    if (this.keepAliveInterval <= 0) return null;
    if (this.pingAnswer !== undefined) {
      if (now < this.pingAnswer) return null;
      this.pingAnswer = undefined;
      return "keep-alive-dead";
    }
    if (now < this.lastHeard + this.keepAliveInterval) return null;
    this.pingAnswer = now + this.keepAliveTimeout;
    return "keep-alive-ping";
  }
}
