import {
  type Address,
  type Connection,
  type Driver,
  DriverSession,
  type Session,
  type SessionInfo,
  type StartTlsImpl,
  type StartTlsOptions,
  startClientConnection,
} from "@sansio/runtime-api";
import { parseSocketAddress, UNKNOWN_ADDRESS } from "./address.js";
import { ignoreRejection, type WorkersSocket, type WorkersSocketInfo } from "./socket.js";
import { checkStartTls } from "./tls.js";
import { WorkersTransport } from "./transport.js";

/** A driven Workers socket. `startTls` checks what it can before the driver switches transports. */
class WorkersSession extends DriverSession {
  readonly #preflight: (() => void) | undefined;

  constructor(driver: Driver, info: SessionInfo, startTls: StartTlsImpl | undefined, preflight?: () => void) {
    super(driver, info, startTls);
    this.#preflight = preflight;
  }

  override startTls(options?: StartTlsOptions): Promise<void> {
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
export function startSession(
  driver: Driver,
  socket: WorkersSocket,
  info: WorkersSocketInfo,
  fallback: Address,
  connection: Connection | ((session: Session) => Connection),
): Session {
  let transport: WorkersTransport;
  try {
    transport = new WorkersTransport(socket, driver);
  } catch (error) {
    // The socket's streams were already locked by someone else.
    ignoreRejection(socket.close());
    throw error;
  }
  driver.attach(transport);
  let current = transport;
  const startTls: StartTlsImpl = async (options, old) => {
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
  startClientConnection(driver, session, connection);
  return session;
}
