import { type Connection, type DriveOptions, Driver, type Session } from "@sansio/runtime-api";
import { toAddress } from "./address.ts";
import { DenoSession, type DenoSocketKind, denoStartTls } from "./session.ts";
import { DenoTransport } from "./transport.ts";

/** Options of {@link drive}: the shared {@link DriveOptions}, plus what only the caller of `drive` can know. */
export interface DenoDriveOptions extends DriveOptions {
  /** Bytes the caller already read from the conn; the connection is offered them first. */
  readonly head?: Uint8Array;
  /** The ALPN protocol of a `Deno.TlsConn` whose handshake the caller already awaited. Default `null`. */
  readonly alpnProtocol?: string | null;
}

/** A conn wired to a driver and a session, not yet started. */
export interface DrivenConn {
  readonly driver: Driver;
  readonly session: DenoSession;
}

/** Throws `RangeError` for bad buffer or timeout options, before any socket is opened or bound. */
export function checkDriveOptions(options: DriveOptions): void {
  new Driver(options);
}

/** What kind of socket a `Deno.Conn` is: TLS (has `handshake`), unix (its address has a path) or TCP. */
export function socketKind(conn: Deno.Conn): DenoSocketKind {
  if ("handshake" in conn && typeof conn.handshake === "function") return "tls";
  return "path" in conn.remoteAddr ? "unix" : "tcp";
}

/** Turns Nagle's algorithm off on TCP conns (plain or TLS) where Deno offers the switch. */
export function setNoDelay(conn: Deno.Conn): void {
  const tcp = conn as Partial<Deno.TcpConn>;
  if (typeof tcp.setNoDelay === "function") tcp.setNoDelay(true);
}

/**
 * Wires `conn` to a new driver and session. `tlsHostname` is the name `session.startTls()` verifies
 * when given no `serverName` (the hostname connected to; the peer's address for accepted conns).
 */
export function wire(
  conn: Deno.Conn,
  options: DriveOptions,
  alpnProtocol: string | null,
  tlsHostname?: string,
): DrivenConn {
  const driver = new Driver(options);
  driver.attach(new DenoTransport(conn, driver));
  const remote = toAddress(conn.remoteAddr);
  const local = toAddress(conn.localAddr);
  const kind = socketKind(conn);
  const hostname = tlsHostname ?? (remote.transport === "tcp" ? remote.hostname : "");
  const session = new DenoSession(driver, { remote, local, alpnProtocol }, kind, denoStartTls(driver, hostname));
  return { driver, session };
}

/**
 * Drives `connection` over a `Deno.Conn` the caller already has (from `Deno.listen`, `Deno.connect`,
 * `Deno.connectTls`, `Deno.startTls`...). The session owns the conn from now on: it closes it when the
 * connection finishes, fails or `session.close()` is called.
 */
export function drive(conn: Deno.Conn, connection: Connection, options: DenoDriveOptions = {}): Session {
  const { driver, session } = wire(conn, options, options.alpnProtocol ?? null);
  driver.start(connection, options.head);
  return session;
}
