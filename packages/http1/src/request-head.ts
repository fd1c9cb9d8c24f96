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

/** The body a request will carry: its byte length when it is complete bytes, streamed chunks, or none at all. */
export type RequestBodySize = number | "streamed" | "absent";

/** How a request body goes on the wire: no body, exactly `length` bytes, or chunked. */
export type RequestBodyFraming =
  | { readonly kind: "none" }
  | { readonly kind: "length"; readonly length: number }
  | { readonly kind: "chunked" };

/** What {@link encodeRequestHead} needs. */
export interface RequestHeadInit {
  readonly method: string;
  readonly target: string;
  readonly headers: HeaderList;
  /** The `Host` to send when `headers` has none. */
  readonly defaultHost: string | undefined;
  readonly bodySize: RequestBodySize;
  /** Send `Connection: close` (no more requests on this connection). */
  readonly lastRequest: boolean;
}

/** An encoded request head and what it says about the exchange. */
export interface EncodedRequestHead {
  readonly head: Uint8Array;
  readonly framing: RequestBodyFraming;
  /** The request says `Connection: close`. */
  readonly close: boolean;
}

const NO_BODY: RequestBodyFraming = Object.freeze({ kind: "none" });
const CHUNKED: RequestBodyFraming = Object.freeze({ kind: "chunked" });

/**
 * How a request body is framed (a pure decision, RFC 9112 §6.3): the caller's Transfer-Encoding or
 * Content-Length header wins (and must agree with a complete body), else a complete body gets its
 * length, a streamed body is chunked, and no body gets `Content-Length: 0` for methods that expect one.
 */
export function requestBodyFramingFor(
  method: string,
  bodySize: RequestBodySize,
  declared: { readonly flags: number; readonly contentLength: number },
): RequestBodyFraming {
  if (declared.flags & HAS_TRANSFER_ENCODING) {
    if (typeof bodySize === "number") throw new TypeError("Transfer-Encoding cannot be sent with a complete body");
    return CHUNKED;
  }
  if (declared.flags & HAS_CONTENT_LENGTH) {
    if (typeof bodySize === "number" && declared.contentLength !== bodySize) {
      throw new TypeError(`Content-Length ${declared.contentLength} does not match the body's ${bodySize} bytes`);
    }
    return { kind: "length", length: declared.contentLength };
  }
  if (typeof bodySize === "number") return { kind: "length", length: bodySize };
  if (bodySize === "streamed") return CHUNKED;
  return method === "POST" || method === "PUT" || method === "PATCH" ? { kind: "length", length: 0 } : NO_BODY;
}

/** Encodes a request head. Throws `TypeError` for an invalid method, target or header. */
export function encodeRequestHead(init: RequestHeadInit): EncodedRequestHead {
  const { method, target, headers } = init;
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
  const host = (flags & HAS_HOST) === 0 ? init.defaultHost : undefined;
  if ((flags & HAS_HOST) === 0 && host === undefined) {
    throw new TypeError("an HTTP/1.1 request needs a Host header: set one, or the connection's host option");
  }
  const framing = requestBodyFramingFor(method, init.bodySize, scan);
  const close = init.lastRequest || (flags & CONNECTION_CLOSE_FLAG) !== 0;
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
    if (framing.kind === "length") pos = putContentLength(out, pos, framing.length);
    else if (framing.kind === "chunked") pos = putBytes(out, pos, CHUNKED_HEADER);
  }
  if (init.lastRequest && (flags & CONNECTION_CLOSE_FLAG) === 0) pos = putBytes(out, pos, CONNECTION_CLOSE);
  pos = putBytes(out, pos, CRLF_BYTES);
  return { head: out.subarray(0, pos), framing, close };
}
