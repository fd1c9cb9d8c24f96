import type { MessageHead, RequestHead } from "./head.js";
import type { HttpVersion } from "./message.js";

/**
 * How a message body is delimited (RFC 9112 §6.3): no body, exactly `Content-Length` bytes, the
 * chunked transfer coding, or everything until the connection closes.
 */
export type BodyFraming = "none" | "length" | "chunked" | "close";

/**
 * How the body of a received request is delimited (RFC 9112 §6.3). The parser has already refused a
 * request whose Transfer-Encoding does not end in chunked, and Content-Length with Transfer-Encoding.
 */
export function requestBodyFraming(head: MessageHead): BodyFraming {
  if (head.transferCoding === "chunked") return "chunked";
  if (head.contentLength !== null && head.contentLength > 0) return "length";
  return "none";
}

/**
 * How the body of a received response is delimited (RFC 9112 §6.3), given the method of the request
 * it answers: a response to HEAD, a 1xx (101 included), 204 or 304 has none; then Transfer-Encoding
 * (chunked last, or else until the close), Content-Length, or the end of the connection.
 */
export function responseBodyFraming(requestMethod: string, status: number, head: MessageHead): BodyFraming {
  if (responseHasNoBody(requestMethod, status)) return "none";
  if (head.transferCoding === "chunked") return "chunked";
  if (head.transferCoding === "not-chunked") return "close";
  if (head.contentLength !== null) return head.contentLength === 0 ? "none" : "length";
  return "close";
}

/**
 * Whether the peer that sent `head` lets the connection stay open after this message (RFC 9112 §9.3):
 * not after `Connection: close`; HTTP/1.0 only with `Connection: keep-alive`; HTTP/1.1 by default.
 */
export function peerAllowsKeepAlive(head: MessageHead): boolean {
  if (head.connectionClose) return false;
  return head.version === "HTTP/1.1" || head.connectionKeepAlive;
}

/**
 * Whether the connection may carry another message after this received one: the peer allows it and
 * the body is not delimited by the close.
 */
export function keepAliveAfter(head: MessageHead, framing: BodyFraming): boolean {
  return framing !== "close" && peerAllowsKeepAlive(head);
}

/** Whether the request asks to switch protocols: `Connection: upgrade` with an `Upgrade` header. */
export function requestedUpgrade(head: RequestHead): string | null {
  return head.connectionUpgrade ? head.upgrade : null;
}

/** A response that never has a body, whatever its headers say (RFC 9112 §6.3 rule 1): to HEAD, 1xx, 204, 304. */
export function responseHasNoBody(requestMethod: string, status: number): boolean {
  return requestMethod === "HEAD" || status < 200 || status === 204 || status === 304;
}

/** What the caller's headers on an outgoing message say about its framing. */
export type DeclaredFraming = "content-length" | "chunked" | "none";

/**
 * How the server delimits a streamed response body: none when the response has no body; the
 * caller's Content-Length or Transfer-Encoding when set; otherwise chunked, except to an HTTP/1.0
 * client, which cannot read chunked: then the body ends when the connection closes.
 */
export function streamedResponseFraming(
  requestMethod: string,
  status: number,
  declared: DeclaredFraming,
  clientVersion: HttpVersion,
): BodyFraming {
  if (responseHasNoBody(requestMethod, status)) return "none";
  if (declared === "content-length") return "length";
  if (declared === "chunked" || clientVersion === "HTTP/1.1") return "chunked";
  return "close";
}
