import { DriverSession, startClientConnection } from "@sansio/runtime-api";
import { parseSocketAddress, UNKNOWN_ADDRESS } from "./address.js";
import { ignoreRejection } from "./socket.js";
import { checkStartTls } from "./tls.js";
import { WorkersTransport } from "./transport.js";

/** A driven Workers socket. `startTls` checks what it can before the driver switches transports. */
class WorkersSession extends DriverSession {
  #preflight;
  constructor(driver, info, startTls, preflight) {
    super(driver, info, startTls);
    this.#preflight = preflight;
  }
  startTls(options) {
    try {
      // Rejected here, the session lives on; a failure inside the switch would end the connection.
      checkStartTls(options);
      this.#preflight?.();
    } catch (error) {
      return Promise.reject(error);
    }
    return super.startTls(options);
  }
}
/**
 * Drives `connection` over an open Workers socket with `driver` (made, and its options checked,
 * before the socket was opened). `fallback` is the remote address used when workerd reports none.
 */
export function startSession(driver, socket, info, fallback, connection) {
  let transport;
  try {
    transport = new WorkersTransport(socket, driver);
  } catch (error) {
    // The socket's streams were already locked by someone else.
    ignoreRejection(socket.close());
    throw error;
  }
  driver.attach(transport);
  let current = transport;
  const startTls = async (options, old) => {
    if (!(old instanceof WorkersTransport)) throw new TypeError("startTls: not a Workers transport");
    const next = await old.startTls(checkStartTls(options)?.serverName);
    current = next;
    return { transport: next, alpnProtocol: null };
  };
  const upgradable = socket.secureTransport === "starttls" && !socket.upgraded;
  const session = new WorkersSession(
    driver,
    {
      remote: parseSocketAddress(info.remoteAddress) ?? fallback,
      local: parseSocketAddress(info.localAddress) ?? UNKNOWN_ADDRESS,
      alpnProtocol: null,
    },
    upgradable ? startTls : undefined,
    upgradable ? () => current.checkStartTls() : undefined,
  );
  try {
    startClientConnection(driver, session, connection);
  } catch (error) {
    // The connection factory threw: release the socket, then let the caller see the error.
    driver.abort(error);
    throw error;
  }
  return session;
}
