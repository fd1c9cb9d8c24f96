import { ascii, TARGET, TCHAR } from "./chars.js";
import {
  CHUNKED_HEADER,
  CONNECTION_CLOSE,
  CRLF_BYTES,
  putBytes,
  putContentLength,
  putFields,
  putValue,
} from "./head-encoder.js";
import type { HeaderList } from "./headers.js";
import {
  CONNECTION_CLOSE_FLAG,
  HAS_CONTENT_LENGTH,
  HAS_HOST,
  HAS_TRANSFER_ENCODING,
  scanHeaders,
} from "./response-headers.js";

const VERSION_LINE = ascii(" HTTP/1.1\r\n");
const HOST_PREFIX = ascii("Host: ");

/** How a request body is framed on the wire. */
export interface RequestFraming {
  /** -1: no body and no Content-Length; -2: chunked; otherwise the Content-Length to send. */
  readonly length: number;
  /** The request says `Connection: close`. */
  readonly close: boolean;
}

/**
 * Encodes a request head. `length` is the body's byte length when known (-1 when streamed, -2 for no
 * body at all). Throws `TypeError` for an invalid method, target or header.
 */
export function encodeRequestHead(
  method: string,
  target: string,
  headers: HeaderList,
  defaultHost: string | undefined,
  length: number,
  forceClose: boolean,
): { head: Uint8Array; framing: RequestFraming } {
  for (let i = 0; i < method.length; i++) {
    const c = method.charCodeAt(i);
    if (c > 0xff || TCHAR[c] !== 1) throw new TypeError(`invalid method ${JSON.stringify(method)}`);
  }
  if (method.length === 0) throw new TypeError("the method cannot be empty");
  if (target.length === 0) throw new TypeError("the request target cannot be empty");
  for (let i = 0; i < target.length; i++) {
    const c = target.charCodeAt(i);
    if (c > 0xff || TARGET[c] !== 1)
      throw new TypeError(`invalid character in the request target ${JSON.stringify(target)}`);
  }
  const scan = scanHeaders(headers);
  const flags = scan.flags;
  const host = (flags & HAS_HOST) === 0 ? defaultHost : undefined;
  if ((flags & HAS_HOST) === 0 && host === undefined) {
    throw new TypeError("an HTTP/1.1 request needs a Host header: set one, or the connection's host option");
  }
  let framing: number;
  if (flags & HAS_TRANSFER_ENCODING) {
    if (length >= 0) throw new TypeError("Transfer-Encoding cannot be sent with a complete body");
    framing = -2;
  } else if (flags & HAS_CONTENT_LENGTH) {
    if (length >= 0 && scan.contentLength !== length) {
      throw new TypeError(`Content-Length ${scan.contentLength} does not match the body's ${length} bytes`);
    }
    framing = scan.contentLength;
  } else if (length >= 0) framing = length;
  else if (length === -1) framing = -2;
  else framing = method === "POST" || method === "PUT" || method === "PATCH" ? 0 : -1;
  const close = forceClose || (flags & CONNECTION_CLOSE_FLAG) !== 0;
  const size = method.length + target.length + VERSION_LINE.length + scan.size + (host ? host.length + 8 : 0) + 96;
  const out = new Uint8Array(size);
  let pos = 0;
  for (let i = 0; i < method.length; i++) out[pos++] = method.charCodeAt(i);
  out[pos++] = 32;
  for (let i = 0; i < target.length; i++) out[pos++] = target.charCodeAt(i);
  pos = putBytes(out, pos, VERSION_LINE);
  if (host !== undefined) {
    pos = putBytes(out, pos, HOST_PREFIX);
    pos = putValue(out, pos, host);
    pos = putBytes(out, pos, CRLF_BYTES);
  }
  pos = putFields(out, pos, headers);
  if ((flags & (HAS_CONTENT_LENGTH | HAS_TRANSFER_ENCODING)) === 0) {
    if (framing >= 0) pos = putContentLength(out, pos, framing);
    else if (framing === -2) pos = putBytes(out, pos, CHUNKED_HEADER);
  }
  if (forceClose && (flags & CONNECTION_CLOSE_FLAG) === 0) pos = putBytes(out, pos, CONNECTION_CLOSE);
  pos = putBytes(out, pos, CRLF_BYTES);
  return { head: out.subarray(0, pos), framing: { length: framing, close } };
}
