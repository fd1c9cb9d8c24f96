import {
  type ClientTlsOptions,
  ConnectionClosedError,
  type Driver,
  DriverSession,
  SansioError,
  type SessionInfo,
  type StartTlsImpl,
  type StartTlsOptions,
  UnsupportedError,
} from "@sansio/runtime-api";
import { checkClientTls, denoClientTls, isServerStartTls } from "./tls.ts";
import { closeQuietly, DenoTransport } from "./transport.ts";

/** What a Deno session runs over: plain TCP (STARTTLS possible), a unix socket, or TLS already. */
export type DenoSocketKind = "tcp" | "unix" | "tls";

/**
 * A driven `Deno.Conn`. STARTTLS goes through `Deno.startTls`, which is client-side only; what Deno
 * cannot do is refused with `UnsupportedError` before the connection is touched, so it stays usable.
 */
export class DenoSession extends DriverSession {
  readonly #kind: DenoSocketKind;

  constructor(driver: Driver, info: SessionInfo, kind: DenoSocketKind, startTls?: StartTlsImpl) {
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

/**
 * Client-side STARTTLS over `Deno.startTls` for one driver. `hostname` is the name verified (and sent as
 * SNI) when the options give no `serverName`.
 */
export function denoStartTls(driver: Driver, hostname: string): StartTlsImpl {
  return async (options, old) => {
    if (!(old instanceof DenoTransport)) throw new SansioError("startTls: the session is not driven by a Deno conn");
    if (old.readPending) {
      throw new SansioError("startTls: a read is in flight; call it while the connection's reader is yielded");
    }
    const tlsOptions = denoClientTls(options as ClientTlsOptions | undefined, hostname);
    const conn = old.detach() as Deno.TcpConn;
    const tls = await Deno.startTls(conn, tlsOptions);
    old.adoptSuccessor(tls);
    let alpnProtocol: string | null;
    try {
      ({ alpnProtocol } = await tls.handshake());
    } catch (error) {
      closeQuietly(tls);
      throw error;
    }
    if (old.released) throw new ConnectionClosedError("the session was closed during the TLS handshake");
    return { transport: new DenoTransport(tls, driver), alpnProtocol };
  };
}
