import { LineTooLongError } from "./errors.js";

/** Options of {@link DelimiterScanner}. */
export interface DelimiterScannerOptions {
  /** What ends a line: bytes, or a string encoded as UTF-8. Default `"\r\n"`. */
  readonly delimiter?: Uint8Array | string;
  /** Longest line accepted, in bytes, not counting the delimiter. Default 8 KiB. */
  readonly maxLength?: number;
}

/** Default {@link DelimiterScannerOptions.maxLength}: 8 KiB. */
export const DEFAULT_MAX_LINE_LENGTH = 8 * 1024;

const CRLF = new Uint8Array([13, 10]);
/** Ranges shorter than this are searched byte by byte; longer ones with the native `indexOf` on a view. */
const NATIVE_SEARCH_FROM = 128;

/**
 * Finds the end of the next line (CRLF by default, or any delimiter) in the bytes a `Connection` is
 * offered, without copying and without rescanning bytes it has already scanned.
 *
 * It is made for the contract's "consume fewer bytes than offered": when {@link scan} finds no
 * delimiter, the protocol consumes nothing of the partial line; the driver keeps it and offers it
 * again, first, with more bytes behind it, and the scanner resumes where it stopped. A line longer
 * than `maxLength` fails with {@link LineTooLongError} as soon as that is certain, instead of letting
 * the read buffer grow up to its limit.
 *
 * Each {@link scan} must be offered bytes that begin where the current line begins (the first byte
 * after the last delimiter found, or the first byte ever). Call {@link reset} to start over elsewhere.
 *
 * @example
 * ```ts
 * read(buffer: Uint8Array, offset: number, length: number): number {
 *   let used = 0;
 *   for (let end; (end = this.#lines.scan(buffer, offset + used, length - used)) >= 0; used += end) {
 *     this.#onLine(buffer.subarray(offset + used, offset + used + end - 2)); // without the CRLF
 *   }
 *   return used; // a partial line stays in the driver's buffer and is offered again
 * }
 * ```
 */
export class DelimiterScanner {
  /** The delimiter. */
  readonly delimiter: Uint8Array;
  /** Longest line accepted, not counting the delimiter. */
  readonly maxLength: number;
  /** Bytes of the current line already known to hold no complete delimiter. */
  #scanned = 0;

  constructor(options: DelimiterScannerOptions = {}) {
    const delimiter = options.delimiter ?? CRLF;
    this.delimiter = typeof delimiter === "string" ? new TextEncoder().encode(delimiter) : delimiter.slice();
    if (this.delimiter.length === 0) throw new RangeError("the delimiter must not be empty");
    const maxLength = options.maxLength ?? DEFAULT_MAX_LINE_LENGTH;
    if (!Number.isSafeInteger(maxLength) || maxLength < 0) throw new RangeError(`invalid maxLength: ${maxLength}`);
    this.maxLength = maxLength;
  }

  /** Bytes of the current line scanned so far without finding the delimiter. */
  get scanned(): number {
    return this.#scanned;
  }

  /**
   * Looks for the delimiter in `buffer[offset, offset + length)`, which begins at the current line.
   * Returns the line's length including the delimiter (the bytes to consume), or -1 when the line is
   * not complete yet. Throws {@link LineTooLongError} once the line is certain to exceed `maxLength`.
   */
  scan(buffer: Uint8Array, offset: number, length: number): number {
    const delimiter = this.delimiter;
    const size = delimiter.length;
    const last = delimiter[size - 1] as number;
    if (length < this.#scanned) this.#scanned = 0; // not the bytes offered before: scan them all
    const end = offset + length;
    let from = offset + Math.max(this.#scanned, size - 1);
    while (from < end) {
      const at = findByte(buffer, last, from, end);
      if (at < 0) break;
      if (endsWith(buffer, at, delimiter)) {
        const lineLength = at + 1 - size - offset;
        if (lineLength > this.maxLength) throw new LineTooLongError(this.maxLength);
        this.#scanned = 0;
        return at + 1 - offset;
      }
      from = at + 1;
    }
    // The last size - 1 bytes may begin a delimiter: the line holds at least the bytes before them.
    if (length - (size - 1) > this.maxLength) throw new LineTooLongError(this.maxLength);
    this.#scanned = length;
    return -1;
  }

  /** Forgets the current line: the next {@link scan} starts a new one. */
  reset(): void {
    this.#scanned = 0;
  }
}

/** Index of the first `byte` in `buffer[from, end)`, or -1. */
function findByte(buffer: Uint8Array, byte: number, from: number, end: number): number {
  if (end - from < NATIVE_SEARCH_FROM) {
    for (let i = from; i < end; i++) if (buffer[i] === byte) return i;
    return -1;
  }
  const at = buffer.subarray(from, end).indexOf(byte);
  return at < 0 ? -1 : from + at;
}

/** True when the delimiter ends at `buffer[at]` (its last byte is known to match). */
function endsWith(buffer: Uint8Array, at: number, delimiter: Uint8Array): boolean {
  const size = delimiter.length;
  for (let k = 2; k <= size; k++) if (buffer[at + 1 - k] !== delimiter[size - k]) return false;
  return true;
}
