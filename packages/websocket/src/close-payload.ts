import { CloseCode, WebSocketError } from "./errors.js";
import { isValidUtf8 } from "./utf8.js";

/** A close frame's content: the status code and reason (1005 and "" when the frame had no payload). */
export interface CloseInfo {
  /** Status code (RFC 6455 §7.4); 1005 when the close frame carried none, 1006 when there was no close frame. */
  readonly code: number;
  /** Reason text (UTF-8 on the wire, at most 123 bytes). */
  readonly reason: string;
}

const utf8Decoder = new TextDecoder();
const utf8Encoder = new TextEncoder();

/**
 * True for a code that may appear in a close frame (RFC 6455 §7.4.1 and §7.4.2): 1000-1003, 1007-1014
 * (1004 is reserved; 1005, 1006 and 1015 must never be sent), and 3000-4999 (registered and private use).
 */
export function isValidCloseCode(code: number): boolean {
  if (!Number.isInteger(code)) return false;
  if (code >= 1000 && code <= 1003) return true;
  if (code >= 1007 && code <= 1014) return true;
  return code >= 3000 && code <= 4999;
}

/**
 * Reads a close frame's payload. Empty: code 1005. Throws {@link WebSocketError} (1002) for a
 * one-byte payload or an invalid code, (1007) for a reason that is not UTF-8.
 */
export function parseClosePayload(payload: Uint8Array): CloseInfo {
  if (payload.length === 0) return { code: CloseCode.NoStatus, reason: "" };
  if (payload.length === 1) throw new WebSocketError("invalid-close-payload", "a close frame payload of one byte");
  const code = ((payload[0] as number) << 8) | (payload[1] as number);
  if (!isValidCloseCode(code)) throw new WebSocketError("invalid-close-code", `close code ${code} may not be sent`);
  const reason = payload.subarray(2);
  if (!isValidUtf8(reason)) {
    throw new WebSocketError("invalid-utf8", "the close reason is not valid UTF-8", CloseCode.InvalidPayload);
  }
  return { code, reason: utf8Decoder.decode(reason) };
}

/**
 * A close frame's payload for `code` and `reason`; empty when `code` is undefined. Throws `RangeError`
 * for a code that may not be sent or a reason over 123 UTF-8 bytes (control frames carry at most 125).
 */
export function encodeClosePayload(code?: number, reason = ""): Uint8Array {
  if (code === undefined) {
    if (reason !== "") throw new RangeError("a close reason needs a close code");
    return new Uint8Array(0);
  }
  if (!isValidCloseCode(code)) throw new RangeError(`close code ${code} may not be sent`);
  const text = utf8Encoder.encode(reason);
  if (text.length > 123) throw new RangeError("a close reason is at most 123 UTF-8 bytes");
  const payload = new Uint8Array(2 + text.length);
  payload[0] = code >>> 8;
  payload[1] = code & 0xff;
  payload.set(text, 2);
  return payload;
}
