import { UnsupportedError } from "@sansio/runtime-api";
/** Rejects client TLS options Workers cannot honour. `ca` and `alpnProtocols` are accepted; see the README. */
export function checkClientTls(options, what) {
  if (options?.insecureSkipVerify) {
    throw new UnsupportedError(`${what}: Workers always verify TLS certificates; insecureSkipVerify is not available`);
  }
}
/** Rejects server-side STARTTLS (Workers sockets are client sockets) and unsupported client options. */
export function checkStartTls(options) {
  if (options && "isServer" in options && options.isServer) {
    throw new UnsupportedError("startTls: Workers sockets are client sockets; they cannot act as a TLS server");
  }
  const client = options;
  checkClientTls(client, "startTls");
  return client;
}
/**
 * Plain connects use `secureTransport: "starttls"` (no cost measured against "off") so every plain
 * session can be upgraded. TLS uses "on", unless a `serverName` other than the hostname is asked:
 * `connect()` has no option for that, so the socket starts plain and upgrades at once with
 * `startTls({ expectedServerHostname })`.
 */
export function planTls(tls, hostname) {
  if (tls === undefined) return { secureTransport: "starttls" };
  if (tls === true) return { secureTransport: "on" };
  checkClientTls(tls, "connect");
  if (tls.serverName !== undefined && tls.serverName !== hostname) {
    return { secureTransport: "starttls", serverName: tls.serverName };
  }
  return { secureTransport: "on" };
}
