import { type ClientTlsOptions, type Pem, UnsupportedError } from "@sansio/runtime-api";

const decoder = new TextDecoder();

/** PEM text from a string or bytes. */
export function pemText(pem: Pem): string {
  return typeof pem === "string" ? pem : decoder.decode(pem);
}

/** Throws `UnsupportedError` for client TLS options Deno cannot honour. */
export function checkClientTls(options: ClientTlsOptions | undefined): void {
  if (options?.insecureSkipVerify) {
    throw new UnsupportedError(
      "insecureSkipVerify: Deno cannot skip certificate verification per connection (only process-wide with " +
        "--unsafely-ignore-certificate-errors); pass the peer's CA certificate as tls.ca instead",
    );
  }
}

/** Deno's options for `connectTls` / `startTls` from sansio client TLS options. */
export function denoClientTls(options: ClientTlsOptions | undefined, hostname: string): Deno.StartTlsOptions {
  checkClientTls(options);
  const ca = options?.ca;
  const out: Deno.StartTlsOptions = { hostname: options?.serverName ?? hostname };
  if (ca !== undefined) {
    const list: readonly Pem[] = typeof ca === "string" || ca instanceof Uint8Array ? [ca] : ca;
    out.caCerts = list.map(pemText);
  }
  if (options?.alpnProtocols) out.alpnProtocols = [...options.alpnProtocols];
  return out;
}
