// Matrix entry for Bun: run under `bun run tests/matrix/entries/bun.ts [--serve | --peer-port N]`.
// Written without Bun-only globals so the root typecheck (types: node) accepts it.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { runtime } from "@sansio/bun";
import type { ConformanceOptions } from "@sansio/runtime-api/conformance";
import { runConformance, serveConformance } from "@sansio/runtime-api/conformance";

async function certificates(): Promise<ConformanceOptions["tls"]> {
  const dir = process.env.SANSIO_TLS_DIR;
  if (!dir) return undefined;
  const [ca, cert, key] = await Promise.all(
    ["ca.pem", "cert.pem", "key.pem"].map((name) => readFile(join(dir, name), "utf8")),
  );
  return { server: { cert: cert as string, key: key as string }, client: { ca: ca as string } };
}

async function serve(): Promise<void> {
  // No startTls offer: Bun cannot upgrade an accepted socket to a TLS server (see packages/bun/README.md),
  // so the STARTTLS case is answered "NO" and reported n.a. by the client.
  const listener = await serveConformance(runtime, { hostname: "127.0.0.1", port: 0 });
  const address = listener.address;
  if (address.transport !== "tcp") throw new Error("expected a TCP listener");
  console.log(`MATRIX-LISTENING ${JSON.stringify({ port: address.port })}`);
  await new Promise<void>((resolve) => {
    process.once("SIGTERM", () => resolve());
    process.stdin.on("end", () => resolve());
    process.stdin.on("close", () => resolve());
    process.stdin.resume();
  });
  await listener.close({ timeout: 1000 });
  process.exit(0);
}

async function run(peerPort: number | undefined): Promise<void> {
  const tls = await certificates();
  const unixDir = process.env.SANSIO_UNIX_DIR;
  const options: ConformanceOptions = {
    ...(tls ? { tls } : {}),
    ...(unixDir ? { unixDir } : {}),
    ...(peerPort !== undefined
      ? { peer: { address: { transport: "tcp", hostname: "127.0.0.1", port: peerPort } } }
      : {}),
  };
  const results = await runConformance(runtime, options);
  console.log(`MATRIX-RESULT ${JSON.stringify({ runtime: `bun ${process.versions.bun}`, results })}`);
  process.exit(0);
}

const args = process.argv.slice(2);
if (args.includes("--serve")) {
  await serve();
} else {
  const at = args.indexOf("--peer-port");
  const port = at >= 0 ? Number(args[at + 1]) : undefined;
  if (port !== undefined && !(Number.isInteger(port) && port > 0)) throw new Error(`bad --peer-port ${args[at + 1]}`);
  await run(port);
}
