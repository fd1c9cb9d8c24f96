import type { WriteOperation } from "@sansio/runtime-api";
import { OutputQueue } from "./output-queue.js";
import { PendingResume } from "./pending-resume.js";
import { DrainSignal, READY } from "./write-helpers.js";

const YIELD: WriteOperation = Object.freeze({ kind: "yield" });
const CLOSE: WriteOperation = Object.freeze({ kind: "close" });

/** Where framed bytes go, queued by reference (they must not change until written). */
export interface ByteSink {
  /** Queues `chunk` to send. */
  send(chunk: Uint8Array): void;
}

/**
 * The write side of an HTTP connection (server or client): the queued iovecs, the high-water mark that
 * body writers wait on, the driver's pending writer resume, and whether the output is closed.
 */
export class ConnectionOutput implements ByteSink {
  /** Queued bytes at or above which writers wait. */
  readonly highWaterMark: number;
  readonly #queue = new OutputQueue();
  readonly #drain = new DrainSignal();
  readonly #writer = new PendingResume();
  #closed = false;

  constructor(highWaterMark: number) {
    this.highWaterMark = highWaterMark;
  }

  /** Bytes queued and not yet reported written. */
  get bytes(): number {
    return this.#queue.bytes;
  }

  /** True when nothing is queued. */
  get empty(): boolean {
    return this.#queue.empty;
  }

  /** True while fewer than {@link highWaterMark} bytes are queued. */
  get belowHighWaterMark(): boolean {
    return this.#queue.bytes < this.highWaterMark;
  }

  /** True once the output is closed: "close" was handed to the driver, or {@link close} was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Queues `chunk` (by reference) and wakes the writer. */
  send(chunk: Uint8Array): void {
    this.#queue.push(chunk);
    this.#writer.wake();
  }

  /** Resolves once the queue is below the high-water mark; rejects when the output is discarded. */
  drained(): Promise<void> {
    return this.belowHighWaterMark ? READY : this.#drain.wait();
  }

  /** The driver's next write operation. `finishing`: close the output once the queue is empty. */
  next(finishing: boolean): WriteOperation {
    if (this.#closed) return CLOSE;
    if (!this.#queue.empty) return { kind: "write", iovecs: this.#queue.iovecs() };
    if (finishing) {
      this.#closed = true;
      this.#drain.reject();
      return CLOSE;
    }
    return YIELD;
  }

  /** The driver wrote `n` bytes. Returns true when the queue is below the high-water mark (waiters were woken). */
  written(n: number): boolean {
    this.#queue.advance(n);
    if (!this.belowHighWaterMark) return false;
    if (this.#drain.pending) this.#drain.resolve();
    return true;
  }

  /** The driver yields the writer: `resume` runs on the next {@link send}, or now if there is work (`finishing`). */
  yieldWriter(resume: () => void, finishing: boolean): void {
    this.#writer.set(resume);
    if (!this.#queue.empty || finishing || this.#closed) this.#writer.wake();
  }

  /** Wakes the writer (something changed: the connection is finishing, or failed). */
  wake(): void {
    this.#writer.wake();
  }

  /** Drops everything queued; waiters fail with `error` (default ConnectionClosedError). */
  discard(error?: unknown): void {
    this.#queue.clear();
    this.#drain.reject(error);
  }

  /** Closes the output without a "close" operation (the peer stopped reading): nothing more is written. */
  close(): void {
    this.#closed = true;
  }
}
