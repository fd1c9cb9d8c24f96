import { ConnectionLostError, Driver, errorCode } from "@sansio/runtime-api";
import { UNKNOWN_ADDRESS } from "./address.js";
import { startSession } from "./session.js";
import { ignoreRejection } from "./socket.js";
/**
 * Drives `connection` (or the one made from the session) over a Workers `Socket` the caller already
 * has, e.g. from a binding's `connect()`. The adapter takes the socket over: it locks its streams and
 * closes it when the connection is done, or when `drive` rejects. Resolves once `socket.opened` does;
 * rejects with `ConnectionLostError` when the socket cannot be opened. `session.startTls()` works
 * when the socket was opened with `secureTransport: "starttls"`; open it with `allowHalfOpen: true`
 * so the peer's FIN does not close the socket before the protocol is done.
 */
export async function drive(socket, connection, options = {}) {
  ignoreRejection(socket.closed);
  let driver;
  try {
    driver = new Driver(options);
  } catch (error) {
    ignoreRejection(socket.close());
    throw error;
  }
  let info;
  try {
    info = await socket.opened;
  } catch (error) {
    ignoreRejection(socket.close());
    throw new ConnectionLostError(
      `drive: the socket did not open: ${error instanceof Error ? error.message : String(error)}`,
      {
        cause: error,
        code: errorCode(error),
      },
    );
  }
  return startSession(driver, socket, info, UNKNOWN_ADDRESS, connection);
}
