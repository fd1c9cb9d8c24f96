import { type ClientTlsOptions, type DriveOptions, type StartTlsOptions, UnsupportedError } from "@sansio/runtime-api";
import {
  Driver,
  DriverSession,
  isServerStartTls,
  type SessionInfo,
  type StartTlsImpl,
} from "@sansio/runtime-api/adapter";
import { toAddress } from "./address.ts";
import { denoStartTls } from "./start-tls.ts";
import { checkClientTls } from "./tls.ts";
import { DenoTransport } from "./transport.ts";

/** What a Deno session runs over: plain TCP (STARTTLS possible), a unix socket, or TLS already. */
export type DenoSocketKind = "tcp" | "unix" | "tls";

/**
 * A driven `Deno.Conn`. STARTTLS goes through `Deno.startTls`, which is client-side only; what Deno
 * cannot do is refused with `UnsupportedError` before the connection is touched, so it stays usable.
 */
class DenoSession extends DriverSession {
  readonly #kind: DenoSocketKind;

  constructor(driver: Driver, info: SessionInfo, kind: DenoSocketKind, startTls: StartTlsImpl) {
    super(driver, info, kind === "tcp" ? startTls : undefined);
    this.#kind = kind;
  }

  override async startTls(options?: StartTlsOptions): Promise<void> {
    if (isServerStartTls(options)) {
      throw new UnsupportedError(
        "startTls({ isServer: true }): Deno cannot upgrade an accepted connection to TLS (Deno.startTls is " +
          "client-side only); listen with tls instead",
      );
    }
    if (this.#kind === "unix") {
      throw new UnsupportedError("startTls: Deno.startTls works on TCP connections only, not on unix sockets");
    }
    if (this.#kind === "tls") throw new UnsupportedError("startTls: the session is already TLS");
    checkClientTls(options as ClientTlsOptions | undefined);
    await super.startTls(options);
  }
}

/** What kind of socket a `Deno.Conn` is: TLS (has `handshake`), unix (its address has a path) or TCP. */
function socketKind(conn: Deno.Conn): DenoSocketKind {
  if ("handshake" in conn && typeof conn.handshake === "function") return "tls";
  return "path" in conn.remoteAddr ? "unix" : "tcp";
}

/**
 * Wires `conn` to a new driver: its {@link DenoTransport} attached, and the session made. Nothing runs
 * until the driver is started. `tlsHostname` is the name `session.startTls()` verifies when given no
 * `serverName` (the hostname connected to; the peer's address for accepted conns).
 */
export function openSession(
  conn: Deno.Conn,
  options: DriveOptions,
  alpnProtocol: string | null,
  tlsHostname?: string,
): { driver: Driver; session: DriverSession } {
  const driver = new Driver(options);
  driver.attach(new DenoTransport(conn, driver));
  const remote = toAddress(conn.remoteAddr);
  const local = toAddress(conn.localAddr);
  const hostname = tlsHostname ?? (remote.transport === "tcp" ? remote.hostname : "");
  const kind = socketKind(conn);
  const session = new DenoSession(
    driver,
    { remote, local, alpnProtocol, secure: kind === "tls" },
    kind,
    denoStartTls(driver, hostname),
  );
  return { driver, session };
}
