import { ConnectionLostError } from "../errors.js";

/** Listener of one direction of an in-memory socket. */
export interface PipeReader {
  /** Bytes became available, or the writer ended or reset. */
  wake(): void;
}

/**
 * One direction of an in-memory socket: a bounded byte queue. The writer side accepts bytes while
 * there is room (that is backpressure) and can end (FIN) or reset it; the reader takes bytes out.
 */
export class Pipe {
  readonly capacity: number;
  #chunks: Uint8Array[] = [];
  #head = 0; // index of the first unread chunk (no Array.shift: one-byte chunks stay linear)
  #size = 0;
  #ended = false;
  #reset: ConnectionLostError | undefined;
  #readerGone = false;
  reader: PipeReader | undefined;
  /** Called when room frees up for a waiting writer. */
  onRoom: (() => void) | undefined;

  constructor(capacity: number) {
    this.capacity = capacity;
  }

  get size(): number {
    return this.#size;
  }
  get ended(): boolean {
    return this.#ended;
  }
  get resetError(): ConnectionLostError | undefined {
    return this.#reset;
  }
  /** True when the reading end was released: writes fail like EPIPE. */
  get readerGone(): boolean {
    return this.#readerGone;
  }

  /** Copies up to `max` bytes in, bounded by free room; returns how many were taken. */
  push(bytes: Uint8Array, max: number): number {
    const n = Math.min(bytes.length, max, this.capacity - this.#size);
    if (n <= 0) return 0;
    this.#chunks.push(bytes.slice(0, n));
    this.#size += n;
    this.reader?.wake();
    return n;
  }

  /** Takes up to `max` bytes out (a copy), or null when nothing is queued. */
  take(max: number): Uint8Array | null {
    if (this.#size === 0) return null;
    const first = this.#chunks[this.#head] as Uint8Array;
    let out: Uint8Array;
    if (first.length <= max) {
      this.#head++;
      out = first;
      if (this.#head === this.#chunks.length) this.#clear();
      else if (this.#head >= 1024 && this.#head * 2 >= this.#chunks.length) {
        this.#chunks = this.#chunks.slice(this.#head);
        this.#head = 0;
      }
    } else {
      out = first.subarray(0, max);
      this.#chunks[this.#head] = first.subarray(max);
    }
    this.#size -= out.length;
    this.onRoom?.();
    return out;
  }

  #clear(): void {
    this.#chunks = [];
    this.#head = 0;
  }

  /** The writer sent FIN. */
  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.reader?.wake();
  }

  /**
   * The writer's side was torn down: the reader sees a reset after the bytes already queued (as on
   * Linux, where bytes received before a reset stay readable).
   */
  reset(): void {
    if (this.#reset || (this.#ended && this.#size === 0)) return;
    this.#reset = new ConnectionLostError("connection reset by peer (in-memory)", { code: "ECONNRESET" });
    this.reader?.wake();
  }

  /** The reading end was released: waiting writers fail. */
  closeReader(): void {
    this.#readerGone = true;
    this.#clear();
    this.#size = 0;
    this.onRoom?.();
  }
}
