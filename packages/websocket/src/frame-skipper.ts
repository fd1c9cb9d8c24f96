import { Opcode, parseFrameHeader } from "./frame-header.js";

const EMPTY = new Uint8Array(0);
/** The longest frame header: 2 bytes, an 8-byte length, a 4-byte mask. */
const MAX_HEADER = 14;

/**
 * Follows frame boundaries without delivering anything: what reads the peer's input while a failed
 * connection lingers (its close frame is out, the rest of the peer's message still arriving). It tells
 * when the peer's close frame has gone by ({@link closeSeen}). When a header cannot be parsed (a
 * 64-bit length with its top bit set) the boundaries are lost: everything is skipped from then on.
 */
export class FrameSkipper {
  readonly #header = new Uint8Array(MAX_HEADER);
  #headerLength = 0;
  /** Payload bytes of the current frame still to skip. */
  #remaining: number;
  #inClose = false;
  #lost = false;
  #closeSeen = false;

  /**
   * Starts `payloadLeft` bytes into a frame's payload, or (with `partialHeader`) part way through a
   * header; `null` when the frame boundaries are unknown.
   */
  constructor(start: { payloadLeft: number; partialHeader?: Uint8Array } | null) {
    this.#remaining = start?.payloadLeft ?? 0;
    this.#lost = start === null;
    const partial = start?.partialHeader ?? EMPTY;
    this.#header.set(partial.subarray(0, MAX_HEADER));
    this.#headerLength = Math.min(partial.length, MAX_HEADER);
  }

  /** True once a whole close frame was skipped (the peer sends nothing after it). */
  get closeSeen(): boolean {
    return this.#closeSeen;
  }

  /** Skips frames in `bytes[offset..end)`; returns how many bytes it took (it stops after a close frame). */
  skip(bytes: Uint8Array, offset: number, end: number): number {
    let pos = offset;
    while (pos < end && !this.#closeSeen) {
      if (this.#lost) return end - offset;
      if (this.#remaining > 0) {
        const n = Math.min(this.#remaining, end - pos);
        pos += n;
        this.#remaining -= n;
        if (this.#remaining === 0) this.#frameEnded();
        continue;
      }
      // A header, gathered byte by byte (at most 14 bytes per frame).
      this.#header[this.#headerLength++] = bytes[pos++] as number;
      let parsed: ReturnType<typeof parseFrameHeader>;
      try {
        parsed = parseFrameHeader(this.#header, 0, this.#headerLength);
      } catch {
        this.#lost = true;
        continue;
      }
      if (parsed.kind === "incomplete") continue;
      this.#headerLength = 0;
      this.#inClose = parsed.header.opcode === Opcode.Close;
      this.#remaining = parsed.header.length;
      if (this.#remaining === 0) this.#frameEnded();
    }
    return pos - offset;
  }

  #frameEnded(): void {
    if (this.#inClose) this.#closeSeen = true;
    this.#inClose = false;
  }
}
