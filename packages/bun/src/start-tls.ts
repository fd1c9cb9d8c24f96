import { UnsupportedError } from "@sansio/runtime-api";
import { isServerStartTls, type StartTlsImpl } from "@sansio/runtime-api/adapter";
import { clientTlsOptions } from "./tls.js";
import type { BunTransport } from "./transport.js";

/** Why a Bun session cannot be the server side of STARTTLS. */
export const SERVER_STARTTLS =
  "startTls({ isServer: true }) is not supported on Bun: socket.upgradeTLS() always runs the client side of the handshake";

/**
 * STARTTLS for a plain client session: `socket.upgradeTLS()` in place, verified like `connect`.
 * `hostname` is the name connected to (the default name to verify).
 */
export function clientStartTls(transport: BunTransport, hostname: string | undefined): StartTlsImpl {
  return async (options) => {
    if (isServerStartTls(options)) throw new UnsupportedError(SERVER_STARTTLS);
    const alpnProtocol = await transport.upgrade(clientTlsOptions(options ?? {}, hostname));
    return { transport, alpnProtocol };
  };
}
