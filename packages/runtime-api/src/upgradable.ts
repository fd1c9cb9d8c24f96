import type { Clock, Connection, ReadOperation, WriteOperation, WriteResult } from "./connection.js";

/**
 * A {@link Connection} whose protocol can be swapped while the socket stays open (HTTP/1.1 to
 * WebSocket or h2c). It delegates to the current protocol. `upgrade(next)`:
 * - shuts the old protocol down and sends the rest of its output first (until it yields or closes),
 * - hands every byte the old protocol did not consume to `next` (they stay in the driver's buffer),
 * - wakes any pending yield so the driver asks `next` at once,
 * - gives `next` the driver's clock (`setClock`), so its deadlines run after the switch.
 *
 * The time methods (`setClock`, `nextDeadline`, `handleTimeout`) go to the protocol now in charge.
 */
export class UpgradableConnection implements Connection {
  #current: Connection;
  #draining: Connection | undefined;
  #writeOwner: Connection | undefined;
  #readResume: (() => void) | undefined;
  #writeResume: (() => void) | undefined;
  /** The driver's clock, once given: handed to each protocol upgraded to. */
  #clock: Clock | undefined;

  constructor(initial: Connection) {
    this.#current = initial;
  }

  /** The protocol now receiving input. */
  get current(): Connection {
    return this.#current;
  }

  /** Switches to `next`. Safe to call from inside any method of the current protocol. */
  upgrade(next: Connection): void {
    const old = this.#current;
    if (next === old) return;
    if (this.#clock !== undefined) next.setClock?.(this.#clock);
    this.#current = next;
    this.#draining = old;
    old.shutdown();
    this.#wake();
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
      if (this.#current === owner) this.#resumeRead();
    });
  }

  nextWriteOperation(): WriteOperation {
    const old = this.#draining;
    if (old) {
      const op = old.nextWriteOperation();
      if (op.kind === "write") {
        this.#writeOwner = old;
        return op;
      }
      this.#draining = undefined;
    }
    this.#writeOwner = this.#current;
    return this.#current.nextWriteOperation();
  }
  reportWriteResult(result: WriteResult): void {
    (this.#writeOwner ?? this.#current).reportWriteResult(result);
  }
  yieldWriter(resume: () => void): void {
    this.#writeResume = resume;
    const owner = this.#current;
    owner.yieldWriter(() => {
      if (this.#current === owner) this.#resumeWrite();
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

  #wake(): void {
    this.#resumeRead();
    this.#resumeWrite();
  }
  #resumeRead(): void {
    const resume = this.#readResume;
    this.#readResume = undefined;
    resume?.();
  }
  #resumeWrite(): void {
    const resume = this.#writeResume;
    this.#writeResume = undefined;
    resume?.();
  }
}
