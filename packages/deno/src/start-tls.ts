import { type ClientTlsOptions, ConnectionClosedError, SansioError } from "@sansio/runtime-api";
import type { StartTlsImpl, TransportSink } from "@sansio/runtime-api/adapter";
import { denoClientTls } from "./tls.ts";
import { closeQuietly, DenoTransport } from "./transport.ts";

/**
 * Client-side STARTTLS over `Deno.startTls` for one driver. `hostname` is the name verified (and sent as
 * SNI) when the options give no `serverName`.
 */
export function denoStartTls(sink: TransportSink, hostname: string): StartTlsImpl {
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
    return { transport: new DenoTransport(tls, sink), alpnProtocol };
  };
}
