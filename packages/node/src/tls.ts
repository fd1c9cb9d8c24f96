import { isIP } from "node:net";
import * as tls from "node:tls";
import type { ClientTlsOptions, Pem, ServerTlsOptions } from "@sansio/runtime-api";

/** A PEM value as node:tls takes it (strings as they are, bytes as a Buffer view without a copy). */
export function toNodePem(pem: Pem): string | Buffer {
  return typeof pem === "string" ? pem : Buffer.from(pem.buffer, pem.byteOffset, pem.byteLength);
}

/** The secure context of a TLS listener (or a server-side STARTTLS): certificate chain and key. */
export function serverSecureContext(options: ServerTlsOptions): tls.SecureContext {
  return tls.createSecureContext({ cert: toNodePem(options.cert), key: toNodePem(options.key) });
}

/** ALPN protocols as node:tls takes them, or undefined when none were given. */
export function alpnProtocols(protocols: readonly string[] | undefined): string[] | undefined {
  return protocols && protocols.length > 0 ? [...protocols] : undefined;
}

/**
 * node:tls client options for `tls.connect`: certificates verified unless `insecureSkipVerify`, against
 * `ca` when given (else the system roots), for `serverName ?? hostname`. SNI is sent only for host
 * names (Node warns on an IP as SNI); an IP is still verified against the certificate's IP SANs.
 */
export function clientTlsOptions(options: true | ClientTlsOptions, hostname: string): tls.ConnectionOptions {
  const client: ClientTlsOptions = options === true ? {} : options;
  const name = client.serverName ?? hostname;
  const ca = client.ca;
  const result: tls.ConnectionOptions = {
    rejectUnauthorized: client.insecureSkipVerify !== true,
    checkServerIdentity: (_host, cert) => tls.checkServerIdentity(name, cert),
  };
  if (ca !== undefined) result.ca = Array.isArray(ca) ? ca.map(toNodePem) : toNodePem(ca as Pem);
  if (name !== "" && isIP(name) === 0) result.servername = name;
  const alpn = alpnProtocols(client.alpnProtocols);
  if (alpn) result.ALPNProtocols = alpn;
  return result;
}

/** The ALPN protocol a TLS socket negotiated, or null. */
export function negotiatedAlpn(socket: tls.TLSSocket): string | null {
  const protocol = socket.alpnProtocol;
  return typeof protocol === "string" && protocol !== "" ? protocol : null;
}
