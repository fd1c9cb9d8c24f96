import { ConnectionClosedError, type WriteOperation, type WriteResult } from "@sansio/runtime-api";

/** Most iovecs in one write operation (like writev's IOV_MAX). */
const MAX_IOVECS = 256;
const YIELD: WriteOperation = Object.freeze({ kind: "yield" });
const CLOSE: WriteOperation = Object.freeze({ kind: "close" });
const READY: Promise<void> = Promise.resolve();

/**
 * Where the output is: `open` takes frames; `ending` writes what is queued, then `close`; `ended` handed
 * `close` to the driver; `gone` the peer stopped reading or the output was discarded.
 */
export type OutputState = "open" | "ending" | "ended" | "gone";

/**
 * The write side of a WebSocket connection: frames in (by reference, no copying), write operations
 * out, with a high-water mark whose drain resolves the promises of waiting senders.
 * (To be replaced by `OutputQueue` from `@sansio/runtime-api` once that building block is released.)
 */
export class FrameOutput {
  readonly #highWaterMark: number;
  #items: Uint8Array[] = [];
  #head = 0;
  #bytes = 0;
  #state: OutputState = "open";
  #resume: (() => void) | undefined;
  #waiters: Array<{ resolve: () => void; reject: (error: unknown) => void }> = [];

  constructor(highWaterMark: number) {
    this.#highWaterMark = highWaterMark;
  }

  /** Bytes queued and not yet written. */
  get bytes(): number {
    return this.#bytes;
  }

  /** See {@link OutputState}. */
  get state(): OutputState {
    return this.#state;
  }

  /** Queues the iovecs of one frame (kept by reference) and wakes the writer. Dropped unless `open`. */
  push(chunks: readonly Uint8Array[]): void {
    if (this.#state !== "open") return;
    for (const chunk of chunks) {
      if (chunk.length === 0) continue;
      this.#items.push(chunk);
      this.#bytes += chunk.length;
    }
    this.wakeWriter();
  }

  /** Resolves once queued bytes are at or below the high-water mark; rejects with `ConnectionClosedError` if the output is gone first. */
  drained(): Promise<void> {
    if (this.#bytes <= this.#highWaterMark) return READY;
    if (this.#state === "gone") return rejected(new ConnectionClosedError("the connection is closed"));
    const promise = new Promise<void>((resolve, reject) => this.#waiters.push({ resolve, reject }));
    promise.catch(() => {}); // pre-handled: a sender that does not await is not an unhandled rejection
    return promise;
  }

  /** Writes what is queued, then asks the driver to close the write side. */
  end(): void {
    if (this.#state !== "open") return;
    this.#state = "ending";
    this.wakeWriter();
  }

  /** Drops what is queued (the peer is gone, or the connection is aborted); waiting senders get `error`. */
  discard(error: unknown = new ConnectionClosedError("the connection is closed")): void {
    this.#items = [];
    this.#head = 0;
    this.#bytes = 0;
    if (this.#state !== "ended") this.#state = "gone";
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const waiter of waiters) waiter.reject(error);
    this.wakeWriter();
  }

  /** For `Connection.nextWriteOperation`. */
  nextWriteOperation(): WriteOperation {
    if (this.#bytes > 0 && this.#state !== "gone") {
      const end = Math.min(this.#items.length, this.#head + MAX_IOVECS);
      return { kind: "write", iovecs: this.#items.slice(this.#head, end) };
    }
    if (this.#state === "ending" || this.#state === "gone") {
      this.#state = "ended";
      return CLOSE;
    }
    return this.#state === "ended" ? CLOSE : YIELD;
  }

  /** For `Connection.reportWriteResult`. */
  reportWriteResult(result: WriteResult): void {
    if (result === "closed") {
      this.discard();
      return;
    }
    if (this.#state === "gone" || (this.#state === "ended" && this.#bytes === 0)) return; // discarded while the write was in flight
    this.#advance(result);
    if (this.#waiters.length > 0 && this.#bytes <= this.#highWaterMark) {
      const waiters = this.#waiters;
      this.#waiters = [];
      for (const waiter of waiters) waiter.resolve();
    }
  }

  /** For `Connection.yieldWriter`. */
  yieldWriter(resume: () => void): void {
    this.#resume = resume;
    if (this.#bytes > 0 || this.#state !== "open") this.wakeWriter();
  }

  /** Calls the driver's pending write resume, if any. */
  wakeWriter(): void {
    const resume = this.#resume;
    if (resume) {
      this.#resume = undefined;
      resume();
    }
  }

  #advance(n: number): void {
    if (n > this.#bytes) throw new RangeError(`reported ${n} bytes written of ${this.#bytes} queued`);
    this.#bytes -= n;
    const items = this.#items;
    let head = this.#head;
    while (n > 0) {
      const first = items[head] as Uint8Array;
      if (n >= first.length) {
        n -= first.length;
        head++;
      } else {
        items[head] = first.subarray(n);
        n = 0;
      }
    }
    if (head === items.length) {
      items.length = 0;
      head = 0;
    } else if (head > 64 && head * 2 > items.length) {
      items.splice(0, head);
      head = 0;
    }
    this.#head = head;
  }
}

/** A rejected promise whose rejection is already handled (forgetting to await it is safe). */
export function rejected(error: unknown): Promise<never> {
  const promise = Promise.reject(error);
  promise.catch(() => {});
  return promise;
}
