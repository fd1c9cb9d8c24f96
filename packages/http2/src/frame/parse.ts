import {
  FRAME_HEADER_LENGTH,
  FrameFlag,
  FrameType,
  MAX_MAX_FRAME_SIZE,
  MAX_WINDOW_SIZE,
  MIN_MAX_FRAME_SIZE,
  SettingId,
} from "./constants.js";
import { connectionError, type Http2ProtocolError, streamError } from "./errors.js";
import type { Frame, FrameHeader, Priority, Setting } from "./frames.js";

/** What {@link readFrame} found at the start of the input. */
export type ReadFrameResult =
  | { readonly kind: "frame"; readonly frame: Frame; readonly size: number }
  /** Not a whole frame yet: offer more bytes (`size` is the whole frame's size when the header is in). */
  | { readonly kind: "incomplete"; readonly size: number }
  /**
   * The frame breaks a rule. For a stream error, `size` bytes (the frame) may be skipped and the
   * connection carries on; for a connection error, nothing more is read.
   */
  | { readonly kind: "error"; readonly error: Http2ProtocolError; readonly size: number };

/** Reads the frame header at `buffer[offset..offset+9]` (the caller checks there are 9 bytes). */
export function parseFrameHeader(buffer: Uint8Array, offset: number): FrameHeader {
  return {
    length: ((buffer[offset] as number) << 16) | ((buffer[offset + 1] as number) << 8) | (buffer[offset + 2] as number),
    type: buffer[offset + 3] as number,
    flags: buffer[offset + 4] as number,
    streamId: readUint31(buffer, offset + 5),
  };
}

/**
 * Reads one frame from `buffer[offset..end]`, checking every rule RFC 9113 §4 and §6 set for a frame on
 * its own (size, stream identifier, flags, padding, fixed lengths, setting values). Rules that depend on
 * stream or connection state are checked by the caller. `maxFrameSize` is our SETTINGS_MAX_FRAME_SIZE.
 */
export function readFrame(buffer: Uint8Array, offset: number, end: number, maxFrameSize: number): ReadFrameResult {
  if (end - offset < FRAME_HEADER_LENGTH) return { kind: "incomplete", size: FRAME_HEADER_LENGTH };
  const header = parseFrameHeader(buffer, offset);
  const size = FRAME_HEADER_LENGTH + header.length;
  const headerError = checkFrameHeader(header, maxFrameSize);
  if (headerError !== null) return { kind: "error", error: headerError, size };
  if (end - offset < size) return { kind: "incomplete", size };
  const payload = parseFramePayload(header, buffer, offset + FRAME_HEADER_LENGTH);
  if ("code" in payload) return { kind: "error", error: payload, size };
  return { kind: "frame", frame: payload, size };
}

/** Stream-identifier and length rules checked from the frame header alone (RFC 9113 §4.2, §6). */
export function checkFrameHeader(header: FrameHeader, maxFrameSize: number): Http2ProtocolError | null {
  const { length, type, streamId } = header;
  if (length > maxFrameSize) {
    return connectionError(
      "FRAME_SIZE_ERROR",
      `frame of ${length} bytes exceeds SETTINGS_MAX_FRAME_SIZE ${maxFrameSize}`,
    );
  }
  switch (type) {
    case FrameType.DATA:
    case FrameType.HEADERS:
    case FrameType.PRIORITY:
    case FrameType.RST_STREAM:
    case FrameType.PUSH_PROMISE:
    case FrameType.CONTINUATION:
      if (streamId === 0) return connectionError("PROTOCOL_ERROR", `${typeName(type)} frame on stream 0`);
      break;
    case FrameType.SETTINGS:
    case FrameType.PING:
    case FrameType.GOAWAY:
      if (streamId !== 0) return connectionError("PROTOCOL_ERROR", `${typeName(type)} frame on stream ${streamId}`);
      break;
  }
  switch (type) {
    case FrameType.PRIORITY:
      return length === 5 ? null : streamError("FRAME_SIZE_ERROR", streamId, `PRIORITY frame of ${length} bytes`);
    case FrameType.RST_STREAM:
      return length === 4 ? null : connectionError("FRAME_SIZE_ERROR", `RST_STREAM frame of ${length} bytes`);
    case FrameType.SETTINGS:
      if (header.flags & FrameFlag.ACK && length !== 0) {
        return connectionError("FRAME_SIZE_ERROR", "SETTINGS ACK with a payload");
      }
      return length % 6 === 0 ? null : connectionError("FRAME_SIZE_ERROR", `SETTINGS frame of ${length} bytes`);
    case FrameType.PING:
      return length === 8 ? null : connectionError("FRAME_SIZE_ERROR", `PING frame of ${length} bytes`);
    case FrameType.GOAWAY:
      return length >= 8 ? null : connectionError("FRAME_SIZE_ERROR", `GOAWAY frame of ${length} bytes`);
    case FrameType.WINDOW_UPDATE:
      return length === 4 ? null : connectionError("FRAME_SIZE_ERROR", `WINDOW_UPDATE frame of ${length} bytes`);
  }
  return null;
}

