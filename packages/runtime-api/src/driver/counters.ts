import type { ReadBuffer } from "../read-buffer.js";
import type { SessionCounters } from "../runtime.js";
import type { DriverClock } from "./clock.js";

/** A session's counters, kept by its driver (plain fields: one add per read or write). */
export class DriverCounters implements SessionCounters {
  bytesIn = 0;
  bytesOut = 0;
  reads = 0;
  writes = 0;
  openedAt = 0;
  readonly #clock: DriverClock;
  readonly #buffer: ReadBuffer;
  /** Driver-clock time of the start, and of the release (undefined while open). */
  #startedAt: number | undefined;
  #endedAt: number | undefined;

  constructor(clock: DriverClock, buffer: ReadBuffer) {
    this.#clock = clock;
    this.#buffer = buffer;
  }

  get largestReadBuffer(): number {
    return this.#buffer.capacity; // the buffer only grows
  }

  get openFor(): number {
    if (this.#startedAt === undefined) return 0;
    return (this.#endedAt ?? this.#clock.now()) - this.#startedAt;
  }

  /** The session started. */
  opened(): void {
    this.openedAt = Date.now();
    this.#startedAt = this.#clock.now();
  }

  /** The session was released: `openFor` stops. */
  closed(): void {
    if (this.#startedAt !== undefined) this.#endedAt ??= this.#clock.now();
  }

  /** The values now, as plain data. */
  snapshot(): SessionCounters {
    return {
      bytesIn: this.bytesIn,
      bytesOut: this.bytesOut,
      reads: this.reads,
      writes: this.writes,
      largestReadBuffer: this.largestReadBuffer,
      openedAt: this.openedAt,
      openFor: this.openFor,
    };
  }
}
