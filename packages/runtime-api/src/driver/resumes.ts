/** The two sides a resume can wake. */
export type Side = "read" | "write";

/** A side a resume wakes: its pump. */
export interface Resumable {
  /** The connection's resume ran: ask it again. */
  resume(): void;
}

/** Told whenever the driver's outermost turn has ended (nothing deferred is left). */
export interface TurnListener {
  turnEnded(): void;
}

/** Bits of {@link ResumeScheduler}'s deferred set. */
const READ = 1;
const WRITE = 2;

/**
 * Runs the connection's `resume` callbacks off the caller's stack, exactly once each.
 *
 * A resume called from inside the connection (while the driver is calling it: `depth > 0`) is
 * deferred and run once the driver's outermost call has returned, in a loop (never by recursion);
 * one called from anywhere else (a timer, a promise) runs on a microtask.
 */
export class ResumeScheduler {
  /** How many driver calls into the connection are on the stack right now. */
  #depth = 0;
  /** Resumes called meanwhile ({@link READ} / {@link WRITE} bits), run when the depth is back to 0. */
  #deferred = 0;
  /** True while {@link #drain} runs its loop (a nested leave must not start a second loop). */
  #draining = false;
  readonly #reads: Resumable;
  readonly #writes: Resumable;
  readonly #host: TurnListener;
  /**
   * The microtasks that resume each side, made on the first resume called from outside the driver:
   * a connection that never has one (an idle keep-alive connection, say) holds no closure for it.
   */
  #readTask: (() => void) | undefined;
  #writeTask: (() => void) | undefined;

  constructor(reads: Resumable, writes: Resumable, host: TurnListener) {
    this.#reads = reads;
    this.#writes = writes;
    this.#host = host;
  }

  /** The driver is about to call into the connection. */
  enter(): void {
    this.#depth++;
  }

  /** The driver's call into the connection returned: at depth 0, runs what was deferred, then ends the turn. */
  leave(): void {
    if (--this.#depth > 0 || this.#draining) return;
    if (this.#deferred !== 0) this.#drain();
    this.#host.turnEnded();
  }

  /** A fresh resume for one yield of `side`: the first call schedules the side, later calls do nothing. */
  resumer(side: Side): () => void {
    let used = false;
    const bit = side === "read" ? READ : WRITE;
    return () => {
      if (used) return;
      used = true;
      if (this.#depth > 0) this.#deferred |= bit;
      else queueMicrotask(this.#task(bit));
    };
  }

  /** The microtask that resumes the side of `bit` (one per side, made on first use). */
  #task(bit: number): () => void {
    if (bit === READ) {
      this.#readTask ??= () => this.#reads.resume();
      return this.#readTask;
    }
    this.#writeTask ??= () => this.#writes.resume();
    return this.#writeTask;
  }

  #drain(): void {
    this.#draining = true;
    try {
      while (this.#deferred !== 0) {
        const deferred = this.#deferred;
        this.#deferred = 0;
        if (deferred & READ) this.#reads.resume();
        if (deferred & WRITE) this.#writes.resume();
      }
    } finally {
      this.#draining = false;
    }
  }
}
