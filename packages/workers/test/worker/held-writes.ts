import type { Connection, WriteOperation } from "@sansio/runtime-api";
import { PrefixedConnection } from "@sansio/runtime-api/conformance";

/**
 * Holds the wrapped connection's output until {@link release} is called, so a case decides when more
 * bytes go out on a live session. Everything else is delegated (a {@link PrefixedConnection} with an
 * empty prefix is a pure delegate).
 */
export class HeldWrites extends PrefixedConnection {
  #released = false;
  #resume: (() => void) | undefined;

  constructor(inner: Connection) {
    super(new Uint8Array(0), inner);
  }

  /** Lets the wrapped connection write from now on. */
  release(): void {
    this.#released = true;
    const resume = this.#resume;
    this.#resume = undefined;
    resume?.();
  }

  override nextWriteOperation(): WriteOperation {
    return this.#released ? super.nextWriteOperation() : { kind: "yield" };
  }

  override yieldWriter(resume: () => void): void {
    if (this.#released) super.yieldWriter(resume);
    else this.#resume = resume;
  }
}
