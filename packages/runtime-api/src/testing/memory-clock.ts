import { type DriverClock, monotonicClock } from "../driver/clock.js";

/** One armed timer of a virtual {@link MemoryClock}. */
interface VirtualTimer {
  readonly at: number;
  readonly order: number;
  readonly callback: () => void;
}

/** Real macrotask turns `advance` waits after each timer it fires, so the I/O the timer caused can flow. */
const SETTLE_TURNS = 3;

const macrotask = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

/**
 * The clock of a {@link MemoryRuntime}: every driver of the runtime (idle timeouts, protocol deadlines)
 * and every connection's `setClock` get this one.
 *
 * - `"monotonic"` (default): real time (`performance.now()`, real timers).
 * - `"virtual"`: time stands still until a test calls {@link advance}. Starts at 0. Timers fire in
 *   deadline order (ties in the order they were set), each with `now()` equal to its deadline; a timer
 *   set for a time that has already come fires promptly on a real macrotask, without an `advance`.
 */
export class MemoryClock implements DriverClock {
  /** True for a virtual clock (moved by {@link advance}). */
  readonly virtual: boolean;
  #now = 0;
  #order = 0;
  /** Armed timers, sorted by deadline then order. */
  #timers: VirtualTimer[] = [];
  /** A real macrotask is queued to run timers that are already due. */
  #dueQueued = false;

  constructor(kind: "monotonic" | "virtual" = "monotonic") {
    this.virtual = kind === "virtual";
  }

  now(): number {
    return this.virtual ? this.#now : monotonicClock.now();
  }

  /** Timers armed on this virtual clock and not yet fired or cleared (0 on a monotonic clock). */
  get pendingTimers(): number {
    return this.#timers.length;
  }

  setTimer(callback: () => void, ms: number): unknown {
    if (!this.virtual) return monotonicClock.setTimer(callback, ms);
    const timer: VirtualTimer = { at: this.#now + Math.max(0, ms), order: this.#order++, callback };
    let i = this.#timers.length;
    while (i > 0 && (this.#timers[i - 1] as VirtualTimer).at > timer.at) i--;
    this.#timers.splice(i, 0, timer);
    if (timer.at <= this.#now) this.#queueDue();
    return timer;
  }

  clearTimer(handle: unknown): void {
    if (!this.virtual) {
      monotonicClock.clearTimer(handle);
      return;
    }
    const i = this.#timers.indexOf(handle as VirtualTimer);
    if (i >= 0) this.#timers.splice(i, 1);
  }

  /**
   * Virtual clocks only: moves time forward by `ms`, firing every timer that comes due on the way, in
   * order. After each timer (and at the end) it waits a few real macrotask turns so that the I/O the
   * timer caused is delivered, and timers that I/O sets within the window fire too. Resolves with
   * `now()` at the target time.
   */
  async advance(ms: number): Promise<number> {
    if (!this.virtual) throw new TypeError('clock.advance: only a virtual clock moves by hand (clock: "virtual")');
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`clock.advance: ms must be >= 0, got ${ms}`);
    const target = this.#now + ms;
    await this.#settle();
    for (;;) {
      const next = this.#timers[0];
      if (!next || next.at > target) break;
      this.#timers.shift();
      this.#now = Math.max(this.#now, next.at);
      next.callback();
      await this.#settle();
    }
    this.#now = target;
    await this.#settle();
    return this.#now;
  }

  async #settle(): Promise<void> {
    for (let i = 0; i < SETTLE_TURNS; i++) await macrotask();
  }

  #queueDue(): void {
    if (this.#dueQueued) return;
    this.#dueQueued = true;
    setTimeout(() => {
      this.#dueQueued = false;
      for (;;) {
        const next = this.#timers[0];
        if (!next || next.at > this.#now) return;
        this.#timers.shift();
        next.callback();
      }
    }, 0);
  }
}
