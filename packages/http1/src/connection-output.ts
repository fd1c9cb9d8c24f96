import { OutputQueue, type WriteOperation, type WriteResult } from "@sansio/runtime-api";

/** Where framed bytes go, queued by reference (they must not change until written). */
export interface ByteSink {
  /** Queues `chunk` to send. */
  send(chunk: Uint8Array): void;
}

/**
 * The write side of an HTTP connection (server or client): runtime-api's {@link OutputQueue} (iovecs,
 * partial writes, water marks, the driver's writer resume, `open → ending → ended`, or `gone` once
 * the peer is gone), with chunks queued by reference (no gathering copy: the server builds each
 * response head and small body in one buffer already, and streamed chunks are the caller's) and the
 * vocabulary the HTTP connections use.
 */
export class ConnectionOutput implements ByteSink {
  readonly #queue: OutputQueue;

  /**
   * `highWaterMark`: queued bytes at which writers wait, until the queue falls to half of it;
   * `onDrain`: called when such a wait ends (inside `written` or `discard`).
   */
  constructor(highWaterMark: number, onDrain?: () => void) {
    this.#queue = new OutputQueue({ highWaterMark, gatherBelow: 0, onDrain });
  }

  /** True when nothing is queued (nothing the queue holds references the memory it was given). */
  get empty(): boolean {
    return this.#queue.bytes === 0;
  }

  /** False while writers should wait (from the high-water mark down to the low one). */
  get belowHighWaterMark(): boolean {
    return !this.#queue.full;
  }

  /** True once nothing more will be written: "close" was handed to the driver, or the peer is gone. */
  get closed(): boolean {
    const state = this.#queue.state;
    return state === "ended" || state === "gone";
  }

  /** Queues `chunk` (by reference) and wakes the writer. Dropped once the output is ending or closed. */
  send(chunk: Uint8Array): void {
    if (this.#queue.state === "open") this.#queue.write(chunk);
  }

  /** Resolves when writers may go on; rejects (marked handled) once the output is discarded. */
  drained(): Promise<void> {
    return this.#queue.drained();
  }

  /** Closes the output once what is queued has been written (and wakes the writer to do it). */
  finish(): void {
    this.#queue.end();
  }

  /** The driver's next write operation. */
  next(): WriteOperation {
    return this.#queue.nextWriteOperation();
  }

  /** The driver's report for the last write: bytes written, or `"closed"` (the output is discarded). */
  written(result: WriteResult): void {
    this.#queue.reportWriteResult(result);
  }

  /** The driver yields the writer: `resume` runs on the next {@link send}, end or discard (now if one is due). */
  yieldWriter(resume: () => void): void {
    this.#queue.yieldWriter(resume);
  }

  /** Wakes the writer (the connection's state changed). */
  wake(): void {
    this.#queue.wakeWriter();
  }

  /** Drops everything queued; drain waiters fail with `error` (default ConnectionClosedError). */
  discard(error?: unknown): void {
    this.#queue.discard(error);
  }
}
