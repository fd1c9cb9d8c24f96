import { DEFAULT_MAX_READ_BUFFER_SIZE, DEFAULT_READ_BUFFER_SIZE } from "./defaults.js";

/** Owned storage before it is first needed: idle connections hold no read memory of their own. */
const NO_STORAGE = new Uint8Array(0);

/**
 * Pull reads grow the buffer up to this size (64 KiB, the read size of Node and of Deno's streams)
 * while each read fills all the room it was given and the protocol consumes everything.
 */
export const READ_AHEAD_SIZE = 64 * 1024;

/**
 * After a pull read that brought at most half of this, with everything consumed, the next read gets
 * storage of this size (1 KiB) instead of a larger buffer: a connection waiting for its next small
 * message (an idle keep-alive connection, say) keeps 1 KiB under its pending read, not 16 or 64 KiB.
 * A read that fills it brings back the initial size.
 */
export const QUIET_READ_SIZE = 1024;

/** Throws `RangeError` unless `1 <= initialSize <= maxSize` (integers); undefined means the default. */
export function checkReadBufferSizes(
  initialSize = DEFAULT_READ_BUFFER_SIZE,
  maxSize = DEFAULT_MAX_READ_BUFFER_SIZE,
): void {
  if (!Number.isInteger(initialSize) || initialSize < 1) {
    throw new RangeError(`readBufferSize must be a positive integer, got ${initialSize}`);
  }
  if (!Number.isInteger(maxSize) || maxSize < initialSize) {
    throw new RangeError(`maxReadBufferSize must be an integer >= readBufferSize (${initialSize}), got ${maxSize}`);
  }
}

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
 * Owned storage is allocated when first needed (a push runtime whose chunks are consumed whole never
 * needs it). Pull reads also double it, up to {@link READ_AHEAD_SIZE}, while every read fills all the
 * room offered and the protocol consumes all of it: a flowing stream is read in fewer, larger reads.
 * A pull read that brings little (at most half of {@link QUIET_READ_SIZE}) and is consumed whole
 * shrinks it to {@link QUIET_READ_SIZE}, so a quiet connection's pending read holds little memory; a
 * read that fills that small buffer brings back the initial size.
 */
export class ReadBuffer {
  /** The limit the driver enforces (bytes the protocol may leave unconsumed). */
  readonly maxSize: number;
  readonly #initialSize: number;
  readonly #readAhead: number;
  #owned: Uint8Array = NO_STORAGE;
  #bytes: Uint8Array = NO_STORAGE;
  #start = 0;
  #end = 0;
  /** Length of the last {@link space} view. */
  #offered = 0;
  /** The last pull read filled all of the room it was offered. */
  #filledAll = false;
  /** Bytes the last pull read brought. */
  #lastRead = 0;
  /** The owned storage is the small one a quiet connection waits in ({@link QUIET_READ_SIZE}). */
  #quiet = false;

  constructor(initialSize = DEFAULT_READ_BUFFER_SIZE, maxSize = DEFAULT_MAX_READ_BUFFER_SIZE) {
    checkReadBufferSizes(initialSize, maxSize);
    this.maxSize = maxSize;
    this.#initialSize = initialSize;
    this.#readAhead = Math.min(maxSize, Math.max(initialSize, READ_AHEAD_SIZE));
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
  /** Size of the owned storage (0 until it is first needed). */
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
    const size = this.#owned.length;
    if (size === 0) this.#grow(this.#initialSize);
    else if (this.#filledAll && this.#start === this.#end && size < this.#readAhead) {
      // The last read filled everything it was offered and the protocol took it all: read more at once.
      this.#filledAll = false;
      this.#grow(Math.min(this.#readAhead, size * 2));
    } else if (this.#filledAll && this.#quiet) {
      // A read filled the quiet buffer (a message is left over): traffic is back, and so is the usual size.
      this.#filledAll = false;
      this.#grow(Math.max(this.#initialSize, QUIET_READ_SIZE * 2));
    } else if (this.#start === this.#end && this.#lastRead <= QUIET_READ_SIZE / 2 && size > QUIET_READ_SIZE) {
      // The last read brought little and all of it was consumed: wait for the next one in little memory.
      this.#owned = new Uint8Array(QUIET_READ_SIZE);
      this.#bytes = this.#owned;
      this.#start = 0;
      this.#end = 0;
      this.#quiet = true;
    } else if (this.#end === size) {
      if (this.#start > 0) this.#compact();
      else if (size < this.maxSize) this.#grow(Math.min(this.maxSize, size * 2));
    }
    const view = this.#owned.subarray(this.#end);
    this.#offered = view.length;
    return view;
  }

  /** Records that `n` bytes were read into the last {@link space} view. */
  commit(n: number): void {
    if (!Number.isInteger(n) || n < 0 || this.#end + n > this.#owned.length) {
      throw new RangeError(`cannot commit ${n} bytes into ${this.#owned.length - this.#end} free`);
    }
    this.#end += n;
    this.#filledAll = n > 0 && n === this.#offered;
    this.#lastRead = n;
  }

  #reserve(extra: number): void {
    if (this.#end + extra <= this.#owned.length) return;
    const needed = this.#end - this.#start + extra;
    if (needed <= this.#owned.length) {
      this.#compact();
      return;
    }
    let size = Math.max(this.#initialSize, this.#owned.length * 2);
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
    this.#quiet = false;
  }
}
