import type { Connection, DriveOptions, Session } from "@sansio/runtime-api";
import { checkDriveOptions, startClientConnection } from "@sansio/runtime-api/adapter";
import { UNKNOWN_ADDRESS } from "./address.js";
import { workersLost } from "./errors.js";
import { openSession } from "./session.js";
import { ignoreRejection, type WorkersSocket, type WorkersSocketInfo } from "./socket.js";

/**
 * Drives `connection` (or the one made from the session) over a Workers `Socket` the caller already
 * has, e.g. from a binding's `connect()`. The adapter takes the socket over: it locks its streams and
 * closes it when the connection is done, or when `drive` rejects. Resolves once `socket.opened` does;
 * rejects with `ConnectionLostError` when the socket cannot be opened. `session.startTls()` works
 * when the socket was opened with `secureTransport: "starttls"`; open it with `allowHalfOpen: true`
 * so the peer's FIN does not close the socket before the protocol is done.
 */
export async function drive(
  socket: WorkersSocket,
  connection: Connection | ((session: Session) => Connection),
  options: DriveOptions = {},
): Promise<Session> {
  ignoreRejection(socket.closed);
  try {
    checkDriveOptions(options);
  } catch (error) {
    ignoreRejection(socket.close());
    throw error;
  }
  let info: WorkersSocketInfo;
  try {
    info = await socket.opened;
  } catch (error) {
    ignoreRejection(socket.close());
    throw workersLost("drive: the socket did not open", error);
  }
  const { driver, session } = openSession(socket, options, info, UNKNOWN_ADDRESS);
  startClientConnection(driver, session, connection);
  return session;
}
