// The demo's TLS certificate, made at start: a throwaway CA and a certificate it signs for localhost,
// 127.0.0.1 and ::1 (the same generator the tests use, on WebCrypto, so it runs on Node, Deno and Bun).

import { writeFile } from "node:fs/promises";
import { generateTestCertificates } from "../../tests/support/certs.mjs";

/** A certificate made for this run. */
export interface DemoCertificate {
  /** PEM: the server's certificate and its private key (kept in memory only). */
  readonly cert: string;
  readonly key: string;
  /** PEM: the CA certificate that signed `cert`, for clients to trust. */
  readonly ca: string;
  /** SHA-256 of the server certificate's DER, as colon-separated upper-case hex (as browsers and openssl show it). */
  readonly fingerprint: string;
}

/** The DER bytes of the first certificate in `pem`. */
function pemToDer(pem: string): Uint8Array<ArrayBuffer> {
  const base64 = /-----BEGIN CERTIFICATE-----([\s\S]+?)-----END CERTIFICATE-----/.exec(pem)?.[1];
  if (base64 === undefined) throw new Error("no certificate in the PEM text");
  const binary = atob(base64.replace(/\s+/g, ""));
  return Uint8Array.from(binary, (char) => char.charCodeAt(0));
}

/** SHA-256 fingerprint of the certificate in `pem`: `AB:CD:...`. */
export async function fingerprintSha256(pem: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", pemToDer(pem)));
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, "0").toUpperCase()).join(":");
}

/** Makes the CA and the server certificate; writes the CA certificate to `caOut` when given. */
export async function makeDemoCertificate(caOut: string | undefined): Promise<DemoCertificate> {
  const { ca, cert, key } = await generateTestCertificates();
  if (caOut !== undefined) await writeFile(caOut, ca);
  return { ca, cert, key, fingerprint: await fingerprintSha256(cert) };
}
