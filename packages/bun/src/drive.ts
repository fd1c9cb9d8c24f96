import {
  type Connection,
  ConnectionClosedError,
  type DriveOptions,
  type Session,
  UnsupportedError,
} from "@sansio/runtime-api";
import { checkDriveOptions, startClientConnection } from "@sansio/runtime-api/adapter";
import type { Socket } from "bun";
import { openSession } from "./session.js";
import { type BunSocket, isRouted, sansioHandlers } from "./socket-events.js";

/** Options of {@link drive}: the usual driver options, plus what sansio cannot learn from the socket. */
export interface BunDriveOptions extends DriveOptions {
  /** Bytes already read from the socket before it was handed over; the connection is offered them first. */
  readonly head?: Uint8Array;
  /** The unix socket path, for `session.remote`/`local` (Bun reports no addresses for unix sockets). */
  readonly path?: string;
  /** The name to verify when `session.startTls()` is called without `serverName`. */
  readonly hostname?: string;
}

/**
 * Drives `connection` over a Bun socket you already have, from now on. sansio takes the socket over:
 * its handlers (per socket, with `socket.reload()`) and `socket.data`.
 *
 * - Sockets from `Bun.connect`: always possible (Bun reloads handlers per socket for them).
 * - Sockets accepted by your own `Bun.listen`: only when that listener was made with
 *   `socket: socketHandlers(yourHandlers)`; otherwise this throws `UnsupportedError`, because
 *   `socket.reload()` on an accepted socket replaces the handlers of every socket of the listener.
 *
 * Call it from a handler (e.g. `open` or `data`) or with no byte read since: bytes your handlers
 * already took go in `head`. `session.startTls()` works on plain sockets from `Bun.connect`.
 */
export function drive<Data>(
  socket: Socket<Data>,
  connection: Connection | ((session: Session) => Connection),
  options: BunDriveOptions = {},
): Session {
  const bun = socket as unknown as BunSocket;
  if (bun.readyState <= 0) throw new ConnectionClosedError("drive: the socket is already closed");
  const routed = isRouted(bun);
  const accepted = bun.listener !== undefined;
  if (accepted && !routed) {
    throw new UnsupportedError(
      "drive: cannot take over one socket accepted by Bun.listen, because socket.reload() replaces the handlers of " +
        "every socket of that listener. Make the listener with `socket: socketHandlers(yourHandlers)` from @sansio/bun.",
    );
  }
  checkDriveOptions(options);
  // The caller may have paused the socket; the transport starts from a flowing one.
  bun.resume();
  if (!routed) bun.reload({ socket: sansioHandlers });
  const { driver, session } = openSession(bun, {
    drive: options,
    path: options.path,
    canStartTls: !accepted,
    startTlsHostname: options.hostname,
  });
  startClientConnection(driver, session, connection, options.head);
  return session;
}
