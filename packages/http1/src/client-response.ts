import type { Body } from "./body.js";
import type { ClientResponse } from "./client-types.js";
import { getHeader, type HeaderList } from "./headers.js";
import type { HttpVersion } from "./server-types.js";

/** The {@link ClientResponse} a request resolves with. */
export class ReceivedResponse implements ClientResponse {
  readonly status: number;
  readonly reason: string;
  readonly version: HttpVersion;
  readonly headers: HeaderList;
  readonly body: Body;

  constructor(status: number, reason: string, version: HttpVersion, headers: HeaderList, body: Body) {
    this.status = status;
    this.reason = reason;
    this.version = version;
    this.headers = headers;
    this.body = body;
  }

  header(name: string): string | undefined {
    return getHeader(this.headers, name);
  }
}