/**
 * Parses the payload of a frame whose header passed {@link checkFrameHeader}: padding, priority fields,
 * settings values and window increments. Returns the frame or the error the RFC names.
 */
export function parseFramePayload(header: FrameHeader, buffer: Uint8Array, start: number): Frame | Http2ProtocolError {
  const { length, flags, streamId } = header;
  const end = start + length;
  switch (header.type) {
    case FrameType.DATA: {
      const body = unpad(header, buffer, start, end, 0);
      if ("code" in body) return body;
      return {
        type: "data",
        streamId,
        endStream: (flags & FrameFlag.END_STREAM) !== 0,
        data: buffer.subarray(body.start, body.end),
        flowLength: length,
      };
    }
    case FrameType.HEADERS: {
      const body = unpad(header, buffer, start, end, flags & FrameFlag.PRIORITY ? 5 : 0);
      if ("code" in body) return body;
      let priority: Priority | null = null;
      let fragmentStart = body.start;
      if (flags & FrameFlag.PRIORITY) {
        priority = parsePriority(buffer, body.start);
        fragmentStart += 5;
        if (priority.dependency === streamId)
          return streamError("PROTOCOL_ERROR", streamId, "stream depends on itself");
      }
      return {
        type: "headers",
        streamId,
        endStream: (flags & FrameFlag.END_STREAM) !== 0,
        endHeaders: (flags & FrameFlag.END_HEADERS) !== 0,
        priority,
        fragment: buffer.subarray(fragmentStart, body.end),
      };
    }
    case FrameType.PRIORITY: {
      const priority = parsePriority(buffer, start);
      if (priority.dependency === streamId) return streamError("PROTOCOL_ERROR", streamId, "stream depends on itself");
      return { type: "priority", streamId, priority };
    }
    case FrameType.RST_STREAM:
      return { type: "rst_stream", streamId, errorCode: readUint32(buffer, start) };
    case FrameType.SETTINGS:
      return parseSettings(flags, buffer, start, end);
    case FrameType.PUSH_PROMISE: {
      const body = unpad(header, buffer, start, end, 4);
      if ("code" in body) return body;
      return {
        type: "push_promise",
        streamId,
        endHeaders: (flags & FrameFlag.END_HEADERS) !== 0,
        promisedStreamId: readUint31(buffer, body.start),
        fragment: buffer.subarray(body.start + 4, body.end),
      };
    }
    case FrameType.PING:
      return { type: "ping", ack: (flags & FrameFlag.ACK) !== 0, payload: buffer.subarray(start, end) };
    case FrameType.GOAWAY:
      return {
        type: "goaway",
        lastStreamId: readUint31(buffer, start),
        errorCode: readUint32(buffer, start + 4),
        debugData: buffer.subarray(start + 8, end),
      };
    case FrameType.WINDOW_UPDATE: {
      const increment = readUint31(buffer, start);
      if (increment === 0) {
        return streamId === 0
          ? connectionError("PROTOCOL_ERROR", "WINDOW_UPDATE with an increment of 0")
          : streamError("PROTOCOL_ERROR", streamId, "WINDOW_UPDATE with an increment of 0");
      }
      return { type: "window_update", streamId, increment };
    }
    case FrameType.CONTINUATION:
      return {
        type: "continuation",
        streamId,
        endHeaders: (flags & FrameFlag.END_HEADERS) !== 0,
        fragment: buffer.subarray(start, end),
      };
    default:
      return { type: "unknown", frameType: header.type, streamId, flags };
  }
}

