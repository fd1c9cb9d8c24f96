import type { Connection, DriveOptions, Session } from "@sansio/runtime-api";
import { checkDriveOptions, startClientConnection } from "@sansio/runtime-api/adapter";
import { openSession } from "./session.ts";

/** Options of {@link drive}: the shared {@link DriveOptions}, plus what only the caller of `drive` can know. */
export interface DenoDriveOptions extends DriveOptions {
  /** Bytes the caller already read from the conn; the connection is offered them first. */
  readonly head?: Uint8Array;
  /** The ALPN protocol of a `Deno.TlsConn` whose handshake the caller already awaited. Default `null`. */
  readonly alpnProtocol?: string | null;
}

/** Turns Nagle's algorithm off on TCP conns (plain or TLS) where Deno offers the switch. */
export function setNoDelay(conn: Deno.Conn): void {
  const tcp = conn as Partial<Deno.TcpConn>;
  if (typeof tcp.setNoDelay === "function") tcp.setNoDelay(true);
}

/**
 * Drives `connection` over a `Deno.Conn` the caller already has (from `Deno.listen`, `Deno.connect`,
 * `Deno.connectTls`, `Deno.startTls`...). The session owns the conn from now on: it closes it when the
 * connection finishes, fails or `session.close()` is called.
 */
export function drive(conn: Deno.Conn, connection: Connection, options: DenoDriveOptions = {}): Session {
  checkDriveOptions(options);
  const { driver, session } = openSession(conn, options, options.alpnProtocol ?? null);
  startClientConnection(driver, session, connection, options.head);
  return session;
}
