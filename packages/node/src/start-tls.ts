import type * as tls from "node:tls";
import { type ClientTlsOptions, UnsupportedError } from "@sansio/runtime-api";
import { isServerStartTls, type StartTlsImpl, type TransportSink } from "@sansio/runtime-api/adapter";
import { alpnProtocols, clientTlsOptions, negotiatedAlpn, serverSecureContext } from "./tls.js";
import { acceptTls, connectTls, handshakeTimeout } from "./tls-handshake.js";
import { NodeTransport } from "./transport.js";

/** What a plain session needs to upgrade itself to TLS. */
export interface StartTlsContext {
  /** The driver the TLS transport reports to. */
  readonly sink: TransportSink;
  /** Name the client side verifies when `serverName` is not given (the host connected to). */
  readonly hostname: string;
  /** The session's idle timeout, which also bounds a server-side handshake. */
  readonly idleTimeout: number | undefined;
}

/**
 * STARTTLS on a live Node socket. The plain transport stops routing events to the driver, then the
 * client side runs `tls.connect({ socket })` and the server side wraps the socket in a server
 * `tls.TLSSocket`; the driver continues on a new transport over the TLS socket, which also releases
 * the raw socket when it closes.
 */
export function nodeStartTls(context: StartTlsContext): StartTlsImpl {
  return async (options, old) => {
    if (!(old instanceof NodeTransport)) throw new UnsupportedError("startTls: not a Node socket transport");
    const raw = old.socket;
    let socket: tls.TLSSocket;
    if (isServerStartTls(options)) {
      const secureContext = serverSecureContext(options);
      old.detach();
      socket = await acceptTls(raw, {
        secureContext,
        alpnProtocols: alpnProtocols(options.alpnProtocols),
        timeout: handshakeTimeout(context.idleTimeout),
      });
    } else {
      const client = clientTlsOptions((options as ClientTlsOptions | undefined) ?? {}, context.hostname);
      old.detach();
      socket = await connectTls({ ...client, socket: raw });
    }
    return {
      transport: new NodeTransport(socket, context.sink, { companion: raw }),
      alpnProtocol: negotiatedAlpn(socket),
    };
  };
}
