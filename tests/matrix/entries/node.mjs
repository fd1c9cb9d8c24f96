// Matrix entry for Node (22 and 24): `node tests/matrix/entries/node.mjs [--serve | --peer-port N]`.
// Imports the built packages (dist/), as an application would.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { runtime } from "@sansio/node";
import { runConformance, serveConformance } from "@sansio/runtime-api/conformance";

/** The test certificates from SANSIO_TLS_DIR, as conformance TLS options (undefined without it). */
async function certificates() {
  const dir = process.env.SANSIO_TLS_DIR;
  if (!dir) return undefined;
  const [ca, cert, key] = await Promise.all(
    ["ca.pem", "cert.pem", "key.pem"].map((name) => readFile(join(dir, name), "utf8")),
  );
  return { server: { cert, key }, client: { ca } };
}

/** Serves the conformance server until stdin ends or SIGTERM, then closes the listener and exits. */
async function serve() {
  const tls = await certificates();
  const listener = await serveConformance(
    runtime,
    { hostname: "127.0.0.1", port: 0 },
    tls ? { startTls: { isServer: true, ...tls.server } } : {},
  );
  const address = listener.address;
  if (address.transport !== "tcp") throw new Error("expected a TCP listener");
  console.log(`MATRIX-LISTENING ${JSON.stringify({ port: address.port })}`);
  await new Promise((resolve) => {
    process.once("SIGTERM", () => resolve());
    process.stdin.on("end", () => resolve());
    process.stdin.on("close", () => resolve());
    process.stdin.resume();
  });
  await listener.close({ timeout: 1000 });
  process.exit(0);
}

/** Runs the conformance suite (against a remote peer on `peerPort` when given) and prints one result line. */
async function run(peerPort) {
  const tls = await certificates();
  const unixDir = process.env.SANSIO_UNIX_DIR;
  const options = {
    ...(tls ? { tls } : {}),
    ...(unixDir ? { unixDir } : {}),
    ...(peerPort !== undefined
      ? { peer: { address: { transport: "tcp", hostname: "127.0.0.1", port: peerPort } } }
      : {}),
  };
  const results = await runConformance(runtime, options);
  console.log(`MATRIX-RESULT ${JSON.stringify({ runtime: `node ${process.versions.node}`, results })}`);
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
