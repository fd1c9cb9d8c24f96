import { type ClientTlsOptions, ConnectionLostError, type Pem, type ServerTlsOptions } from "@sansio/runtime-api";
import { lostCode } from "@sansio/runtime-api/adapter";
import type { TLSOptions } from "bun";

/** ALPN protocol names in the TLS wire format Bun takes (`ALPNProtocols`): each name prefixed by its length. */
export function alpnWire(protocols: readonly string[]): Uint8Array {
  const encoder = new TextEncoder();
  const names = protocols.map((protocol) => {
    const bytes = encoder.encode(protocol);
    if (bytes.length === 0 || bytes.length > 255) {
      throw new RangeError(`ALPN protocol names must be 1 to 255 bytes long, got ${JSON.stringify(protocol)}`);
    }
    return bytes;
  });
  const wire = new Uint8Array(names.reduce((sum, name) => sum + 1 + name.length, 0));
  let at = 0;
  for (const name of names) {
    wire[at++] = name.length;
    wire.set(name, at);
    at += name.length;
  }
  return wire;
}

/** True for an IPv4 or IPv6 literal (never sent as SNI; Bun checks the certificate's IP addresses). */
function isIpLiteral(hostname: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(hostname) || hostname.includes(":");
}

function pemList(ca: Pem | readonly Pem[]): string | Uint8Array | Array<string | Uint8Array> {
  return Array.isArray(ca) ? [...(ca as readonly Pem[])] : (ca as Pem);
}

/**
 * Bun's client TLS options for ours. Verification is always explicit (`rejectUnauthorized: true`
 * unless `insecureSkipVerify`), so `NODE_TLS_REJECT_UNAUTHORIZED` cannot turn it off behind our back.
 */
export function clientTlsOptions(tls: true | ClientTlsOptions, hostname: string | undefined): TLSOptions {
  const options: ClientTlsOptions = tls === true ? {} : tls;
  const serverName = options.serverName ?? (hostname !== undefined && !isIpLiteral(hostname) ? hostname : undefined);
  const bun: TLSOptions = { rejectUnauthorized: options.insecureSkipVerify !== true };
  if (options.ca !== undefined) bun.ca = pemList(options.ca);
  if (serverName !== undefined) bun.serverName = serverName;
  if (options.alpnProtocols && options.alpnProtocols.length > 0) bun.ALPNProtocols = alpnWire(options.alpnProtocols);
  return bun;
}

/** Bun's server TLS options for ours. */
export function serverTlsOptions(tls: ServerTlsOptions): TLSOptions {
  const bun: TLSOptions = { cert: tls.cert, key: tls.key };
  if (tls.alpnProtocols && tls.alpnProtocols.length > 0) bun.ALPNProtocols = alpnWire(tls.alpnProtocols);
  return bun;
}

/** The error for a refused TLS handshake (certificate not trusted, wrong name...), Bun's error as `cause`. */
export function handshakeError(what: string, error: Error | null): ConnectionLostError {
  const detail = error?.message ?? "the TLS handshake failed";
  return new ConnectionLostError(`${what}: TLS handshake failed: ${detail}`, { cause: error, code: lostCode(error) });
}
