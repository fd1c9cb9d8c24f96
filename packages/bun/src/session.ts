import { type DriveOptions, type StartTlsOptions, UnsupportedError } from "@sansio/runtime-api";
import { Driver, DriverSession, isServerStartTls, type SessionInfo } from "@sansio/runtime-api/adapter";
import { isTlsSocket, sessionInfo } from "./address.js";
import type { BunSocket } from "./socket-events.js";
import { clientStartTls, SERVER_STARTTLS } from "./start-tls.js";
import { BunTransport } from "./transport.js";

/** A plain client session: STARTTLS as a client; asking for the server side fails before anything is touched. */
class ClientSession extends DriverSession {
  constructor(driver: Driver, info: SessionInfo, transport: BunTransport, hostname: string | undefined) {
    super(driver, info, clientStartTls(transport, hostname));
  }

  override startTls(options?: StartTlsOptions): Promise<void> {
    if (isServerStartTls(options)) return Promise.reject(new UnsupportedError(SERVER_STARTTLS));
    return super.startTls(options);
  }
}

/** How to wire a Bun socket. */
export interface BunSessionOptions {
  /** The driver's options (checked before the socket existed). */
  readonly drive: DriveOptions;
  /** The unix socket path (Bun reports no addresses for unix sockets). */
  readonly path: string | undefined;
  /**
   * A plain client socket: the name `session.startTls()` verifies by default. Undefined for accepted
   * sockets (Bun's `upgradeTLS()` only runs the client handshake) and sockets that are TLS already.
   */
  readonly startTlsHostname?: string | undefined;
  /** True when the socket can be upgraded with STARTTLS (a plain client socket). */
  readonly canStartTls: boolean;
}

/**
 * Wires one Bun socket to a new driver: its {@link BunTransport} owns the socket's events (through
 * `socket.data`) and is attached to the driver, and the session is made. Nothing runs until the driver
 * is started.
 */
export function openSession(socket: BunSocket, options: BunSessionOptions): { driver: Driver; session: DriverSession } {
  const driver = new Driver(options.drive);
  const transport = new BunTransport(driver, socket);
  socket.data = transport;
  driver.attach(transport);
  const info = sessionInfo(socket, options.path);
  const session =
    options.canStartTls && !isTlsSocket(socket)
      ? new ClientSession(driver, info, transport, options.startTlsHostname)
      : new DriverSession(driver, info);
  return { driver, session };
}
