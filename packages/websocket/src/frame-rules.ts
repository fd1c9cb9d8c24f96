import { CloseCode, WebSocketError } from "./errors.js";
import { type FrameHeader, isControl, Opcode, RSV1 } from "./frame-header.js";

/** Which side of the connection this endpoint is: it decides which frames must be masked. */
export type Role = "server" | "client";

/** What {@link checkFrame} needs to know about the connection and the message under way. */
export interface FrameContext {
  readonly role: Role;
  /** permessage-deflate was negotiated: RSV1 may mark a message as compressed. */
  readonly compression: boolean;
  /** A fragmented data message is under way (a continuation frame is expected next, or a control frame). */
  readonly inMessage: boolean;
  /** Largest frame payload accepted. */
  readonly maxFrameSize: number;
}

/**
 * The rules of RFC 6455 §5.2-§5.5 (and RFC 7692 §6 for RSV1) a frame header must keep, as one pure
 * function. Throws {@link WebSocketError} with the close code to answer: 1002 for a protocol error,
 * 1009 for a frame past `maxFrameSize`.
 */
export function checkFrame(header: FrameHeader, context: FrameContext): void {
  const { opcode, rsv } = header;
  const control = isControl(opcode);
  if (opcode !== Opcode.Continuation && opcode !== Opcode.Text && opcode !== Opcode.Binary && !control) {
    throw new WebSocketError("reserved-opcode", `reserved opcode ${opcode}`);
  }
  if (control && opcode !== Opcode.Close && opcode !== Opcode.Ping && opcode !== Opcode.Pong) {
    throw new WebSocketError("reserved-opcode", `reserved control opcode ${opcode}`);
  }
  if (rsv !== 0) {
    const rsv1Allowed = rsv === RSV1 && context.compression && (opcode === Opcode.Text || opcode === Opcode.Binary);
    if (!rsv1Allowed)
      throw new WebSocketError("reserved-bits", `reserved bits ${rsv.toString(2).padStart(3, "0")} set`);
  }
  if (context.role === "server" && header.mask === null) {
    throw new WebSocketError("unmasked-frame", "a client sent an unmasked frame");
  }
  if (context.role === "client" && header.mask !== null) {
    throw new WebSocketError("masked-frame", "a server sent a masked frame");
  }
  if (control) {
    if (header.length > 125) throw new WebSocketError("control-frame-too-long", "a control frame over 125 bytes");
    if (!header.fin) throw new WebSocketError("fragmented-control-frame", "a fragmented control frame");
    return;
  }
  if (opcode === Opcode.Continuation && !context.inMessage) {
    throw new WebSocketError("unexpected-continuation", "a continuation frame with no message under way");
  }
  if (opcode !== Opcode.Continuation && context.inMessage) {
    throw new WebSocketError("expected-continuation", "a new data message before the last one finished");
  }
  if (header.length > context.maxFrameSize) {
    throw new WebSocketError(
      "frame-too-large",
      `a frame of ${header.length} bytes is over the limit of ${context.maxFrameSize}`,
      CloseCode.MessageTooBig,
    );
  }
}
