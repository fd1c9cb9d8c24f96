/**
 * A token bucket: `capacity` events at once, refilled at `perSecond`, on the driver's clock. Used to
 * bound what a peer may make us do per unit of time (PINGs, SETTINGS, resets, empty frames) without
 * refusing what a well-behaved peer does.
 */
export class TokenBucket {
  private tokens: number;
  private last: number | undefined;

  constructor(
    private readonly capacity: number,
    private readonly perSecond: number,
  ) {
    this.tokens = capacity;
  }

  /** Takes one token at time `now` (ms); false when the bucket is empty (the limit is exceeded). */
  take(now: number): boolean {
    if (this.last !== undefined && now > this.last) {
      this.tokens = Math.min(this.capacity, this.tokens + ((now - this.last) * this.perSecond) / 1000);
    }
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
