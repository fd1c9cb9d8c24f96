import type { Address, DriveOptions, StartTlsOptions } from "@sansio/runtime-api";
import { Driver, DriverSession, type SessionInfo, type StartTlsImpl } from "@sansio/runtime-api/adapter";
import { parseSocketAddress, UNKNOWN_ADDRESS } from "./address.js";
import { ignoreRejection, type WorkersSocket, type WorkersSocketInfo } from "./socket.js";
import { workersStartTls } from "./start-tls.js";
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
 * Wires an open Workers socket to a new driver: its {@link WorkersTransport} attached, and the session
 * made. Nothing runs until the driver is started. `fallback` is the remote address used when workerd
 * reports none. When the socket's streams are already locked by someone else, the socket is closed
 * and the error thrown.
 */
export function openSession(
  socket: WorkersSocket,
  options: DriveOptions,
  info: WorkersSocketInfo,
  fallback: Address,
): { driver: Driver; session: DriverSession } {
  const driver = new Driver(options);
  let transport: WorkersTransport;
  try {
    transport = new WorkersTransport(socket, driver);
  } catch (error) {
    ignoreRejection(socket.close());
    throw error;
  }
  driver.attach(transport);
  let current = transport;
  const upgradable = socket.secureTransport === "starttls" && !socket.upgraded;
  const session = new WorkersSession(
    driver,
    {
      remote: parseSocketAddress(info.remoteAddress) ?? fallback,
      local: parseSocketAddress(info.localAddress) ?? UNKNOWN_ADDRESS,
      alpnProtocol: null,
      secure: socket.secureTransport === "on" || socket.upgraded,
    },
    upgradable
      ? workersStartTls((next) => {
          current = next;
        })
      : undefined,
    upgradable ? () => current.checkStartTls() : undefined,
  );
  return { driver, session };
}
