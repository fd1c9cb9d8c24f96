import { type ClientTlsOptions, type StartTlsOptions, UnsupportedError } from "@sansio/runtime-api";
import { isServerStartTls } from "@sansio/runtime-api/adapter";

/** How a connect maps onto a Workers socket. */
export interface TlsPlan {
  /** "on" for TLS from the start; "starttls" for plain sessions (so `session.startTls()` works) and for a custom server name. */
  readonly secureTransport: "on" | "starttls";
  /** Upgrade at once, verifying this name (TLS with a `serverName` other than the host connected to). */
  readonly serverName?: string;
}

/** Rejects client TLS options Workers cannot honour. `ca` and `alpnProtocols` are accepted; see the README. */
export function checkClientTls(options: ClientTlsOptions | undefined, what: string): void {
  if (options?.insecureSkipVerify) {
    throw new UnsupportedError(`${what}: Workers always verify TLS certificates; insecureSkipVerify is not available`);
  }
}

/** Rejects server-side STARTTLS (Workers sockets are client sockets) and unsupported client options. */
export function checkStartTls(options: StartTlsOptions | undefined): ClientTlsOptions | undefined {
  if (isServerStartTls(options)) {
    throw new UnsupportedError("startTls: Workers sockets are client sockets; they cannot act as a TLS server");
  }
  const client = options as ClientTlsOptions | undefined;
  checkClientTls(client, "startTls");
  return client;
}

/**
 * Plain connects use `secureTransport: "starttls"` (no cost measured against "off") so every plain
 * session can be upgraded. TLS uses "on", unless a `serverName` other than the hostname is asked:
 * `connect()` has no option for that, so the socket starts plain and upgrades at once with
 * `startTls({ expectedServerHostname })`.
 */
export function planTls(tls: true | ClientTlsOptions | undefined, hostname: string): TlsPlan {
  if (tls === undefined) return { secureTransport: "starttls" };
  if (tls === true) return { secureTransport: "on" };
  checkClientTls(tls, "connect");
  if (tls.serverName !== undefined && tls.serverName !== hostname) {
    return { secureTransport: "starttls", serverName: tls.serverName };
  }
  return { secureTransport: "on" };
}
