import { DEFAULT_MAX_READ_BUFFER_SIZE, DEFAULT_READ_BUFFER_SIZE } from "./defaults.js";

/**
 * The read buffer of one driven connection. Unconsumed bytes live at `bytes[start..start+length)`.
 *
 * Push runtimes hand over chunks with {@link adopt} (no copy while the buffer is empty) or
 * {@link append}; pull runtimes read into {@link space} and {@link commit}. After the protocol has been
 * offered an adopted chunk, {@link settle} copies only the unconsumed tail into owned memory, so the
 * runtime may reuse or free its chunk.
 *
 * Capacity starts at `initialSize` and doubles when the buffer is full and more room is needed; the
 * driver raises `ReadBufferOverflowError` when the protocol consumes nothing from `maxSize` bytes.
 */
export class ReadBuffer {
  /** The limit the driver enforces (bytes the protocol may leave unconsumed). */
  readonly maxSize: number;
  #owned: Uint8Array;
  #bytes: Uint8Array;
  #start = 0;
  #end = 0;

  constructor(initialSize = DEFAULT_READ_BUFFER_SIZE, maxSize = DEFAULT_MAX_READ_BUFFER_SIZE) {
    if (!Number.isInteger(initialSize) || initialSize < 1) {
      throw new RangeError(`readBufferSize must be a positive integer, got ${initialSize}`);
    }
    if (!Number.isInteger(maxSize) || maxSize < initialSize) {
      throw new RangeError(`maxReadBufferSize must be an integer >= readBufferSize (${initialSize}), got ${maxSize}`);
    }
    this.maxSize = maxSize;
    this.#owned = new Uint8Array(initialSize);
    this.#bytes = this.#owned;
  }

  /** The memory the unconsumed bytes are in (an adopted chunk or the owned storage). */
  get bytes(): Uint8Array {
    return this.#bytes;
  }
  /** Offset of the first unconsumed byte in {@link bytes}. */
  get start(): number {
    return this.#start;
  }
  /** Number of unconsumed bytes. */
  get length(): number {
    return this.#end - this.#start;
  }
  /** Size of the owned storage. */
  get capacity(): number {
    return this.#owned.length;
  }

  /** Marks `n` bytes as consumed by the protocol. */
  consume(n: number): void {
    if (!Number.isInteger(n) || n < 0 || n > this.#end - this.#start) {
      throw new RangeError(`consumed ${n} bytes of ${this.#end - this.#start} offered`);
    }
    this.#start += n;
    if (this.#start === this.#end) {
      this.#start = 0;
      this.#end = 0;
      this.#bytes = this.#owned;
    }
  }

  /** Takes a chunk by reference when the buffer is empty, else copies it in. Call {@link settle} before the chunk may change. */
  adopt(chunk: Uint8Array): void {
    if (this.#end === this.#start) {
      this.#bytes = chunk;
      this.#start = 0;
      this.#end = chunk.length;
    } else {
      this.append(chunk);
    }
  }

  /** Copies an unconsumed tail of an adopted chunk into owned storage. */
  settle(): void {
    if (this.#bytes === this.#owned) return;
    const tail = this.#bytes.subarray(this.#start, this.#end);
    this.#bytes = this.#owned;
    this.#start = 0;
    this.#end = 0;
    if (tail.length > 0) this.append(tail);
  }

  /** Copies `chunk` after the unconsumed bytes, compacting and growing as needed. */
  append(chunk: Uint8Array): void {
    this.settle();
    this.#reserve(chunk.length);
    this.#owned.set(chunk, this.#end);
    this.#end += chunk.length;
  }

  /**
   * Free space after the unconsumed bytes, for a runtime to read into. Compacts first; when the buffer
   * is full, doubles it (up to `maxSize`). Returns an empty view only when full at `maxSize`.
   */
  space(): Uint8Array {
    this.settle();
    if (this.#end === this.#owned.length) {
      if (this.#start > 0) this.#compact();
      else if (this.#owned.length < this.maxSize) this.#grow(Math.min(this.maxSize, this.#owned.length * 2));
    }
    return this.#owned.subarray(this.#end);
  }

  /** Records that `n` bytes were read into the last {@link space} view. */
  commit(n: number): void {
    if (!Number.isInteger(n) || n < 0 || this.#end + n > this.#owned.length) {
      throw new RangeError(`cannot commit ${n} bytes into ${this.#owned.length - this.#end} free`);
    }
    this.#end += n;
  }

  /** Removes and returns a copy of every unconsumed byte (used to hand leftovers to another owner). */
  take(): Uint8Array {
    const out = this.#bytes.slice(this.#start, this.#end);
    this.#bytes = this.#owned;
    this.#start = 0;
    this.#end = 0;
    return out;
  }

  #reserve(extra: number): void {
    if (this.#end + extra <= this.#owned.length) return;
    const needed = this.#end - this.#start + extra;
    if (needed <= this.#owned.length) {
      this.#compact();
      return;
    }
    let size = this.#owned.length * 2;
    while (size < needed) size *= 2;
    this.#grow(size);
  }

  #compact(): void {
    this.#owned.copyWithin(0, this.#start, this.#end);
    this.#end -= this.#start;
    this.#start = 0;
  }

  #grow(size: number): void {
    const next = new Uint8Array(size);
    next.set(this.#owned.subarray(this.#start, this.#end));
    this.#end -= this.#start;
    this.#start = 0;
    this.#owned = next;
    this.#bytes = next;
  }
}
