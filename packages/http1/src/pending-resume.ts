/** The one pending resume callback of a side (reader or writer) the driver registered by yielding. */
export class PendingResume {
  #resume: (() => void) | undefined;

  /** Registers `resume`, replacing an earlier one. */
  set(resume: () => void): void {
    this.#resume = resume;
  }

  /** Calls the pending resume, if any, and forgets it (each registration resumes once). */
  wake(): void {
    const resume = this.#resume;
    if (resume) {
      this.#resume = undefined;
      resume();
    }
  }
}
