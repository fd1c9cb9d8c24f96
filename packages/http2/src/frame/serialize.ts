import { ErrorCode, type ErrorCodeName, FRAME_HEADER_LENGTH, FrameFlag, FrameType } from "./constants.js";
import type { Priority, Setting } from "./frames.js";

/** Writes a frame header (RFC 9113 §4.1) at `out[offset]`. */
export function writeFrameHeader(
  out: Uint8Array,
  offset: number,
  length: number,
  type: number,
  flags: number,
  streamId: number,
): void {
  out[offset] = length >>> 16;
  out[offset + 1] = (length >>> 8) & 0xff;
  out[offset + 2] = length & 0xff;
  out[offset + 3] = type;
  out[offset + 4] = flags;
  writeUint32(out, offset + 5, streamId);
}

/** A frame with `payloadLength` bytes of room after its header; fill the payload from offset 9. */
function frame(type: number, flags: number, streamId: number, payloadLength: number): Uint8Array {
  const out = new Uint8Array(FRAME_HEADER_LENGTH + payloadLength);
  writeFrameHeader(out, 0, payloadLength, type, flags, streamId);
  return out;
}

/** A SETTINGS frame with these parameters, in order. */
export function settingsFrame(settings: readonly Setting[]): Uint8Array {
  const out = frame(FrameType.SETTINGS, 0, 0, settings.length * 6);
  settings.forEach(({ id, value }, i) => {
    const at = FRAME_HEADER_LENGTH + i * 6;
    out[at] = id >>> 8;
    out[at + 1] = id & 0xff;
    writeUint32(out, at + 2, value);
  });
  return out;
}

/** The SETTINGS frame acknowledging the peer's. */
export function settingsAckFrame(): Uint8Array {
  return frame(FrameType.SETTINGS, FrameFlag.ACK, 0, 0);
}

/** A PING (or its ACK) with an 8-byte payload. */
export function pingFrame(payload: Uint8Array, ack: boolean): Uint8Array {
  const out = frame(FrameType.PING, ack ? FrameFlag.ACK : 0, 0, 8);
  out.set(payload.subarray(0, 8), FRAME_HEADER_LENGTH);
  return out;
}

/** A GOAWAY naming the last stream we processed, an error code and optional debug text. */
export function goawayFrame(lastStreamId: number, code: ErrorCodeName, debug = ""): Uint8Array {
  const text = new TextEncoder().encode(debug);
  const out = frame(FrameType.GOAWAY, 0, 0, 8 + text.length);
  writeUint32(out, FRAME_HEADER_LENGTH, lastStreamId);
  writeUint32(out, FRAME_HEADER_LENGTH + 4, ErrorCode[code]);
  out.set(text, FRAME_HEADER_LENGTH + 8);
  return out;
}

/** A RST_STREAM with an error code. */
export function rstStreamFrame(streamId: number, code: ErrorCodeName): Uint8Array {
  const out = frame(FrameType.RST_STREAM, 0, streamId, 4);
  writeUint32(out, FRAME_HEADER_LENGTH, ErrorCode[code]);
  return out;
}

/** A WINDOW_UPDATE for the connection (stream 0) or one stream. */
export function windowUpdateFrame(streamId: number, increment: number): Uint8Array {
  const out = frame(FrameType.WINDOW_UPDATE, 0, streamId, 4);
  writeUint32(out, FRAME_HEADER_LENGTH, increment);
  return out;
}

/** A PRIORITY frame (deprecated by RFC 9113; for tests and peers that still send it). */
export function priorityFrame(streamId: number, priority: Priority): Uint8Array {
  const out = frame(FrameType.PRIORITY, 0, streamId, 5);
  writeUint32(out, FRAME_HEADER_LENGTH, priority.dependency + (priority.exclusive ? 0x80000000 : 0));
  out[FRAME_HEADER_LENGTH + 4] = priority.weight - 1;
  return out;
}

