import type { Clock, Connection, ReadOperation, WriteOperation, WriteResult } from "@sansio/runtime-api";

/**
 * A connection whose protocol can be replaced once the bytes so far decided it (a preface sniffed, a
 * `101 Switching Protocols` received): everything, time included (`setClock`, deadlines), goes to the
 * current protocol; {@link switchTo} hands the driver's pending wake-ups to the next one. Bytes the old
 * protocol left unconsumed are offered to the next one by the driver.
 */
export class SwitchableConnection implements Connection {
  #current: Connection;
  #clock: Clock | undefined;
  #readResume: (() => void) | undefined;
  #writeResume: (() => void) | undefined;

  constructor(initial: Connection) {
    this.#current = initial;
  }

  /** The protocol in charge. */
  get current(): Connection {
    return this.#current;
  }

  /** Puts `next` in charge (it gets the driver's clock) and wakes the driver to ask it. */
  switchTo(next: Connection): void {
    this.#current = next;
    if (this.#clock !== undefined) next.setClock?.(this.#clock);
    const read = this.#readResume;
    const write = this.#writeResume;
    this.#readResume = undefined;
    this.#writeResume = undefined;
    read?.();
    write?.();
  }

  nextReadOperation(): ReadOperation {
    return this.#current.nextReadOperation();
  }
  read(buffer: Uint8Array, offset: number, length: number): number {
    return this.#current.read(buffer, offset, length);
  }
  readEof(buffer: Uint8Array, offset: number, length: number): number {
    return this.#current.readEof(buffer, offset, length);
  }
  yieldReader(resume: () => void): void {
    this.#readResume = resume;
    const owner = this.#current;
    owner.yieldReader(() => {
      if (this.#current !== owner) return;
      this.#readResume = undefined;
      resume();
    });
  }
  nextWriteOperation(): WriteOperation {
    return this.#current.nextWriteOperation();
  }
  reportWriteResult(result: WriteResult): void {
    this.#current.reportWriteResult(result);
  }
  yieldWriter(resume: () => void): void {
    this.#writeResume = resume;
    const owner = this.#current;
    owner.yieldWriter(() => {
      if (this.#current !== owner) return;
      this.#writeResume = undefined;
      resume();
    });
  }
  reportError(error: unknown): void {
    this.#current.reportError(error);
  }
  isClosed(): boolean {
    return this.#current.isClosed();
  }
  shutdown(): void {
    this.#current.shutdown();
  }
  setClock(clock: Clock): void {
    this.#clock = clock;
    this.#current.setClock?.(clock);
  }
  nextDeadline(): number | undefined {
    return this.#current.nextDeadline?.();
  }
  handleTimeout(now: number): void {
    this.#current.handleTimeout?.(now);
  }
}
