import { CR, LF } from "./chars.js";
import { HttpParseError } from "./errors.js";
import { HeadBuilder, type RequestHead, type ResponseHead } from "./head.js";
import { type HeadKind, type HeadLimits, HeadLines, INCOMPLETE } from "./head-lines.js";
import { checkHead, parseFieldLine } from "./header-fields.js";
import type { HeaderList } from "./headers.js";
import { parseRequestLine, parseStatusLine } from "./start-line.js";

export type { HeadKind, HeadLimits } from "./head-lines.js";

/** What a {@link HeadParser} of kind `K` produces. */
export type HeadOf<K extends HeadKind> = K extends "request"
  ? RequestHead
  : K extends "response"
    ? ResponseHead
    : HeaderList;

/** Where the parser is in the current head. */
type Phase = "start-line" | "fields" | "complete" | "failed";

/**
 * An incremental parser of HTTP/1.1 message heads (RFC 9112), strict about everything that lets two
 * parsers disagree on where a message ends: bare CR and bare LF, obs-fold, whitespace before the colon,
 * invalid token or field-value bytes, conflicting Content-Length, Transfer-Encoding with Content-Length.
 *
 * The jobs are split: {@link HeadLines} finds lines and enforces the limits, `start-line.ts` reads the
 * request or status line, `header-fields.ts` reads the fields and what they say about framing. This
 * class runs them in order and hands out each finished head with {@link take}.
 *
 * It consumes complete lines only: a partial line is left unconsumed (the driver offers it again with
 * more bytes). Header lines are parsed in one pass when they arrive whole (the common case).
 */
export class HeadParser<K extends HeadKind> {
  readonly kind: K;
  readonly #maxHeaderCount: number;
  readonly #lines: HeadLines;
  #phase: Phase;
  /** The head being parsed: made when its first bytes are parsed, so an idle parser holds none. */
  #head: HeadBuilder | undefined;
  #error: HttpParseError | null = null;

  constructor(kind: K, limits: HeadLimits) {
    this.kind = kind;
    this.#maxHeaderCount = limits.maxHeaderCount;
    this.#lines = new HeadLines(kind, limits);
    this.#phase = kind === "trailers" ? "fields" : "start-line";
  }

  /** True once the head is complete: {@link take} it. */
  get done(): boolean {
    return this.#phase === "complete";
  }

  /** The reason the head was refused (malformed or too large), or null. Nothing more is consumed after one. */
  get error(): HttpParseError | null {
    return this.#error;
  }

  /** True once some bytes of the current head were seen (a message is under way). */
  get started(): boolean {
    return this.#lines.started;
  }

  /** Drops any partial head (or error) and starts afresh. */
  begin(): void {
    this.#head = undefined;
    this.#error = null;
    this.#lines.begin();
    this.#phase = this.kind === "trailers" ? "fields" : "start-line";
  }

  /** The finished head (only when {@link done}); the parser starts on the next one. */
  take(): HeadOf<K> {
    if (this.#phase !== "complete") throw new Error("HeadParser.take(): the head is not complete");
    const head = this.#head as HeadBuilder; // complete: its lines were parsed into it
    this.begin();
    return (this.kind === "trailers" ? head.headers : head) as unknown as HeadOf<K>;
  }

  /**
   * Parses as many complete lines of `bytes[start..end)` as there are. Returns the bytes consumed;
   * check {@link done} and {@link error} afterwards.
   */
  parse(bytes: Uint8Array, start: number, end: number): number {
    const lines = this.#lines;
    this.#head ??= new HeadBuilder();
    const head = this.#head;
    let pos = start;
    while (this.#phase === "start-line" || this.#phase === "fields") {
      const fields = this.#phase === "fields";
      if (fields && lines.atLineStart && pos < end && bytes[pos] !== CR && bytes[pos] !== LF) {
        // Fast path: parse a header line in one pass, finding its end on the way.
        const lf = parseFieldLine(bytes, pos, end, head, this.kind, this.#maxHeaderCount);
        if (typeof lf !== "number") return this.#fail(lf, pos - start);
        if (lf !== INCOMPLETE) {
          const lineBytes = lf + 1 - pos;
          const tooLarge = lines.check(lineBytes, false);
          if (tooLarge) return this.#fail(tooLarge, pos - start);
          lines.take(lineBytes);
          pos = lf + 1;
          continue;
        }
        // The line is incomplete: the line search below remembers how far it looked.
      }
      const lf = lines.findLineEnd(bytes, pos, end, !fields);
      if (typeof lf !== "number") return this.#fail(lf, pos - start);
      if (lf === INCOMPLETE) return pos - start;
      const lineBytes = lf + 1 - pos;
      const tooLarge = lines.check(lineBytes, !fields);
      if (tooLarge) return this.#fail(tooLarge, pos - start);
      if (fields && !(lf === pos + 1 && bytes[pos] === CR)) {
        // A complete header line (the fast path found it incomplete earlier).
        if (lf === pos) return this.#fail(bareLf(), pos - start);
        const parsed = parseFieldLine(bytes, pos, end, head, this.kind, this.#maxHeaderCount);
        if (typeof parsed !== "number") return this.#fail(parsed, pos - start);
        if (parsed !== lf) return this.#fail(new HttpParseError("bad-header", "a malformed header line"), pos - start);
        lines.take(lineBytes);
        pos = lf + 1;
        continue;
      }
      if (lf === pos || bytes[lf - 1] !== CR) return this.#fail(bareLf(), pos - start);
      if (!fields) {
        if (lf - 1 === pos && this.kind === "request") {
          // RFC 9112 §2.2: empty lines before the request line are ignored (they count toward the limit).
          lines.take(lineBytes);
          pos = lf + 1;
          continue;
        }
        const bad =
          this.kind === "request"
            ? parseRequestLine(bytes, pos, lf - 1, head)
            : parseStatusLine(bytes, pos, lf - 1, head);
        if (bad) return this.#fail(bad, pos - start);
        this.#phase = "fields";
        lines.take(lineBytes);
        pos = lf + 1;
        continue;
      }
      // The empty line: the head is complete.
      lines.take(lineBytes);
      pos = lf + 1;
      const invalid = checkHead(head, this.kind);
      if (invalid) return this.#fail(invalid, pos - start);
      this.#phase = "complete";
    }
    return pos - start;
  }

  #fail(error: HttpParseError, consumed: number): number {
    this.#error = error;
    this.#phase = "failed";
    return consumed;
  }
}

function bareLf(): HttpParseError {
  return new HttpParseError("bare-lf", "a line ends in LF without CR");
}
