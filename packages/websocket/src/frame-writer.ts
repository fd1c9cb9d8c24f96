import { frameHeaderSize, writeFrameHeader } from "./frame-header.js";
import { maskInPlace } from "./mask.js";

/** Masking keys come from a pool of random numbers refilled 1024 at a time (one `getRandomValues` per 1024 frames). */
class MaskKeys {
  #pool = new Uint32Array(1024);
  #next = 1024;

  next(): number {
    if (this.#next === this.#pool.length) {
      crypto.getRandomValues(this.#pool);
      this.#next = 0;
    }
    return this.#pool[this.#next++] as number;
  }
}

/**
 * Encodes frames for one direction (RFC 6455 §5.2). A client masks every frame with a fresh random key
 * (§5.3), which copies the payload; a server hands the payload on by reference (the output queue copies
 * small ones; larger ones must not change until written).
 */
export class FrameWriter {
  readonly #keys: MaskKeys | null;

  constructor(masked: boolean) {
    this.#keys = masked ? new MaskKeys() : null;
  }

  /** The iovecs of one frame. */
  frame(opcode: number, payload: Uint8Array, fin: boolean, rsv = 0): Uint8Array[] {
    const length = payload.length;
    const keys = this.#keys;
    const mask = keys === null ? null : keys.next();
    const headerSize = frameHeaderSize(length, mask !== null);
    if (mask !== null) {
      const frame = new Uint8Array(headerSize + length);
      writeFrameHeader(frame, 0, { fin, rsv, opcode, mask, length });
      frame.set(payload, headerSize);
      maskInPlace(frame, headerSize, length, mask, 0);
      return [frame];
    }
    const header = new Uint8Array(headerSize);
    writeFrameHeader(header, 0, { fin, rsv, opcode, mask: null, length });
    return [header, payload];
  }
}