/**
 * Strips padding (RFC 9113 §6.1, §6.2, §6.6) and checks room for `fixed` bytes of fields before the
 * content: too short for them is FRAME_SIZE_ERROR, padding that leaves less than them PROTOCOL_ERROR.
 */
function unpad(
  header: FrameHeader,
  buffer: Uint8Array,
  start: number,
  end: number,
  fixed: number,
): { start: number; end: number } | Http2ProtocolError {
  const padded = (header.flags & FrameFlag.PADDED) !== 0;
  if (end - start < (padded ? 1 : 0) + fixed) {
    return connectionError("FRAME_SIZE_ERROR", `${typeName(header.type)} frame too short for its fields`);
  }
  if (!padded) return { start, end };
  const padding = buffer[start] as number;
  if (padding > end - start - 1 - fixed) {
    return connectionError("PROTOCOL_ERROR", `${typeName(header.type)} padding of ${padding} exceeds the frame`);
  }
  return { start: start + 1, end: end - padding };
}

function parsePriority(buffer: Uint8Array, at: number): Priority {
  return {
    exclusive: ((buffer[at] as number) & 0x80) !== 0,
    dependency: readUint31(buffer, at),
    weight: (buffer[at + 4] as number) + 1,
  };
}

function parseSettings(flags: number, buffer: Uint8Array, start: number, end: number): Frame | Http2ProtocolError {
  const settings: Setting[] = [];
  for (let at = start; at < end; at += 6) {
    const id = ((buffer[at] as number) << 8) | (buffer[at + 1] as number);
    const value = readUint32(buffer, at + 2);
    const error = checkSetting(id, value);
    if (error !== null) return error;
    settings.push({ id, value });
  }
  return { type: "settings", ack: (flags & FrameFlag.ACK) !== 0, settings };
}

/** The bounds RFC 9113 §6.5.2 puts on each setting's value. */
export function checkSetting(id: number, value: number): Http2ProtocolError | null {
  switch (id) {
    case SettingId.ENABLE_PUSH:
      return value <= 1 ? null : connectionError("PROTOCOL_ERROR", `SETTINGS_ENABLE_PUSH of ${value}`);
    case SettingId.INITIAL_WINDOW_SIZE:
      return value <= MAX_WINDOW_SIZE
        ? null
        : connectionError("FLOW_CONTROL_ERROR", `SETTINGS_INITIAL_WINDOW_SIZE of ${value}`);
    case SettingId.MAX_FRAME_SIZE:
      return value >= MIN_MAX_FRAME_SIZE && value <= MAX_MAX_FRAME_SIZE
        ? null
        : connectionError("PROTOCOL_ERROR", `SETTINGS_MAX_FRAME_SIZE of ${value}`);
  }
  return null;
}

function readUint32(buffer: Uint8Array, at: number): number {
  return (
    (buffer[at] as number) * 0x1000000 +
    (((buffer[at + 1] as number) << 16) | ((buffer[at + 2] as number) << 8) | (buffer[at + 3] as number))
  );
}

function readUint31(buffer: Uint8Array, at: number): number {
  return readUint32(buffer, at) % 0x80000000;
}

const TYPE_NAMES = [
  "DATA",
  "HEADERS",
  "PRIORITY",
  "RST_STREAM",
  "SETTINGS",
  "PUSH_PROMISE",
  "PING",
  "GOAWAY",
  "WINDOW_UPDATE",
  "CONTINUATION",
];

/** The RFC name of a frame type code. */
export function typeName(type: number): string {
  return TYPE_NAMES[type] ?? `frame type 0x${type.toString(16)}`;
}
