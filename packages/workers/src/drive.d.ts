import { type Connection, type DriveOptions, type Session } from "@sansio/runtime-api";
import { type WorkersSocket } from "./socket.js";
/**
 * Drives `connection` (or the one made from the session) over a Workers `Socket` the caller already
 * has, e.g. from a binding's `connect()`. The adapter takes the socket over: it locks its streams and
 * closes it when the connection is done, or when `drive` rejects. Resolves once `socket.opened` does;
 * rejects with `ConnectionLostError` when the socket cannot be opened. `session.startTls()` works
 * when the socket was opened with `secureTransport: "starttls"`; open it with `allowHalfOpen: true`
 * so the peer's FIN does not close the socket before the protocol is done.
 */
export declare function drive(
  socket: WorkersSocket,
  connection: Connection | ((session: Session) => Connection),
  options?: DriveOptions,
): Promise<Session>;
