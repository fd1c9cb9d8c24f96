import { CloseCode, WebSocketError } from "./errors.js";

/** Frame opcodes of RFC 6455 §5.2. */
export const Opcode = {
  Continuation: 0x0,
  Text: 0x1,
  Binary: 0x2,
  Close: 0x8,
  Ping: 0x9,
  Pong: 0xa,
} as const;

/** A frame's fixed part (RFC 6455 §5.2), as read from or written to the wire. */
export interface FrameHeader {
  /** The final fragment of a message (or a control frame). */
  readonly fin: boolean;
  /** RSV1..RSV3 as a 3-bit number: RSV1 is 4, RSV2 is 2, RSV3 is 1. RSV1 marks a compressed message (RFC 7692). */
  readonly rsv: number;
  /** The opcode (0..15). */
  readonly opcode: number;
  /** The masking key as a 32-bit number (first key byte in the high bits), or `null` for an unmasked frame. */
  readonly mask: number | null;
  /** Payload length in bytes. */
  readonly length: number;
}

/** RSV1: the message is compressed (permessage-deflate). */
export const RSV1 = 4;

/** The outcome of {@link parseFrameHeader}: a header and its size on the wire, or how many bytes are needed. */
export type HeaderParse =
  | { readonly kind: "header"; readonly header: FrameHeader; readonly size: number }
  | { readonly kind: "incomplete"; readonly need: number };

/** Largest payload length accepted: lengths past 2^53 - 1 cannot be counted exactly in JavaScript. */
export const MAX_PAYLOAD_LENGTH = Number.MAX_SAFE_INTEGER;

/** True for close, ping and pong (opcodes 8..15). */
export function isControl(opcode: number): boolean {
  return (opcode & 0x8) !== 0;
}

/**
 * Reads a frame header from `bytes[offset..end)`. Returns `incomplete` with the total header size
 * needed when the bytes end early. Throws {@link WebSocketError} for a 64-bit length with the top bit
 * set (RFC 6455 §5.2) or one past 2^53 - 1. Non-minimal length encodings are accepted.
 */
export function parseFrameHeader(bytes: Uint8Array, offset: number, end: number): HeaderParse {
  const available = end - offset;
  if (available < 2) return { kind: "incomplete", need: 2 };
  const b0 = bytes[offset] as number;
  const b1 = bytes[offset + 1] as number;
  const masked = (b1 & 0x80) !== 0;
  const len7 = b1 & 0x7f;
  const lengthBytes = len7 === 126 ? 2 : len7 === 127 ? 8 : 0;
  const size = 2 + lengthBytes + (masked ? 4 : 0);
  if (available < size) return { kind: "incomplete", need: size };
  let length = len7;
  let p = offset + 2;
  if (len7 === 126) {
    length = ((bytes[p] as number) << 8) | (bytes[p + 1] as number);
    p += 2;
  } else if (len7 === 127) {
    const high = readUint32(bytes, p);
    const low = readUint32(bytes, p + 4);
    p += 8;
    if (high >= 0x80000000) {
      throw new WebSocketError("frame-too-long", "the most significant bit of a 64-bit frame length is set");
    }
    if (high > 0x1fffff) {
      throw new WebSocketError(
        "frame-too-long",
        "a frame length past 2^53 - 1 bytes cannot be handled",
        CloseCode.MessageTooBig,
      );
    }
    length = high * 0x100000000 + low;
  }
  const mask = masked ? readUint32(bytes, p) : null;
  return {
    kind: "header",
    header: { fin: (b0 & 0x80) !== 0, rsv: (b0 >> 4) & 0x7, opcode: b0 & 0x0f, mask, length },
    size,
  };
}

/** Bytes {@link writeFrameHeader} uses for a header with this payload length and masking. */
export function frameHeaderSize(length: number, masked: boolean): number {
  return (length < 126 ? 2 : length < 0x10000 ? 4 : 10) + (masked ? 4 : 0);
}

/**
 * Writes `header` at `target[offset..]` with the minimal length encoding and returns the bytes
 * written ({@link frameHeaderSize}). Throws `RangeError` for a length outside 0..2^53 - 1 or an
 * opcode or rsv out of range.
 */
export function writeFrameHeader(target: Uint8Array, offset: number, header: FrameHeader): number {
  const { length, mask } = header;
  if (!Number.isSafeInteger(length) || length < 0) throw new RangeError(`invalid frame length ${length}`);
  if (header.opcode < 0 || header.opcode > 15 || header.rsv < 0 || header.rsv > 7) {
    throw new RangeError("invalid opcode or rsv bits");
  }
  target[offset] = (header.fin ? 0x80 : 0) | (header.rsv << 4) | header.opcode;
  const maskBit = mask === null ? 0 : 0x80;
  let p = offset + 2;
  if (length < 126) {
    target[offset + 1] = maskBit | length;
  } else if (length < 0x10000) {
    target[offset + 1] = maskBit | 126;
    target[p] = length >>> 8;
    target[p + 1] = length & 0xff;
    p += 2;
  } else {
    target[offset + 1] = maskBit | 127;
    writeUint32(target, p, Math.floor(length / 0x100000000));
    writeUint32(target, p + 4, length >>> 0);
    p += 8;
  }
  if (mask !== null) {
    writeUint32(target, p, mask);
    p += 4;
  }
  return p - offset;
}

/** A header as a fresh byte array. */
export function encodeFrameHeader(header: FrameHeader): Uint8Array {
  const target = new Uint8Array(frameHeaderSize(header.length, header.mask !== null));
  writeFrameHeader(target, 0, header);
  return target;
}

function readUint32(bytes: Uint8Array, p: number): number {
  return (
    (((bytes[p] as number) << 24) |
      ((bytes[p + 1] as number) << 16) |
      ((bytes[p + 2] as number) << 8) |
      (bytes[p + 3] as number)) >>>
    0
  );
}

function writeUint32(bytes: Uint8Array, p: number, value: number): void {
  bytes[p] = value >>> 24;
  bytes[p + 1] = (value >>> 16) & 0xff;
  bytes[p + 2] = (value >>> 8) & 0xff;
  bytes[p + 3] = value & 0xff;
}
