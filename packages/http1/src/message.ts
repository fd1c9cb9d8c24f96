import type { Body } from "./body.js";
import { getHeader, type HeaderList } from "./headers.js";

/** The HTTP version of a message. */
export type HttpVersion = "HTTP/1.0" | "HTTP/1.1";

/** What a received message (a request on the server, a response on the client) has in common. */
export interface HttpMessage {
  /** The message's HTTP version. */
  readonly version: HttpVersion;
  /** Header fields in the order received, as flat name/value pairs. */
  readonly headers: HeaderList;
  /**
   * The body, streamed (an ended empty body when there is none). Read it or `discard()` it: the
   * connection reads the next message only once this one's body is done.
   */
  readonly body: Body;
  /** The first value of header `name` (any case). */
  header(name: string): string | undefined;
}

/** The shared implementation of the received messages ({@link HttpMessage}). */
export abstract class ReceivedMessage implements HttpMessage {
  readonly version: HttpVersion;
  readonly headers: HeaderList;
  readonly body: Body;

  constructor(version: HttpVersion, headers: HeaderList, body: Body) {
    this.version = version;
    this.headers = headers;
    this.body = body;
  }

  header(name: string): string | undefined {
    return getHeader(this.headers, name);
  }
}