/**
 * The header of a DATA frame carrying `length` bytes (sent as a separate iovec, uncopied), optionally
 * padded with `padding` zero bytes (then the returned array holds the pad length byte too; the padding
 * itself is {@link paddingBytes}).
 */
export function dataFrameHeader(streamId: number, length: number, endStream: boolean, padding = -1): Uint8Array {
  const flags = (endStream ? FrameFlag.END_STREAM : 0) | (padding >= 0 ? FrameFlag.PADDED : 0);
  if (padding < 0) {
    const out = new Uint8Array(FRAME_HEADER_LENGTH);
    writeFrameHeader(out, 0, length, FrameType.DATA, flags, streamId);
    return out;
  }
  const out = new Uint8Array(FRAME_HEADER_LENGTH + 1);
  writeFrameHeader(out, 0, 1 + length + padding, FrameType.DATA, flags, streamId);
  out[FRAME_HEADER_LENGTH] = padding;
  return out;
}

/** `n` zero bytes of padding. */
export function paddingBytes(n: number): Uint8Array {
  return new Uint8Array(n);
}

/** A DATA frame as iovecs: header, then the data itself (not copied), then any padding. */
export function dataFrame(streamId: number, data: Uint8Array, endStream: boolean, padding = -1): Uint8Array[] {
  const head = dataFrameHeader(streamId, data.length, endStream, padding);
  const out = data.length > 0 ? [head, data] : [head];
  if (padding > 0) out.push(paddingBytes(padding));
  return out;
}

/**
 * A header block as a HEADERS frame followed by as many CONTINUATION frames as `maxFrameSize` needs
 * (RFC 9113 §4.3), as iovecs. `endStream` goes on the HEADERS frame, END_HEADERS on the last one.
 */
export function headersFrames(
  streamId: number,
  block: Uint8Array,
  endStream: boolean,
  maxFrameSize: number,
): Uint8Array[] {
  return blockFrames(FrameType.HEADERS, endStream ? FrameFlag.END_STREAM : 0, streamId, null, block, maxFrameSize);
}

/** A PUSH_PROMISE frame (promising `promisedStreamId`) and its CONTINUATION frames, as iovecs. */
export function pushPromiseFrames(
  streamId: number,
  promisedStreamId: number,
  block: Uint8Array,
  maxFrameSize: number,
): Uint8Array[] {
  const promised = new Uint8Array(4);
  writeUint32(promised, 0, promisedStreamId);
  return blockFrames(FrameType.PUSH_PROMISE, 0, streamId, promised, block, maxFrameSize);
}

function blockFrames(
  type: number,
  flags: number,
  streamId: number,
  prefix: Uint8Array | null,
  block: Uint8Array,
  maxFrameSize: number,
): Uint8Array[] {
  const prefixLength = prefix === null ? 0 : prefix.length;
  const firstLength = Math.min(block.length, maxFrameSize - prefixLength);
  const last = firstLength === block.length;
  const head = new Uint8Array(FRAME_HEADER_LENGTH + prefixLength);
  writeFrameHeader(head, 0, prefixLength + firstLength, type, flags | (last ? FrameFlag.END_HEADERS : 0), streamId);
  if (prefix !== null) head.set(prefix, FRAME_HEADER_LENGTH);
  const out = [head, block.subarray(0, firstLength)];
  for (let at = firstLength; at < block.length; at += maxFrameSize) {
    const length = Math.min(maxFrameSize, block.length - at);
    const end = at + length === block.length;
    const header = new Uint8Array(FRAME_HEADER_LENGTH);
    writeFrameHeader(header, 0, length, FrameType.CONTINUATION, end ? FrameFlag.END_HEADERS : 0, streamId);
    out.push(header, block.subarray(at, at + length));
  }
  return out;
}

function writeUint32(out: Uint8Array, at: number, value: number): void {
  out[at] = (value >>> 24) & 0xff;
  out[at + 1] = (value >>> 16) & 0xff;
  out[at + 2] = (value >>> 8) & 0xff;
  out[at + 3] = value & 0xff;
}
