import type { Body } from "./body.js";
import type { ClientResponse } from "./client-types.js";
import type { HeaderList } from "./headers.js";
import { type HttpVersion, ReceivedMessage } from "./message.js";

/** The {@link ClientResponse} a request resolves with. */
export class ReceivedResponse extends ReceivedMessage implements ClientResponse {
  readonly status: number;
  readonly reason: string;

  constructor(status: number, reason: string, version: HttpVersion, headers: HeaderList, body: Body) {
    super(version, headers, body);
    this.status = status;
    this.reason = reason;
  }
}
