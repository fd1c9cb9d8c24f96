/**
 * A streaming UTF-8 validator (RFC 3629): feed it the bytes of a text message in any pieces and it
 * reports the first invalid byte as soon as it is seen, even when a sequence is split across frames or
 * reads. Rejects overlong encodings, surrogates (U+D800..U+DFFF) and code points past U+10FFFF.
 */
export class Utf8Validator {
  /** Continuation bytes still expected in the current sequence. */
  #needed = 0;
  /** Allowed range of the next continuation byte (narrower after E0, ED, F0, F4). */
  #lower = 0x80;
  #upper = 0xbf;

  /** True when the bytes so far end on a character boundary. */
  get complete(): boolean {
    return this.#needed === 0;
  }

  /**
   * Checks `bytes[offset..end)`. Returns -1 when valid so far, else the index of the first invalid
   * byte (after which the validator must be {@link reset} before reuse).
   */
  feed(bytes: Uint8Array, offset: number, end: number): number {
    let i = offset;
    let needed = this.#needed;
    let lower = this.#lower;
    let upper = this.#upper;
    while (i < end) {
      if (needed === 0) {
        // ASCII fast path: 4 bytes at a time while they are all below 0x80.
        while (
          i + 4 <= end &&
          ((bytes[i] as number) | (bytes[i + 1] as number) | (bytes[i + 2] as number) | (bytes[i + 3] as number)) < 0x80
        ) {
          i += 4;
        }
        if (i >= end) break;
        const b = bytes[i] as number;
        if (b < 0x80) {
          i++;
          continue;
        }
        if (b >= 0xc2 && b <= 0xdf) {
          needed = 1;
        } else if (b >= 0xe0 && b <= 0xef) {
          needed = 2;
          if (b === 0xe0)
            lower = 0xa0; // overlong
          else if (b === 0xed) upper = 0x9f; // surrogates
        } else if (b >= 0xf0 && b <= 0xf4) {
          needed = 3;
          if (b === 0xf0)
            lower = 0x90; // overlong
          else if (b === 0xf4) upper = 0x8f; // past U+10FFFF
        } else {
          this.#save(0, 0x80, 0xbf);
          return i; // C0, C1 (overlong), F5..FF, or a stray continuation byte
        }
        i++;
      } else {
        const b = bytes[i] as number;
        if (b < lower || b > upper) {
          this.#save(0, 0x80, 0xbf);
          return i;
        }
        lower = 0x80;
        upper = 0xbf;
        needed--;
        i++;
      }
    }
    this.#save(needed, lower, upper);
    return -1;
  }

  /** Forgets any partial sequence (for the next message). */
  reset(): void {
    this.#save(0, 0x80, 0xbf);
  }

  #save(needed: number, lower: number, upper: number): void {
    this.#needed = needed;
    this.#lower = lower;
    this.#upper = upper;
  }
}

/** True when `bytes` is complete, valid UTF-8. */
export function isValidUtf8(bytes: Uint8Array): boolean {
  const validator = new Utf8Validator();
  return validator.feed(bytes, 0, bytes.length) === -1 && validator.complete;
}
