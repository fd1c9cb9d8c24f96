import type { WriteOperation, WriteResult } from "../connection.js";
import { ConnectionClosedError } from "../errors.js";
import { COALESCE_THRESHOLD } from "../iovec.js";
import { Deferred } from "./deferred.js";
import { PendingResume } from "./pending-resume.js";

/** Options of {@link OutputQueue}. */
export interface OutputQueueOptions {
  /** Queued bytes at which {@link OutputQueue.write} starts returning false. Default 64 KiB. */
  readonly highWaterMark?: number;
  /** Queued bytes at or below which a backpressure episode ends (drain). Default half the high mark. */
  readonly lowWaterMark?: number;
  /**
   * Chunks shorter than this are copied into gather buffers (many small writes become one iovec);
   * longer ones are queued by reference. 0 queues everything by reference. Default `COALESCE_THRESHOLD`
   * (16 KiB), the size under which the adapters without writev copy iovecs together anyway.
   */
  readonly gatherBelow?: number;
  /** Most iovecs in one write operation (like writev's IOV_MAX). Default 256. */
  readonly maxIovecs?: number;
  /**
   * Called once per backpressure episode when it ends: the queue fell to `lowWaterMark`, or it was
   * discarded (check {@link OutputQueue.state}). Runs inside `reportWriteResult` / `discard`.
   */
  readonly onDrain?: () => void;
}

/**
 * Where the output is:
 * - `"open"`: writes are taken;
 * - `"ending"`: {@link OutputQueue.end} was called; what is queued is written, then `close`;
 * - `"ended"`: the `close` operation was handed to the driver;
 * - `"gone"`: the peer is gone (`"closed"` was reported) or {@link OutputQueue.discard} was called.
 */
export type OutputState = "open" | "ending" | "ended" | "gone";

/** Default {@link OutputQueueOptions.highWaterMark}: 64 KiB. */
export const DEFAULT_HIGH_WATER_MARK = 64 * 1024;
/** Default {@link OutputQueueOptions.maxIovecs}. */
export const DEFAULT_MAX_IOVECS = 256;

const YIELD: WriteOperation = Object.freeze({ kind: "yield" });
const CLOSE: WriteOperation = Object.freeze({ kind: "close" });
const EMPTY = new Uint8Array(0);
const READY: Promise<void> = Promise.resolve();
/** The first gather buffer is at most this large; later ones double, up to 4 x `gatherBelow`. */
const FIRST_GATHER = 4096;

/**
 * The output side of a `Connection`: bytes in, write operations out. A protocol's
 * `nextWriteOperation`, `reportWriteResult` and `yieldWriter` delegate to it in one line each.
 *
 * - {@link write} queues a chunk: large chunks by reference (they must not change until written),
 *   chunks under `gatherBelow` copied into a reused gather buffer, so a thousand tiny writes become
 *   one iovec and the caller may reuse a small chunk at once. It wakes the driver's writer.
 * - {@link nextWriteOperation} hands the driver a snapshot of at most `maxIovecs` iovecs; the
 *   snapshot array is reused from one write to the next and is not changed while its write is in
 *   flight; once a write is reported it is emptied, so an idle queue holds no slots.
 * - {@link reportWriteResult} drops the bytes written (partial writes are normal). On `"closed"` the
 *   queue is discarded and the state is `"gone"`: later writes are dropped (they return false) and
 *   {@link drained} rejects with `ConnectionClosedError`, so a writer learns the peer is gone.
 * - Backpressure: from the moment the queue reaches `highWaterMark`, {@link write} returns false
 *   until the queue falls to `lowWaterMark`; then {@link drained} resolves and `onDrain` runs.
 * - {@link end} closes the output once everything queued is written.
 *
 * @example
 * ```ts
 * readonly #out = new OutputQueue({ onDrain: () => this.#reader.wake() });
 * nextWriteOperation() { return this.#out.nextWriteOperation(); }
 * reportWriteResult(result: WriteResult) { this.#out.reportWriteResult(result); }
 * yieldWriter(resume: () => void) { this.#out.yieldWriter(resume); }
 * ```
 */
