import type { Session } from "@sansio/runtime-api";
import type { Body } from "./body.js";
import { requestedUpgrade } from "./framing.js";
import type { RequestHead } from "./head.js";
import { ReceivedMessage } from "./message.js";
import type { IncomingRequest } from "./server-types.js";

/** The {@link IncomingRequest} handed to a handler. */
export class ServerRequest extends ReceivedMessage implements IncomingRequest {
  readonly method: string;
  readonly target: string;
  readonly upgrade: string | null;
  readonly session: Session | undefined;

  constructor(head: RequestHead, body: Body, session: Session | undefined) {
    super(head.version, head.headers, body);
    this.method = head.method;
    this.target = head.target;
    this.upgrade = requestedUpgrade(head);
    this.session = session;
  }
}
