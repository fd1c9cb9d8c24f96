import { MAX_WINDOW_SIZE } from "../frame/constants.js";

/**
 * Our credit to send on the connection or one stream (RFC 9113 §6.9): spent by DATA we send, given back
 * by the peer's WINDOW_UPDATE, shifted by its SETTINGS_INITIAL_WINDOW_SIZE changes (and may go negative).
 */
export class SendWindow {
  constructor(private size: number) {}

  /** Bytes we may send now (0 when the window is negative). */
  get available(): number {
    return Math.max(0, this.size);
  }

  /** The window itself, possibly negative. */
  get value(): number {
    return this.size;
  }

  /** We sent `n` bytes of flow-controlled payload. */
  consume(n: number): void {
    this.size -= n;
  }

  /** The peer sent WINDOW_UPDATE: false when the window would pass 2^31-1 (FLOW_CONTROL_ERROR). */
  increase(increment: number): boolean {
    if (this.size + increment > MAX_WINDOW_SIZE) return false;
    this.size += increment;
    return true;
  }

  /** The peer's SETTINGS_INITIAL_WINDOW_SIZE changed by `delta`: false when the window would pass 2^31-1. */
  adjust(delta: number): boolean {
    if (this.size + delta > MAX_WINDOW_SIZE) return false;
    this.size += delta;
    return true;
  }
}

/**
 * The peer's credit to send to us on the connection or one stream. DATA spends it when it arrives;
 * it is given back (WINDOW_UPDATE) only as the application consumes what arrived, once at least half of
 * the target window was consumed, so a slow reader stalls only its own stream and memory stays bounded
 * by the window.
 */
export class ReceiveWindow {
  /** Credit the peer has left. */
  private size: number;
  /** Bytes the application consumed that we have not yet given back. */
  private consumedNotAnnounced = 0;

  /** `target`: the window size we want to keep offering; `initial`: what the peer starts with. */
  constructor(
    private target: number,
    initial = target,
  ) {
    this.size = initial;
  }

  /** Credit the peer has left. */
  get value(): number {
    return this.size;
  }

  /** `n` flow-controlled bytes arrived: false when they exceed the credit (FLOW_CONTROL_ERROR). */
  receive(n: number): boolean {
    if (n > this.size) return false;
    this.size -= n;
    return true;
  }

  /**
   * The application consumed `n` bytes (or they were discarded). Returns the WINDOW_UPDATE increment to
   * send now, or 0 while less than half the target is waiting to be given back.
   */
  consume(n: number): number {
    this.consumedNotAnnounced += n;
    const missing = this.target - this.size;
    if (missing <= 0 || this.consumedNotAnnounced * 2 < this.target) return 0;
    const increment = Math.min(this.consumedNotAnnounced, missing);
    this.consumedNotAnnounced = 0;
    this.size += increment;
    return increment;
  }

  /**
   * Our SETTINGS_INITIAL_WINDOW_SIZE change was acknowledged: the peer's credit on this stream shifts by
   * `delta` and the target becomes `target`.
   */
  adjust(delta: number, target: number): void {
    this.size += delta;
    this.target = target;
  }

  /** Raises the target (e.g. the connection window at start); returns the WINDOW_UPDATE increment to send. */
  grow(target: number): number {
    const increment = target - this.size;
    this.target = target;
    if (increment <= 0) return 0;
    this.size += increment;
    return increment;
  }
}
