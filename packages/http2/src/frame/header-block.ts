import { connectionError, type Http2ProtocolError } from "./errors.js";

/** Bounds on one header block spread over HEADERS/PUSH_PROMISE and CONTINUATION frames. */
export interface HeaderBlockLimits {
  /** Most CONTINUATION frames after one HEADERS or PUSH_PROMISE (the 2024 CONTINUATION flood). */
  readonly maxContinuations: number;
  /** Most encoded octets in one block. */
  readonly maxBlockBytes: number;
}

/** What the assembler says after a fragment. */
export type HeaderBlockStep =
  /** The block is complete: decode `block` now (it may be a view of the input buffer). */
  | { readonly kind: "complete"; readonly block: Uint8Array }
  /** More CONTINUATION frames must follow. */
  | { readonly kind: "pending" }
  | { readonly kind: "error"; readonly error: Http2ProtocolError };

/**
 * Joins a header block's fragments (RFC 9113 §4.3, §6.10): after a HEADERS or PUSH_PROMISE frame
 * without END_HEADERS only CONTINUATION frames of the same stream may follow, up to the limits; any
 * other frame is a connection error PROTOCOL_ERROR, exceeding a limit ENHANCE_YOUR_CALM.
 */
export class HeaderBlockAssembler {
  private streamId = 0;
  private parts: Uint8Array[] = [];
  private bytes = 0;
  private continuations = 0;

  constructor(private readonly limits: HeaderBlockLimits) {}

  /** The stream whose block is open (only its CONTINUATION frames may come next), or 0. */
  get openStream(): number {
    return this.streamId;
  }

  /** A frame of another kind arrived: an error while a block is open, else null. */
  checkInterleaving(frameType: string, streamId: number): Http2ProtocolError | null {
    if (this.streamId === 0) return null;
    return connectionError(
      "PROTOCOL_ERROR",
      `${frameType} frame on stream ${streamId} inside the header block of stream ${this.streamId}`,
    );
  }

  /** The first fragment (of HEADERS or PUSH_PROMISE). The caller checked {@link checkInterleaving}. */
  start(streamId: number, fragment: Uint8Array, endHeaders: boolean): HeaderBlockStep {
    if (fragment.length > this.limits.maxBlockBytes) return this.tooLarge();
    if (endHeaders) return { kind: "complete", block: fragment };
    this.streamId = streamId;
    this.parts = [fragment.slice()];
    this.bytes = fragment.length;
    this.continuations = 0;
    return { kind: "pending" };
  }

  /** A CONTINUATION frame's fragment. */
  continue(streamId: number, fragment: Uint8Array, endHeaders: boolean): HeaderBlockStep {
    if (this.streamId === 0 || streamId !== this.streamId) {
      return {
        kind: "error",
        error: connectionError(
          "PROTOCOL_ERROR",
          `CONTINUATION on stream ${streamId} without a header block open on it`,
        ),
      };
    }
    this.continuations++;
    this.bytes += fragment.length;
    if (this.bytes > this.limits.maxBlockBytes) return this.tooLarge();
    if (this.continuations > this.limits.maxContinuations) {
      return {
        kind: "error",
        error: connectionError("ENHANCE_YOUR_CALM", `more than ${this.limits.maxContinuations} CONTINUATION frames`),
      };
    }
    this.parts.push(fragment.slice());
    if (!endHeaders) return { kind: "pending" };
    const block = new Uint8Array(this.bytes);
    let at = 0;
    for (const part of this.parts) {
      block.set(part, at);
      at += part.length;
    }
    this.reset();
    return { kind: "complete", block };
  }

  private tooLarge(): HeaderBlockStep {
    this.reset();
    return {
      kind: "error",
      error: connectionError("ENHANCE_YOUR_CALM", `header block larger than ${this.limits.maxBlockBytes} octets`),
    };
  }

  private reset(): void {
    this.streamId = 0;
    this.parts = [];
    this.bytes = 0;
  }
}