export class OutputQueue {
  /** Queued bytes at which writes start returning false. */
  readonly highWaterMark: number;
  /** Queued bytes at or below which a backpressure episode ends. */
  readonly lowWaterMark: number;
  readonly #gatherBelow: number;
  readonly #maxIovecs: number;
  readonly #onDrain: (() => void) | undefined;
  readonly #writer = new PendingResume();

  /** Queued chunks: `#items[#head, #tail)`; consumed slots hold EMPTY. */
  #items: Uint8Array[] = [];
  #head = 0;
  #tail = 0;
  #bytes = 0;
  #state: OutputState = "open";
  /** True from reaching the high mark until falling to the low mark (a backpressure episode). */
  #full = false;
  #drain: Deferred<void> | undefined;
  #goneError: unknown;

  /** The gather buffer small chunks are copied into, and how much of it is used. */
  #gather: Uint8Array | undefined;
  #fill = 0;
  /** Index in `#items` of the gather region still growing (its bytes are `#gather[#regionStart, #fill)`), or -1. */
  #region = -1;
  #regionStart = 0;

  /** The snapshot array and operation reused for every write. */
  readonly #snapshot: Uint8Array[] = [];
  readonly #writeOp: { readonly kind: "write"; readonly iovecs: readonly Uint8Array[] };
  /** Bytes of the write operation handed out and not yet reported, or -1 when none is in flight. */
  #inFlight = -1;

  constructor(options: OutputQueueOptions = {}) {
    const high = options.highWaterMark ?? DEFAULT_HIGH_WATER_MARK;
    if (!Number.isSafeInteger(high) || high < 1) throw new RangeError(`invalid highWaterMark: ${high}`);
    const low = options.lowWaterMark ?? Math.floor(high / 2);
    if (!Number.isSafeInteger(low) || low < 0 || low >= high) {
      throw new RangeError(`lowWaterMark must be an integer from 0 to highWaterMark - 1, got ${low}`);
    }
    const gatherBelow = options.gatherBelow ?? COALESCE_THRESHOLD;
    if (!Number.isSafeInteger(gatherBelow) || gatherBelow < 0)
      throw new RangeError(`invalid gatherBelow: ${gatherBelow}`);
    const maxIovecs = options.maxIovecs ?? DEFAULT_MAX_IOVECS;
    if (!Number.isSafeInteger(maxIovecs) || maxIovecs < 1) throw new RangeError(`invalid maxIovecs: ${maxIovecs}`);
    this.highWaterMark = high;
    this.lowWaterMark = low;
    this.#gatherBelow = gatherBelow;
    this.#maxIovecs = maxIovecs;
    this.#onDrain = options.onDrain;
    this.#writeOp = { kind: "write", iovecs: this.#snapshot };
  }

  /** Bytes queued and not yet reported written. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Where the output is. */
  get state(): OutputState {
    return this.#state;
  }

  /** True once the output is over: the `close` operation was handed out (`"ended"`), or `"gone"`. */
  get finished(): boolean {
    return this.#state === "ended" || this.#state === "gone";
  }

  /** True during a backpressure episode: {@link write} returns false; wait for {@link drained}. */
  get full(): boolean {
    return this.#full;
  }

