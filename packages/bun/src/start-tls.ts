import {
  type Driver,
  DriverSession,
  type SessionInfo,
  type StartTlsImpl,
  type StartTlsOptions,
  UnsupportedError,
} from "@sansio/runtime-api";
import { clientTlsOptions } from "./tls-options.js";
import type { BunTransport } from "./transport.js";

function isServerSide(options: StartTlsOptions | undefined): boolean {
  return options !== undefined && "isServer" in options && options.isServer === true;
}

const SERVER_STARTTLS =
  "startTls({ isServer: true }) is not supported on Bun: socket.upgradeTLS() always runs the client side of the handshake";

/**
 * STARTTLS for a plain client session: `socket.upgradeTLS()` in place, verified like `connect`.
 * `hostname` is the name connected to (the default name to verify).
 */
export function clientStartTls(transport: BunTransport, hostname: string | undefined): StartTlsImpl {
  return async (options) => {
    if (isServerSide(options)) throw new UnsupportedError(SERVER_STARTTLS);
    const alpnProtocol = await transport.upgrade(clientTlsOptions(options ?? {}, hostname));
    return { transport, alpnProtocol };
  };
}

/** A plain client session: STARTTLS as a client; asking for the server side fails before anything is touched. */
export class ClientSession extends DriverSession {
  constructor(driver: Driver, info: SessionInfo, transport: BunTransport, hostname: string | undefined) {
    super(driver, info, clientStartTls(transport, hostname));
  }

  override startTls(options?: StartTlsOptions): Promise<void> {
    if (isServerSide(options)) return Promise.reject(new UnsupportedError(SERVER_STARTTLS));
    return super.startTls(options);
  }
}
