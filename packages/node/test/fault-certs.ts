// Refused certificates, one code per reason on every runtime (docs/FAULTS.md): expired, not yet valid,
// self-signed, unknown CA and incomplete chain, each served by a node:tls server (Node, Bun and Deno all
// provide node:tls), our client trusting the test root. Certificates are made here with @peculiar/x509.
import type * as net from "node:net";
import * as tls from "node:tls";
import type { Connection, Runtime } from "@sansio/runtime-api";
import { within } from "@sansio/runtime-api/conformance";

await import("reflect-metadata");
const x509 = await import("@peculiar/x509");

const ALGORITHM = { name: "ECDSA", namedCurve: "P-256" };
const SIGNING = { name: "ECDSA", hash: "SHA-256" };
const DAY = 24 * 60 * 60 * 1000;

/** This runtime's own `CryptoKey` type (Node's and Deno's typings each name theirs). */
type Key = Parameters<typeof crypto.subtle.exportKey>[1];
interface Keys {
  readonly publicKey: Key;
  readonly privateKey: Key;
}
interface Issued {
  readonly pem: string;
  readonly keys: Keys;
  readonly name: string;
}

function serial(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[0] = ((bytes[0] as number) & 0x7f) | 0x01;
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

async function keyPem(key: Key): Promise<string> {
  const der = new Uint8Array(await crypto.subtle.exportKey("pkcs8", key));
  let binary = "";
  for (const byte of der) binary += String.fromCharCode(byte);
  return `-----BEGIN PRIVATE KEY-----\n${btoa(binary).replace(/.{1,64}/g, "$&\n")}-----END PRIVATE KEY-----\n`;
}

async function newKeys(): Promise<Keys> {
  return (await crypto.subtle.generateKey(ALGORITHM, true, ["sign", "verify"])) as Keys;
}

/** Makes a certificate for `name`: signed by `issuer`, or self-signed; PEM with a final newline. */
async function issue(
  name: string,
  keys: Keys,
  extensions: InstanceType<typeof x509.Extension>[],
  from: number,
  to: number,
  issuer?: Issued,
): Promise<string> {
  const now = Date.now();
  const common = { serialNumber: serial(), notBefore: new Date(now + from), notAfter: new Date(now + to) };
  const cert = issuer
    ? await x509.X509CertificateGenerator.create({
        ...common,
        subject: name,
        issuer: issuer.name,
        publicKey: keys.publicKey,
        signingKey: issuer.keys.privateKey,
        signingAlgorithm: SIGNING,
        extensions: [...extensions, await x509.AuthorityKeyIdentifierExtension.create(issuer.keys.publicKey)],
      })
    : await x509.X509CertificateGenerator.createSelfSigned({
        ...common,
        name,
        keys,
        signingAlgorithm: SIGNING,
        extensions,
      });
  return `${cert.toString("pem")}\n`;
}

/** A CA certificate: self-signed (`issuer` undefined) or signed by `issuer`. */
async function authority(name: string, issuer?: Issued): Promise<Issued> {
  const keys = await newKeys();
  const extensions = [
    new x509.BasicConstraintsExtension(true, 1, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
    await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
  ];
  return { pem: await issue(name, keys, extensions, -DAY, 30 * DAY, issuer), keys, name };
}

/** A server certificate for localhost valid from `from` to `to` (ms from now), signed by `issuer` or itself. */
async function leaf(issuer: Issued | undefined, from: number, to: number): Promise<{ cert: string; key: string }> {
  const keys = await newKeys();
  const extensions = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
    new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
    new x509.SubjectAlternativeNameExtension([{ type: "dns", value: "localhost" }]),
    await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
  ];
  return { cert: await issue("CN=localhost", keys, extensions, from, to, issuer), key: await keyPem(keys.privateKey) };
}

/** A connection that is never driven far: the connects below are all refused. */
const idle = (): Connection => ({
  nextReadOperation: () => "close",
  read: () => 0,
  readEof: () => 0,
  yieldReader: () => {},
  nextWriteOperation: () => ({ kind: "close" }),
  reportWriteResult: () => {},
  yieldWriter: () => {},
  reportError: () => {},
  isClosed: () => true,
  shutdown: () => {},
});

/** Serves `cert` (the chain as given) with node:tls; connects our client trusting `ca`; returns the rejection. */
async function refusal(runtime: Runtime, served: { cert: string; key: string }, ca: string): Promise<unknown> {
  const server = tls.createServer(served, (socket) => socket.destroy());
  server.on("tlsClientError", () => {});
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    const port = (server.address() as net.AddressInfo).port;
    return await within(
      runtime.connect({ hostname: "localhost", port, tls: { ca } }, idle()).then(
        (session) => {
          session.close();
          return undefined;
        },
        (error: unknown) => error,
      ),
      15_000,
      "the refused handshake",
    );
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/**
 * Throws unless each refused certificate gives `ConnectionLostError` with the code of its reason:
 * expired `CERT_HAS_EXPIRED`, not yet valid `CERT_NOT_YET_VALID`, self-signed, unknown CA and
 * incomplete chain `CERT_UNTRUSTED`.
 */
export async function certificateRefusals(runtime: Runtime): Promise<void> {
  const root = await authority("CN=sansio fault root");
  const intermediate = await authority("CN=sansio fault intermediate", root);
  const stranger = await authority("CN=sansio stranger CA");
  const kinds: [string, { cert: string; key: string }, string][] = [
    ["expired", await leaf(root, -10 * DAY, -DAY), "CERT_HAS_EXPIRED"],
    ["not yet valid", await leaf(root, DAY, 10 * DAY), "CERT_NOT_YET_VALID"],
    ["self-signed", await leaf(undefined, -DAY, 10 * DAY), "CERT_UNTRUSTED"],
    ["unknown CA", await leaf(stranger, -DAY, 10 * DAY), "CERT_UNTRUSTED"],
    ["incomplete chain (intermediate not sent)", await leaf(intermediate, -DAY, 10 * DAY), "CERT_UNTRUSTED"],
  ];
  // The same leaf with its intermediate is accepted: the refusal above is the missing link, not the leaf.
  const chained = await leaf(intermediate, -DAY, 10 * DAY);
  const problems: string[] = [];
  const accepted = await refusal(runtime, { cert: chained.cert + intermediate.pem, key: chained.key }, root.pem);
  if (accepted !== undefined) problems.push(`the complete chain was refused: ${describe(accepted)}`);
  for (const [kind, served, code] of kinds) {
    const error = await refusal(runtime, served, root.pem);
    const got = (error as { name?: string; code?: string } | undefined) ?? {};
    if (got.name !== "ConnectionLostError" || got.code !== code) {
      problems.push(
        `${kind}: ${error === undefined ? "accepted" : describe(error)}, expected ConnectionLostError ${code}`,
      );
    }
  }
  if (problems.length > 0) throw new Error(problems.join("\n"));
}

function describe(error: unknown): string {
  const e = error as { name?: string; code?: string; message?: string };
  return `${e.name} ${e.code} (${e.message})`;
}

/**
 * Throws unless `insecureSkipVerify` skips every check, as on Node: an unknown CA's certificate for
 * another host name is accepted (Bun used to check the name whenever one was sent).
 */
export async function insecureSkipsEveryCheck(runtime: Runtime): Promise<void> {
  const stranger = await authority("CN=sansio stranger CA");
  const served = await leaf(stranger, -DAY, 10 * DAY);
  const server = tls.createServer(served, (socket) => socket.end());
  server.on("tlsClientError", () => {});
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    const port = (server.address() as net.AddressInfo).port;
    for (const serverName of [undefined, "wrong.sansio.invalid"]) {
      const options = { insecureSkipVerify: true, ...(serverName ? { serverName } : {}) };
      const session = await within(
        runtime.connect({ hostname: "127.0.0.1", port, tls: options }, idle()),
        15_000,
        `connect with ${JSON.stringify(options)}`,
      );
      session.close();
      await within(session.closed, 15_000, "session.closed");
    }
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
