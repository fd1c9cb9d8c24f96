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
 * - `open`: bytes may be queued; the writer yields when the queue is empty.
 * - `finishing`: the output closes ("close" operation) once the queue is empty.
 * - `closed`: "close" was handed to the driver, or the peer stopped reading: nothing more is written.
 */
type OutputState = "open" | "finishing" | "closed";

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
  #state: OutputState = "open";

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
    return this.#state === "closed";
  }

  /** Closes the output once what is queued has been written (and wakes the writer to do it). */
  finish(): void {
    if (this.#state === "open") this.#state = "finishing";
    this.#writer.wake();
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

  /** The driver's next write operation. */
  next(): WriteOperation {
    if (this.#state === "closed") return CLOSE;
    if (!this.#queue.empty) return { kind: "write", iovecs: this.#queue.iovecs() };
    if (this.#state === "finishing") {
      this.#state = "closed";
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

  /** The driver yields the writer: `resume` runs on the next {@link send}, or now if there is work. */
  yieldWriter(resume: () => void): void {
    this.#writer.set(resume);
    if (!this.#queue.empty || this.#state !== "open") this.#writer.wake();
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
    this.#state = "closed";
  }
}
