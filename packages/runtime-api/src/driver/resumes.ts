/** The two sides a resume can wake. */
export type Side = "read" | "write";

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
  readonly #resumeRead: () => void;
  readonly #resumeWrite: () => void;
  /** Called whenever the driver's outermost turn has ended (nothing deferred is left). */
  readonly #turnEnded: () => void;

  constructor(resumeRead: () => void, resumeWrite: () => void, turnEnded: () => void) {
    this.#resumeRead = resumeRead;
    this.#resumeWrite = resumeWrite;
    this.#turnEnded = turnEnded;
  }

  /** The driver is about to call into the connection. */
  enter(): void {
    this.#depth++;
  }

  /** The driver's call into the connection returned: at depth 0, runs what was deferred, then ends the turn. */
  leave(): void {
    if (--this.#depth > 0 || this.#draining) return;
    if (this.#deferred !== 0) this.#drain();
    this.#turnEnded();
  }

  /** A fresh resume for one yield of `side`: the first call schedules the side, later calls do nothing. */
  resumer(side: Side): () => void {
    let used = false;
    const bit = side === "read" ? READ : WRITE;
    const task = side === "read" ? this.#resumeRead : this.#resumeWrite;
    return () => {
      if (used) return;
      used = true;
      if (this.#depth > 0) this.#deferred |= bit;
      else queueMicrotask(task);
    };
  }

  #drain(): void {
    this.#draining = true;
    try {
      while (this.#deferred !== 0) {
        const deferred = this.#deferred;
        this.#deferred = 0;
        if (deferred & READ) this.#resumeRead();
        if (deferred & WRITE) this.#resumeWrite();
      }
    } finally {
      this.#draining = false;
    }
  }
}
