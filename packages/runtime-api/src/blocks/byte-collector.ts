import { ValueTooLargeError } from "./errors.js";

/** Options of {@link ByteCollector}. */
export interface ByteCollectorOptions {
  /** Largest value {@link ByteCollector.start} accepts, in bytes. Default 16 MiB. */
  readonly maxLength?: number;
}

/** Default {@link ByteCollectorOptions.maxLength}: 16 MiB. */
export const DEFAULT_MAX_VALUE_LENGTH = 16 * 1024 * 1024;

/** Where a {@link ByteCollector} is: nothing asked, bytes still missing, or all bytes there. */
export type ByteCollectorState = "idle" | "collecting" | "complete";

/** The first allocation for a value: the rest grows by doubling as bytes arrive. */
const FIRST_ALLOCATION = 64 * 1024;
const EMPTY = new Uint8Array(0);

/**
 * "Take the next N bytes": collects exactly `length` bytes across any number of `read` calls into one
 * buffer, for values larger than the driver's read buffer (a length-prefixed payload, a bulk string,
 * a fixed-size body). {@link offer} copies what it can use and says how much it consumed, so the
 * protocol returns that from `read` and the rest of the chunk is offered to whatever comes next.
 *
 * Memory follows the bytes that really arrived (64 KiB first, then doubling up to `length`), so a peer
 * that announces a large value and sends nothing holds little. A length above `maxLength` fails with
 * {@link ValueTooLargeError}.
 *
 * @example
 * ```ts
 * this.#value.start(announcedLength);           // throws ValueTooLargeError past maxLength
 * // in read(buffer, offset, length):
 * const used = this.#value.offer(buffer, offset, length);
 * if (this.#value.state === "complete") this.#onValue(this.#value.take());
 * return used;
 * ```
 */
export class ByteCollector {
  /** Largest value accepted, in bytes. */
  readonly maxLength: number;
  #state: ByteCollectorState = "idle";
  #length = 0;
  #have = 0;
  #bytes: Uint8Array = EMPTY;

  constructor(options: ByteCollectorOptions = {}) {
    const maxLength = options.maxLength ?? DEFAULT_MAX_VALUE_LENGTH;
    if (!Number.isSafeInteger(maxLength) || maxLength < 0) throw new RangeError(`invalid maxLength: ${maxLength}`);
    this.maxLength = maxLength;
  }

  /** Where the collector is. */
  get state(): ByteCollectorState {
    return this.#state;
  }

  /** Bytes still missing (0 when idle or complete). */
  get remaining(): number {
    return this.#length - this.#have;
  }

  /**
   * Starts collecting the next `length` bytes. Throws {@link ValueTooLargeError} above `maxLength`,
   * `RangeError` for a length that is not a non-negative integer, and `Error` while a value is still
   * being collected or not yet taken.
   */
  start(length: number): void {
    if (this.#state !== "idle") throw new Error(`ByteCollector.start while ${this.#state}`);
    if (!Number.isSafeInteger(length) || length < 0) throw new RangeError(`invalid length: ${length}`);
    if (length > this.maxLength) throw new ValueTooLargeError(length, this.maxLength);
    this.#length = length;
    this.#have = 0;
    this.#bytes = length === 0 ? EMPTY : new Uint8Array(Math.min(length, FIRST_ALLOCATION));
    this.#state = length === 0 ? "complete" : "collecting";
  }

  /**
   * Copies up to {@link remaining} bytes from `buffer[offset, offset + length)`; returns how many it
   * consumed (0 unless collecting). The state becomes `"complete"` once all bytes are there.
   */
  offer(buffer: Uint8Array, offset: number, length: number): number {
    if (this.#state !== "collecting") return 0;
    const take = Math.min(length, this.#length - this.#have);
    const need = this.#have + take;
    if (need > this.#bytes.length) {
      const grown = new Uint8Array(Math.min(this.#length, Math.max(need, this.#bytes.length * 2)));
      grown.set(this.#bytes.subarray(0, this.#have));
      this.#bytes = grown;
    }
    this.#bytes.set(buffer.subarray(offset, offset + take), this.#have);
    this.#have = need;
    if (need === this.#length) this.#state = "complete";
    return take;
  }

  /** The collected value (exactly the length asked for; the caller owns it); back to `"idle"`. */
  take(): Uint8Array {
    if (this.#state !== "complete") throw new Error(`ByteCollector.take while ${this.#state}`);
    const bytes = this.#bytes;
    this.#bytes = EMPTY;
    this.#state = "idle";
    this.#length = 0;
    this.#have = 0;
    return bytes;
  }

  /** Drops any value under way; back to `"idle"`. */
  reset(): void {
    this.#bytes = EMPTY;
    this.#state = "idle";
    this.#length = 0;
    this.#have = 0;
  }
}
