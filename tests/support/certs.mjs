/* @ts-self-types="./certs.d.mts" */
// Test certificates made at test time: a fresh CA and a server leaf it signs, for localhost,
// 127.0.0.1 and ::1. Plain ESM on WebCrypto (@peculiar/x509), so Node, Bun and Deno tests can import it.
// Deno's rustls rejects a self-signed leaf used as its own trust anchor, hence a real CA + leaf pair.

// @peculiar/x509 needs the Reflect metadata API at load time.
await import("reflect-metadata");
const x509 = await import("@peculiar/x509");

const ALGORITHM = { name: "ECDSA", namedCurve: "P-256" };
const SIGNING = { name: "ECDSA", hash: "SHA-256" };
const DAY = 24 * 60 * 60 * 1000;

/** Random positive serial number, as hex. */
function serialNumber() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[0] &= 0x7f;
  bytes[0] |= 0x01;
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** PEM text of a PKCS#8 private key. */
async function privateKeyPem(key) {
  const der = new Uint8Array(await crypto.subtle.exportKey("pkcs8", key));
  let binary = "";
  for (const byte of der) binary += String.fromCharCode(byte);
  const base64 = btoa(binary).replace(/.{1,64}/g, "$&\n");
  return `-----BEGIN PRIVATE KEY-----\n${base64}-----END PRIVATE KEY-----\n`;
}

/**
 * Makes a CA (CA:true) and a server certificate it signs for DNS `localhost` and IPs 127.0.0.1 and ::1.
 * @returns {Promise<{ ca: string, cert: string, key: string }>} PEM strings: the CA certificate, the leaf
 *   certificate and the leaf's private key (PKCS#8).
 */
export async function generateTestCertificates() {
  const notBefore = new Date(Date.now() - DAY);
  const notAfter = new Date(Date.now() + 30 * DAY);

  const caKeys = await crypto.subtle.generateKey(ALGORITHM, true, ["sign", "verify"]);
  const caName = "CN=sansio test CA";
  const caCert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serialNumber(),
    name: caName,
    notBefore,
    notAfter,
    keys: caKeys,
    signingAlgorithm: SIGNING,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey),
    ],
  });

  const leafKeys = await crypto.subtle.generateKey(ALGORITHM, true, ["sign", "verify"]);
  const leafCert = await x509.X509CertificateGenerator.create({
    serialNumber: serialNumber(),
    subject: "CN=localhost",
    issuer: caCert.subject,
    notBefore,
    notAfter,
    publicKey: leafKeys.publicKey,
    signingKey: caKeys.privateKey,
    signingAlgorithm: SIGNING,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth]),
      new x509.SubjectAlternativeNameExtension([
        { type: "dns", value: "localhost" },
        { type: "ip", value: "127.0.0.1" },
        { type: "ip", value: "::1" },
      ]),
      await x509.SubjectKeyIdentifierExtension.create(leafKeys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(caKeys.publicKey),
    ],
  });

  return {
    ca: caCert.toString("pem") + "\n",
    cert: leafCert.toString("pem") + "\n",
    key: await privateKeyPem(leafKeys.privateKey),
  };
}

/**
 * Generates test certificates and writes them as `ca.pem`, `cert.pem` and `key.pem` into `dir`
 * (which must exist). Node, Bun and Deno all provide `node:fs/promises`.
 * @param {string} dir
 * @returns {Promise<{ ca: string, cert: string, key: string }>} the PEM strings written.
 */
export async function writeTestCertificates(dir) {
  const { writeFile } = await import("node:fs/promises");
  const { join } = await import("node:path");
  const pems = await generateTestCertificates();
  await writeFile(join(dir, "ca.pem"), pems.ca);
  await writeFile(join(dir, "cert.pem"), pems.cert);
  await writeFile(join(dir, "key.pem"), pems.key, { mode: 0o600 });
  return pems;
}

let shared;

/**
 * The test certificates of this process: the matrix runner's (`ca.pem`, `cert.pem`, `key.pem` in the
 * directory env `SANSIO_TLS_DIR` names) when it is set, else ones generated once.
 * @returns {Promise<{ ca: string, cert: string, key: string }>}
 */
export function testCertificates() {
  shared ??= (async () => {
    const { env } = await import("node:process");
    const dir = env.SANSIO_TLS_DIR;
    if (!dir) return generateTestCertificates();
    const { readFile } = await import("node:fs/promises");
    const { join } = await import("node:path");
    const [ca, cert, key] = await Promise.all(
      ["ca.pem", "cert.pem", "key.pem"].map((name) => readFile(join(dir, name), "utf8")),
    );
    return { ca, cert, key };
  })();
  return shared;
}
