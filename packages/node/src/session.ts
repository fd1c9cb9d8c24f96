import type { Socket } from "node:net";
import type { DriveOptions } from "@sansio/runtime-api";
import { Driver, DriverSession, type SessionInfo } from "@sansio/runtime-api/adapter";
import { nodeStartTls } from "./start-tls.js";
import { nodeTrace } from "./trace.js";
import { type NodeReadMode, NodeTransport } from "./transport.js";

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
 * Wires one Node socket to a new driver: the socket's {@link NodeTransport} attached to the driver,
 * and the {@link DriverSession} handed to the application. Nothing runs until the driver is started.
 * (Options were checked with `checkDriveOptions` before the socket existed.)
 */
export function openSession(socket: Socket, options: SocketSessionOptions): { driver: Driver; session: DriverSession } {
  const trace = nodeTrace(options.drive.trace);
  const driver = new Driver(trace === options.drive.trace ? options.drive : { ...options.drive, trace });
  const transport = new NodeTransport(socket, driver, { reads: options.reads, companion: options.companion });
  driver.attach(transport);
  const startTls =
    options.startTlsHostname === undefined
      ? undefined
      : nodeStartTls({ sink: driver, hostname: options.startTlsHostname, idleTimeout: options.drive.idleTimeout });
  return { driver, session: new DriverSession(driver, options.info, startTls) };
}
