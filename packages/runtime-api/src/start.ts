import type { Connection } from "./connection.js";
import type { Driver } from "./driver/driver.js";
import type { ListenerCore } from "./listener.js";
import type { Accept, Session } from "./runtime.js";

/**
 * Starts the driver of a client session with a connection or a factory of one. When the factory
 * throws, the socket is released and the error rethrown (so `connect` rejects with it).
 */
export function startClientConnection(
  driver: Driver,
  session: Session,
  connection: Connection | ((session: Session) => Connection),
  head?: Uint8Array,
): void {
  try {
    driver.start(typeof connection === "function" ? connection(session) : connection, head);
  } catch (error) {
    driver.abort(error);
    throw error;
  }
}

/**
 * Accepts a socket a listener has wired to `driver` and `session`: the listener admits it under
 * `maxConnections` (or aborts it at once when full or closing) and counts it, the user's `accept` makes
 * its connection, the driver starts. `admission` is `"admitted"` when the adapter already called
 * `listener.admit()` for this socket (at accept time, before a TLS handshake). When `accept` throws,
 * the socket is aborted and released; the listener keeps serving.
 */
export function acceptConnection(
  listener: ListenerCore,
  driver: Driver,
  session: Session,
  accept: Accept,
  admission: "admitted" | "unchecked" = "unchecked",
): void {
  if (admission === "unchecked" && listener.admit() !== "admitted") {
    driver.abort();
    return;
  }
  listener.track(driver);
  if (driver.phase !== "created") return;
  let connection: Connection;
  try {
    connection = accept(session);
  } catch (error) {
    driver.abort(error);
    return;
  }
  driver.start(connection);
}
