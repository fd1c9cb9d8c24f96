import type { StartTlsImpl } from "@sansio/runtime-api/adapter";
import { checkStartTls } from "./tls.js";
import { WorkersTransport } from "./transport.js";

/**
 * STARTTLS on a Workers socket opened with `secureTransport: "starttls"`: the transport hands its
 * streams back, the socket is upgraded, and the driver continues on the TLS socket's transport.
 * `upgraded` is told the new transport (so later checks look at the live one).
 */
export function workersStartTls(upgraded: (transport: WorkersTransport) => void): StartTlsImpl {
  return async (options, old) => {
    if (!(old instanceof WorkersTransport)) throw new TypeError("startTls: not a Workers transport");
    const next = await old.startTls(checkStartTls(options)?.serverName);
    upgraded(next);
    return { transport: next, alpnProtocol: null };
  };
}
