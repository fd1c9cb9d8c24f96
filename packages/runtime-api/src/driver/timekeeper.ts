import type { DriverClock } from "./clock.js";

/** What the timekeeper tells its driver. */
export interface TimekeeperHost {
  /** No byte was read or written for `idleTimeout` ms. */
  idleExpired(idleTimeout: number): void;
  /** The protocol's deadline has come (`now` is at or after it). */
  deadlineReached(now: number): void;
}

/**
 * Time for one connection: the driver's `idleTimeout` and the protocol's own deadline
 * (`Connection.nextDeadline`), served by ONE timer.
 *
 * The timer is armed for the earliest time something may be due and re-armed only when a deadline
 * moves EARLIER than the armed time. Activity (which moves the idle deadline later) and a protocol
 * deadline that moves later cost nothing: the armed timer fires early, finds nothing due, and is armed
 * again for what is left. A deadline that is cancelled leaves at most one such stale wake-up. So there
 * is no timer churn or allocation per read or write.
 */
export class Timekeeper {
  readonly #clock: DriverClock;
  readonly #host: TimekeeperHost;
  /** ms without a byte read or written before {@link TimekeeperHost.idleExpired}; 0 = never. */
  readonly #idleTimeout: number;
  /** Clock time of the last byte read or written (only kept when there is an idle timeout). */
  #lastActivity = 0;
  /** The protocol's deadline as last answered by `nextDeadline`, or undefined. */
  #deadline: number | undefined;
  /** Clock time the armed timer fires at, or undefined when no timer is armed. */
  #armedAt: number | undefined;
  /** The armed timer's handle (from the clock). */
  #timer: unknown;
  /** False once stopped: nothing is armed again. */
  #running = true;
  readonly #onTimer = (): void => this.#fire();

  constructor(clock: DriverClock, idleTimeout: number, host: TimekeeperHost) {
    this.#clock = clock;
    this.#idleTimeout = idleTimeout;
    this.#host = host;
  }

  /** Starts the idle timeout (if any). */
  start(): void {
    if (this.#idleTimeout <= 0) return;
    this.#lastActivity = this.#clock.now();
    this.#arm(this.#lastActivity + this.#idleTimeout);
  }

  /** A byte was read or written (the hot path: one clock read, and only with an idle timeout). */
  touch(): void {
    if (this.#idleTimeout > 0) this.#lastActivity = this.#clock.now();
  }

  /** The protocol's latest answer to `nextDeadline`. Arms the timer only when it is earlier than the armed one. */
  setDeadline(deadline: number | undefined): void {
    if (deadline === this.#deadline) return;
    if (deadline !== undefined && !Number.isFinite(deadline)) {
      throw new RangeError(`nextDeadline returned ${deadline}: give a finite time on the driver's clock, or undefined`);
    }
    this.#deadline = deadline;
    if (deadline !== undefined) this.#arm(deadline);
  }

  /** Releases the timer for good (the connection is closing). */
  stop(): void {
    this.#running = false;
    this.#deadline = undefined;
    if (this.#armedAt !== undefined) this.#clock.clearTimer(this.#timer);
    this.#armedAt = undefined;
    this.#timer = undefined;
  }

  /** Makes sure the timer fires at or before `at`. */
  #arm(at: number): void {
    if (!this.#running || (this.#armedAt !== undefined && this.#armedAt <= at)) return;
    if (this.#armedAt !== undefined) this.#clock.clearTimer(this.#timer);
    this.#armedAt = at;
    this.#timer = this.#clock.setTimer(this.#onTimer, Math.max(0, Math.ceil(at - this.#clock.now())));
  }

  #fire(): void {
    this.#armedAt = undefined;
    this.#timer = undefined;
    if (!this.#running) return;
    const now = this.#clock.now();
    const idle = this.#idleTimeout;
    if (idle > 0 && now >= this.#lastActivity + idle) {
      this.#host.idleExpired(idle);
      return;
    }
    const deadline = this.#deadline;
    if (deadline !== undefined && now >= deadline) {
      // Consumed: the host asks the protocol again after handleTimeout (and arms what it answers).
      this.#deadline = undefined;
      this.#host.deadlineReached(now);
    }
    if (!this.#running) return;
    if (idle > 0) this.#arm(this.#lastActivity + idle);
    if (this.#deadline !== undefined) this.#arm(this.#deadline);
  }
}