  /**
   * Queues `chunk` and wakes the writer. Returns false when the writer should wait for
   * {@link drained} (a backpressure episode), or when the peer is gone and the chunk was dropped.
   * Throws `ConnectionClosedError` after {@link end}: writing after the end is a bug, not a race.
   */
  write(chunk: Uint8Array): boolean {
    const state = this.#state;
    if (state !== "open") {
      if (state === "gone") return false;
      throw new ConnectionClosedError("write after the output was ended");
    }
    const length = chunk.length;
    if (length === 0) return !this.#full;
    if (length < this.#gatherBelow) this.#gatherChunk(chunk);
    else {
      this.#sealRegion(); // a chunk by reference ends the growing gather region
      this.#items[this.#tail++] = chunk;
    }
    this.#bytes += length;
    if (this.#bytes >= this.highWaterMark) this.#full = true;
    this.#writer.wake();
    return !this.#full;
  }

  /**
   * {@link write} for bytes that are only valid now (such as those offered to `read`): a chunk
   * queued by reference is copied first; a small one is gathered (copied) anyway.
   */
  writeCopy(bytes: Uint8Array): boolean {
    return this.write(bytes.length < this.#gatherBelow ? bytes : bytes.slice());
  }

  /** Resolves when no backpressure episode is under way (now, or when it ends); rejects once gone. */
  drained(): Promise<void> {
    if (this.#state === "gone") {
      const failed = new Deferred<void>();
      failed.reject(this.#goneError);
      return failed.promise;
    }
    if (!this.#full) return READY;
    this.#drain ??= new Deferred<void>();
    return this.#drain.promise;
  }

  /** Closes the output once everything queued is written (the driver then half-closes). */
  end(): void {
    if (this.#state !== "open") return;
    this.#state = "ending";
    this.#writer.wake();
  }

  /**
   * Drops everything queued; the state becomes `"gone"`, {@link drained} waiters fail with `error`
   * (default `ConnectionClosedError`), a backpressure episode ends (`onDrain` runs), and the writer
   * is woken so the driver is told `close`. Safe to call more than once.
   */
  discard(error?: unknown): void {
    if (this.#state === "gone") return;
    this.#state = "gone";
    this.#goneError = error ?? new ConnectionClosedError("the output was discarded: the connection is closed");
    this.#items = [];
    this.#head = 0;
    this.#tail = 0;
    this.#bytes = 0;
    this.#gather = undefined; // a write in flight may still read it: never reuse it
    this.#region = -1;
    const wasFull = this.#full;
    this.#full = false;
    const drain = this.#drain;
    this.#drain = undefined;
    drain?.reject(this.#goneError);
    if (wasFull) this.#onDrain?.();
    this.#writer.wake();
  }

  /** The driver's next write operation: `write` while bytes are queued, then `yield`, or `close` once ended or gone. */
  nextWriteOperation(): WriteOperation {
    const state = this.#state;
    if (state === "gone" || state === "ended") return CLOSE;
    if (this.#bytes > 0) return this.#writeOperation();
    if (state === "ending") {
      this.#state = "ended";
      return CLOSE;
    }
    return YIELD;
  }

  /**
   * The driver's report for the last write operation: drops `result` bytes, or on `"closed"`
   * discards the queue (see {@link discard}). Throws `RangeError` for more bytes than were handed out.
   */
  reportWriteResult(result: WriteResult): void {
    const inFlight = this.#inFlight;
    this.#inFlight = -1;
    const snapshot = this.#snapshot;
    // Hold no written chunk alive, and no slots either: an idle connection keeps an empty array.
    snapshot.length = 0;
    if (result === "closed") {
      this.discard(new ConnectionClosedError("the peer closed the connection before the output was written"));
      return;
    }
    // The report of a write that was in flight when the queue was discarded: nothing left to drop.
    if (this.#state === "gone") return;
    const limit = inFlight < 0 ? this.#bytes : inFlight;
    if (!Number.isSafeInteger(result) || result < 0 || result > limit) {
      throw new RangeError(`reported ${result} bytes written of ${limit} handed out`);
    }
    if (result > 0) this.#advance(result);
    if (this.#full && this.#bytes <= this.lowWaterMark) {
      this.#full = false;
      const drain = this.#drain;
      this.#drain = undefined;
      drain?.resolve();
      this.#onDrain?.();
    }
  }

  /**
   * The driver yields the writer: `resume` runs on the next write, `end`, `discard` or
   * {@link wakeWriter}. It never runs at once, even with bytes queued: a protocol whose own
   * `nextWriteOperation` said `yield` over a non-empty queue is holding its output on purpose, and
   * waking it would spin.
   */
  yieldWriter(resume: () => void): void {
    this.#writer.register(resume);
  }

  /** Wakes the driver's writer, if it waits (the protocol's own state changed). */
  wakeWriter(): void {
    this.#writer.wake();
  }

  // ---- internals --------------------------------------------------------------------------------

  #writeOperation(): WriteOperation {
    const items = this.#items;
    if (this.#region >= 0) {
      // Bring the growing region's view up to date before it is handed out.
      const view = items[this.#region] as Uint8Array;
      if (view.length !== this.#fill - this.#regionStart) {
        items[this.#region] = (this.#gather as Uint8Array).subarray(this.#regionStart, this.#fill);
      }
    }
    // A write still in flight (a driver that asks twice) keeps its array: hand out a new one.
    const reuse = this.#inFlight < 0;
    const snapshot = reuse ? this.#snapshot : [];
    const head = this.#head;
    const count = Math.min(this.#tail - head, this.#maxIovecs);
    let total = 0;
    for (let i = 0; i < count; i++) {
      const item = items[head + i] as Uint8Array;
      snapshot[i] = item;
      total += item.length;
    }
    if (snapshot.length !== count) snapshot.length = count;
    this.#inFlight = total;
    return reuse ? this.#writeOp : { kind: "write", iovecs: snapshot };
  }

  /** Copies a small chunk into gather buffers (a new one when the current one is full). */
  #gatherChunk(chunk: Uint8Array): void {
    const length = chunk.length;
    let at = 0;
    while (at < length) {
      let gather = this.#gather;
      if (gather === undefined || this.#fill === gather.length) gather = this.#newGather(gather);
      const take = Math.min(gather.length - this.#fill, length - at);
      gather.set(take === length ? chunk : chunk.subarray(at, at + take), this.#fill);
      if (this.#region < 0) {
        this.#region = this.#tail;
        this.#regionStart = this.#fill;
        this.#items[this.#tail++] = EMPTY; // its view is made when it is handed out
      }
      this.#fill += take;
      at += take;
    }
  }

  /** Fixes the growing gather region's view: later small chunks start a new region. */
  #sealRegion(): void {
    if (this.#region < 0) return;
    this.#items[this.#region] = (this.#gather as Uint8Array).subarray(this.#regionStart, this.#fill);
    this.#region = -1;
  }

  #newGather(previous: Uint8Array | undefined): Uint8Array {
    this.#sealRegion();
    const size =
      previous === undefined
        ? Math.min(this.#gatherBelow, FIRST_GATHER)
        : Math.min(previous.length * 2, 4 * this.#gatherBelow);
    const gather = new Uint8Array(Math.max(size, 1));
    this.#gather = gather;
    this.#fill = 0;
    return gather;
  }

  /** Drops the first `n` (> 0, <= bytes) queued bytes. */
  #advance(n: number): void {
    this.#bytes -= n;
    const items = this.#items;
    let head = this.#head;
    while (n > 0) {
      if (head === this.#region) {
        // The growing region is the last item: its real extent is #gather[#regionStart, #fill).
        const left = this.#fill - this.#regionStart;
        if (n >= left) {
          n -= left;
          items[head++] = EMPTY;
          this.#region = -1;
        } else {
          this.#regionStart += n;
          items[head] = (this.#gather as Uint8Array).subarray(this.#regionStart, this.#fill);
          n = 0;
        }
        continue;
      }
      const first = items[head] as Uint8Array;
      if (n >= first.length) {
        n -= first.length;
        items[head++] = EMPTY;
      } else {
        items[head] = first.subarray(n);
        n = 0;
      }
    }
    if (this.#bytes === 0) {
      // Everything was written: the runtime needs none of it, so the gather buffer is reused from its start.
      // The item slots are released (an idle connection keeps an empty array, not the grown one).
      items.length = 0;
      this.#head = 0;
      this.#tail = 0;
      this.#region = -1;
      this.#fill = 0;
      return;
    }
    if (head >= 64 && head * 2 >= this.#tail) {
      const tail = this.#tail;
      items.copyWithin(0, head, tail);
      items.fill(EMPTY, tail - head, tail);
      if (this.#region >= 0) this.#region -= head;
      this.#tail = tail - head;
      head = 0;
    }
    this.#head = head;
  }
}
