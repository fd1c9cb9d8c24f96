import type { HeaderList } from "./headers.js";
import type { HttpVersion } from "./message.js";

/**
 * What the `Transfer-Encoding` header of a received head says about framing: absent, a list whose
 * final coding is `chunked`, or a list whose final coding is something else.
 */
export type TransferCoding = "absent" | "chunked" | "not-chunked";

/** A finished, parsed message head: what requests and responses have in common. Never changes once parsed. */
export interface MessageHead {
  /** The message's HTTP version (a higher 1.x minor is treated as 1.1). */
  readonly version: HttpVersion;
  /** Header fields as received, flat name/value pairs. */
  readonly headers: HeaderList;
  /** The Content-Length value, or `null` when the head has none. */
  readonly contentLength: number | null;
  /** What Transfer-Encoding says. */
  readonly transferCoding: TransferCoding;
  /** `Connection` lists `close`. */
  readonly connectionClose: boolean;
  /** `Connection` lists `keep-alive`. */
  readonly connectionKeepAlive: boolean;
  /** `Connection` lists `upgrade`. */
  readonly connectionUpgrade: boolean;
  /** The `Upgrade` header's value, or `null`. */
  readonly upgrade: string | null;
}

/** A finished request head. */
export interface RequestHead extends MessageHead {
  /** The method as sent (interned for the common ones). */
  readonly method: string;
  /** The request-target as sent. */
  readonly target: string;
  /** `Expect: 100-continue` was sent. */
  readonly expectContinue: boolean;
}

/** A finished response head. */
export interface ResponseHead extends MessageHead {
  /** The status code (100-999). */
  readonly status: number;
  /** The reason phrase as sent (may be empty). */
  readonly reason: string;
}

/**
 * The head being parsed. The parser fills one fresh builder per head and hands it out, finished, as
 * a {@link RequestHead} or {@link ResponseHead}: nothing is reset or reused, so nothing can leak from
 * one message into the next.
 */
export class HeadBuilder implements RequestHead, ResponseHead {
  method = "";
  target = "";
  status = 0;
  reason = "";
  version: HttpVersion = "HTTP/1.1";
  headers: string[] = [];
  contentLength: number | null = null;
  transferCoding: TransferCoding = "absent";
  connectionClose = false;
  connectionKeepAlive = false;
  connectionUpgrade = false;
  upgrade: string | null = null;
  expectContinue = false;
  /** How many times `chunked` was listed in Transfer-Encoding. */
  chunkedCount = 0;
  /** Whether a coding other than `chunked` was listed anywhere in Transfer-Encoding. */
  otherCoding = false;
  /** How many Host fields were seen. */
  hostCount = 0;
}
