import type { Session } from "@sansio/runtime-api";
import type { Body } from "./body.js";
import type { HeaderList } from "./headers.js";
import { type HttpVersion, ReceivedMessage } from "./message.js";
import type { IncomingRequest } from "./server-types.js";

/** The {@link IncomingRequest} handed to a handler. */
export class ServerRequest extends ReceivedMessage implements IncomingRequest {
  readonly method: string;
  readonly target: string;
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
    super(version, headers, body);
    this.method = method;
    this.target = target;
    this.upgrade = upgrade;
    this.session = session;
  }
}
