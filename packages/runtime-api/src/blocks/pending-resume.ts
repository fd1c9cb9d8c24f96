import { ResumeAlreadyPendingError } from "./errors.js";

/**
 * The one pending resume of a side (reader or writer) of a `Connection`: what `yieldReader` /
 * `yieldWriter` hand the protocol. Register once, fire once:
 * - {@link register} stores the driver's `resume`; a second registration while one is pending throws
 *   {@link ResumeAlreadyPendingError} (the driver keeps at most one per side, so a second one is a
 *   driver bug worth seeing, and `reportError` gets it).
 * - {@link wake} calls the pending resume and forgets it; a second `wake()`, or a wake with nothing
 *   registered, does nothing. The resume is forgotten before it runs, so it may register again.
 *
 * @example
 * ```ts
 * readonly #writer = new PendingResume();
 * yieldWriter(resume: () => void) { this.#writer.register(resume); }
 * send(bytes: Uint8Array) { this.#queue.push(bytes); this.#writer.wake(); }
 * ```
 */
export class PendingResume {
  #resume: (() => void) | undefined;

  /** True while a resume is registered and has not fired. */
  get pending(): boolean {
    return this.#resume !== undefined;
  }

  /** Registers `resume`. Throws {@link ResumeAlreadyPendingError} if one is already pending. */
  register(resume: () => void): void {
    if (this.#resume !== undefined) {
      throw new ResumeAlreadyPendingError("a second resume was registered while one was pending");
    }
    this.#resume = resume;
  }

  /** Calls the pending resume, if any, and forgets it. Returns true when a resume ran. */
  wake(): boolean {
    const resume = this.#resume;
    if (resume === undefined) return false;
    this.#resume = undefined;
    resume();
    return true;
  }

  /** Forgets the pending resume without calling it (the side is finished; nothing will wake it). */
  clear(): void {
    this.#resume = undefined;
  }
}
