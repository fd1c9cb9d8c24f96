import type { Session } from "@sansio/runtime-api";
import type { Body } from "./body.js";
import { getHeader, type HeaderList } from "./headers.js";
import type { HttpVersion, IncomingRequest } from "./server-types.js";

/** The {@link IncomingRequest} handed to a handler. */
export class ServerRequest implements IncomingRequest {
  readonly method: string;
  readonly target: string;
  readonly version: HttpVersion;
  readonly headers: HeaderList;
  readonly body: Body;
  readonly upgrade: string | null;
  readonly session: Session | undefined;

  constructor(
    method: string,
    target: string,
    version: HttpVersion,
    headers: HeaderList,
    body: Body,
    upgrade: string | null,
    session: Session | undefined,
  ) {
    this.method = method;
    this.target = target;
    this.version = version;
    this.headers = headers;
    this.body = body;
    this.upgrade = upgrade;
    this.session = session;
  }

  header(name: string): string | undefined {
    return getHeader(this.headers, name);
  }
}
