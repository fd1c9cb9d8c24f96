import type { Socket } from "node:net";
import { TLSSocket } from "node:tls";
import type { Connection, DriveOptions, Session } from "@sansio/runtime-api";
import { checkDriveOptions, startClientConnection } from "@sansio/runtime-api/adapter";
import { isTcpSocket, sessionInfo } from "./address.js";
import { openSession } from "./session.js";
import { negotiatedAlpn } from "./tls.js";

/** Options of {@link drive}: the usual buffer and timeout options, plus bytes already read from the socket. */
export interface NodeDriveOptions extends DriveOptions {
  /** Bytes already read from the socket (the `head` of an HTTP `upgrade` event); offered to the connection first. */
  readonly head?: Uint8Array;
}

/**
 * Drives `connection` over a connected socket the caller already has, e.g. the socket of an HTTP
 * `upgrade` event together with its `head` bytes. The socket is switched to half-open mode (a FIN from
 * the peer does not end the socket's output) and, for TCP, to `noDelay`. From now on the session owns
 * the socket: do not read from, write to or listen for data on it any more.
 *
 * A plain socket can be upgraded with `session.startTls()`; a `tls.TLSSocket` is already secure.
 */
export function drive(socket: Socket | TLSSocket, connection: Connection, options: NodeDriveOptions = {}): Session {
  checkDriveOptions(options);
  const secure = socket instanceof TLSSocket;
  socket.allowHalfOpen = true;
  if (isTcpSocket(socket)) socket.setNoDelay(true);
  const { driver, session } = openSession(socket, {
    drive: options,
    info: sessionInfo(socket, secure ? negotiatedAlpn(socket) : null),
    startTlsHostname: secure ? undefined : (socket.remoteAddress ?? "localhost"),
  });
  startClientConnection(driver, session, connection, options.head);
  return session;
}
