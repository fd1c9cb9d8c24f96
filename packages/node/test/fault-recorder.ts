// The victim protocol of the fault scenarios (fault-redis.ts, fault-tls.ts): it takes every byte and
// records what the driver told it, in order.
import type { Connection, ReadOperation, WriteOperation, WriteResult } from "@sansio/runtime-api";

/** Records bytes ("bytes" runs folded), `"closed"`, `readEof` and `reportError`; subclasses write. */
export abstract class FaultRecorder implements Connection {
  readonly signals: string[] = [];
  readonly errors: unknown[] = [];
  received = 0;
  closedResults = 0;
  eofs = 0;
  /** Settles once the connection heard its error or its input's end. */
  readonly ended: Promise<void>;
  #failed = false;
  #end!: () => void;

  constructor() {
    this.ended = new Promise((resolve) => {
      this.#end = resolve;
    });
  }

  /** The signals in order, e.g. `bytes closed error`. */
  transcript(): string {
    return this.signals.join(" ");
  }
  /** True while the reader waits (it yields instead of reading). */
  protected readerWaits(): boolean {
    return false;
  }
  /** The write side heard `"closed"`. */
  protected writeClosed(): void {}

  nextReadOperation(): ReadOperation {
    if (this.#failed || this.eofs > 0) return "close";
    return this.readerWaits() ? "yield" : "read";
  }
  read(_buffer: Uint8Array, _offset: number, length: number): number {
    this.received += length;
    if (this.signals[this.signals.length - 1] !== "bytes") this.signals.push("bytes");
    return length;
  }
  readEof(_buffer: Uint8Array, _offset: number, length: number): number {
    this.received += length;
    this.eofs++;
    this.signals.push("eof");
    this.#end();
    return length;
  }
  yieldReader(_resume: () => void): void {}
  abstract nextWriteOperation(): WriteOperation;
  reportWriteResult(result: WriteResult): void {
    if (result !== "closed") return;
    this.closedResults++;
    this.signals.push("closed");
    this.writeClosed();
  }
  yieldWriter(): void {}
  reportError(error: unknown): void {
    this.errors.push(error);
    this.signals.push("error");
    this.#failed = true;
    this.#end();
  }
  isClosed(): boolean {
    return this.#failed || this.eofs > 0;
  }
  shutdown(): void {}
}
