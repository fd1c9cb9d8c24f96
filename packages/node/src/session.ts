import type { Socket } from "node:net";
import type { DriveOptions, Driver, SessionInfo } from "@sansio/runtime-api";
import { DriverSession } from "@sansio/runtime-api";
import { type NodeReadMode, NodeTransport } from "./node-transport.js";
import { nodeStartTls } from "./start-tls.js";

/** How to drive one socket. */
export interface SocketSessionOptions {
  /** The driver's options (its idle timeout also bounds a server-side STARTTLS handshake). */
  readonly drive: DriveOptions;
  /** Addresses and ALPN protocol of the session. */
  readonly info: SessionInfo;
  /** How input arrives; default `data` events. */
  readonly reads?: NodeReadMode;
  /** The raw socket under a TLS socket, released with it. */
  readonly companion?: Socket;
  /** Name a client-side STARTTLS verifies; omit for a socket that is already TLS (no STARTTLS). */
  readonly startTlsHostname?: string;
}

/**
 * Assembles the shared machinery around one Node socket: the socket's {@link NodeTransport} attached
 * to `driver` (made by the caller with `new Driver(options)`, before any socket, so that bad options
 * throw early), and the {@link DriverSession} handed to the application. Nothing runs until the caller
 * starts the driver.
 */
export function openSocketSession(socket: Socket, driver: Driver, options: SocketSessionOptions): DriverSession {
  const transport = new NodeTransport(socket, driver, { reads: options.reads, companion: options.companion });
  driver.attach(transport);
  const startTls =
    options.startTlsHostname === undefined
      ? undefined
      : nodeStartTls({ sink: driver, hostname: options.startTlsHostname, idleTimeout: options.drive.idleTimeout });
  return new DriverSession(driver, options.info, startTls);
}
