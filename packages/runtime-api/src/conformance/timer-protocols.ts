import type { Clock, Connection, ReadOperation, WriteOperation } from "../connection.js";

/** One `handleTimeout` call as a {@link DeadlineClient} saw it. */
export interface TimeoutCall {
  /** The deadline the client had answered. */
  readonly deadline: number;
  /** The `now` the driver passed. */
  readonly now: number;
  /** The driver's clock read inside the call. */
  readonly clockNow: number;
}

/**
 * A client that keeps time through the driver: a test sets its deadline ({@link deadlineIn},
 * {@link deadlineAt}), which wakes the driver so it asks `nextDeadline` again; every `handleTimeout`
 * is recorded and clears the deadline (one shot). It reads and discards, writes nothing, and closes
 * its output on {@link finish}.
 */
export class DeadlineClient implements Connection {
  /** Every `handleTimeout` call, in order. */
  readonly fired: TimeoutCall[] = [];
  /** Every error reported. */
  readonly errors: unknown[] = [];
  /** How many times `setClock` was called (the contract: once, before anything else). */
  clockCalls = 0;
  /** Calls made before `setClock` (should stay 0). */
  callsBeforeClock = 0;
  #clock: Clock | undefined;
  #deadline: number | undefined;
  #finishing = false;
  #eof = false;
  #writeResume: (() => void) | undefined;
  #readResume: (() => void) | undefined;

  /** The driver's clock (throws before `setClock`). */
  get clock(): Clock {
    if (!this.#clock) throw new Error("DeadlineClient: setClock was not called");
    return this.#clock;
  }

  /** Sets the deadline `ms` from now on the driver's clock; returns it. */
  deadlineIn(ms: number): number {
    const at = this.clock.now() + ms;
    this.deadlineAt(at);
    return at;
  }

  /** Sets (or, with undefined, cancels) the deadline and wakes the driver so it asks again. */
  deadlineAt(at: number | undefined): void {
    this.#deadline = at;
    this.#wakeWriter();
  }

  /** Closes the output (FIN); the session ends once the peer closes too. */
  finish(): void {
    this.#finishing = true;
    this.#wakeWriter();
    const resume = this.#readResume;
    this.#readResume = undefined;
    resume?.();
  }

  setClock(clock: Clock): void {
    this.clockCalls++;
    this.#clock = clock;
  }

  nextDeadline(): number | undefined {
    return this.#deadline;
  }

  handleTimeout(now: number): void {
    const deadline = this.#deadline;
    this.#deadline = undefined;
    this.fired.push({ deadline: deadline ?? Number.NaN, now, clockNow: this.clock.now() });
  }

  nextReadOperation(): ReadOperation {
    this.#seen();
    return this.#eof ? "close" : "read";
  }

  read(_buffer: Uint8Array, _offset: number, length: number): number {
    return length;
  }

  readEof(_buffer: Uint8Array, _offset: number, length: number): number {
    this.#eof = true;
    return length;
  }

  yieldReader(resume: () => void): void {
    this.#readResume = resume;
  }

  nextWriteOperation(): WriteOperation {
    this.#seen();
    return this.#finishing ? { kind: "close" } : { kind: "yield" };
  }

  reportWriteResult(): void {}

  yieldWriter(resume: () => void): void {
    this.#writeResume = resume;
  }

  reportError(error: unknown): void {
    this.errors.push(error);
  }

  isClosed(): boolean {
    return this.#finishing && this.#eof;
  }

  shutdown(): void {
    this.finish();
  }

  #seen(): void {
    if (!this.#clock) this.callsBeforeClock++;
  }

  #wakeWriter(): void {
    const resume = this.#writeResume;
    this.#writeResume = undefined;
    resume?.();
  }
}
