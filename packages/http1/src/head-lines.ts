import { LF } from "./chars.js";
import { HttpParseError } from "./errors.js";

/** Size limits of a message head. */
export interface HeadLimits {
  /** Longest start line (request line or status line) in bytes, CRLF included. */
  readonly maxStartLineBytes: number;
  /** Longest head (start line, header lines, final CRLF) in bytes. Also bounds a chunked body's trailers. */
  readonly maxHeadBytes: number;
  /** Most header fields in one head (or trailer section). */
  readonly maxHeaderCount: number;
}

/** What a head parser reads: a request head, a response head, or the trailer section of a chunked body. */
export type HeadKind = "request" | "response" | "trailers";

/** A line end search that reached the end of the bytes offered: the line is not complete yet. */
export const INCOMPLETE = -1;

/**
 * The line-finding half of head parsing: finds where each line ends, remembering how far it already
 * looked in a partial line (so a head arriving one byte at a time costs linear time), and keeps the
 * head within its limits (start-line length, head size). Knows nothing of what the lines mean.
 */
export class HeadLines {
  readonly #kind: HeadKind;
  readonly #limits: HeadLimits;
  /** Bytes of the current partial line already searched for its LF. */
  #scanned = 0;
  /** Bytes of the head taken so far (complete lines). */
  #taken = 0;

  constructor(kind: HeadKind, limits: HeadLimits) {
    this.#kind = kind;
    this.#limits = limits;
  }

  /** Starts the next head. */
  begin(): void {
    this.#scanned = 0;
    this.#taken = 0;
  }

  /** True once some bytes of the head were seen (a message is under way). */
  get started(): boolean {
    return this.#taken > 0 || this.#scanned > 0;
  }

  /** True while no partial line is pending, so a line can be parsed in one pass from its first byte. */
  get atLineStart(): boolean {
    return this.#scanned === 0;
  }

  /**
   * The index of the LF ending the line that starts at `bytes[start]`, or {@link INCOMPLETE} (the
   * search resumes where it stopped when the line is offered again). Checks the partial line against
   * the limits: the error, when there is one, is returned instead.
   */
  findLineEnd(bytes: Uint8Array, start: number, end: number, startLine: boolean): number | HttpParseError {
    let i = start + this.#scanned;
    while (i < end && bytes[i] !== LF) i++;
    if (i < end) {
      this.#scanned = 0;
      return i;
    }
    this.#scanned = end - start;
    return this.check(this.#scanned, startLine) ?? INCOMPLETE;
  }

  /** The error a line of `lineBytes` would cause (start line too long, head too large), or null. */
  check(lineBytes: number, startLine: boolean): HttpParseError | null {
    const limits = this.#limits;
    if (startLine && lineBytes > limits.maxStartLineBytes) {
      return this.#kind === "request"
        ? new HttpParseError(
            "request-line-too-long",
            `the request line is longer than ${limits.maxStartLineBytes} bytes`,
            414,
          )
        : new HttpParseError("bad-status-line", `the status line is longer than ${limits.maxStartLineBytes} bytes`);
    }
    if (this.#taken + lineBytes > limits.maxHeadBytes) {
      const what = this.#kind === "trailers" ? "trailer section" : "head";
      return new HttpParseError("headers-too-large", `the ${what} is larger than ${limits.maxHeadBytes} bytes`, 431);
    }
    return null;
  }

  /** Takes a complete line of `lineBytes` bytes (checked with {@link check}) into the head. */
  take(lineBytes: number): void {
    this.#taken += lineBytes;
  }
}
