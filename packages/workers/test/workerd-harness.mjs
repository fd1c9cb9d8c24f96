// Runs the test Worker (test/worker/main.ts) in a real workerd, for vitest and the cross-runtime matrix,
// through miniflare (miniflare-worker.mjs); starts the peers it connects to.
import { existsSync } from "node:fs";
import net from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { loopbackNetwork, startWorker } from "./miniflare-worker.mjs";

export { COMPATIBILITY_DATE, workerdBinary, workerdVersion } from "./workerd-binary.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const packageDir = join(here, "..");
const entry = join(here, "worker", "main.ts");

/**
 * How the bundle resolves `@sansio/workers`: `"src"`, from its TypeScript sources; `"dist"`, the built
 * package through its `workerd` export condition, as an application bundle would.
 */
function aliasFor(from) {
  if (from === "dist" && !existsSync(join(packageDir, "dist", "index.js"))) {
    throw new Error("packages/workers/dist is missing: build it first (npm run build -w @sansio/workers)");
  }
  return from === "src" ? { "@sansio/workers": join(packageDir, "src", "index.ts") } : {};
}

/**
 * Bundles the test Worker and serves it with miniflare on 127.0.0.1. Its global outbound (miniflare's)
 * trusts only the public CAs; the TEST_CA binding is a loopback network that trusts `ca`, the PEM of the
 * test CA (without it, no extra CA). `from`: `"src"` or `"dist"` (see `aliasFor`). Returns
 * `post(path, body)`, `version` and `stop()` (see `startWorker` in miniflare-worker.mjs).
 */
export async function startTestWorker({ ca, from = "src" }) {
  return startWorker({
    entry,
    alias: aliasFor(from),
    env: { TEST_CA: ca ? loopbackNetwork([ca]) : loopbackNetwork() },
  });
}

/** A TCP port on 127.0.0.1 where nothing listens (bound, then closed). */
export async function refusedPort() {
  const server = net.createServer();
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * Starts `serveConformance` servers with @sansio/node (its built dist): plain (offering STARTTLS when
 * `tls` is given) and, with `tls`, a TLS one; plus a refused port. `tls` = { server: { cert, key }, client: { ca } }.
 */
export async function startConformancePeer(tls) {
  const { runtime } = await import("@sansio/node");
  const { serveConformance } = await import("@sansio/runtime-api/conformance");
  const plain = await serveConformance(
    runtime,
    { hostname: "127.0.0.1", port: 0 },
    tls ? { startTls: { isServer: true, ...tls.server } } : {},
  );
  const secure = tls ? await serveConformance(runtime, { hostname: "127.0.0.1", port: 0, tls: tls.server }) : undefined;
  const portOf = (listener) => {
    const address = listener.address;
    if (address.transport !== "tcp") throw new Error("expected a TCP listener");
    return address.port;
  };
  return {
    port: portOf(plain),
    tlsPort: secure ? portOf(secure) : undefined,
    refusedPort: await refusedPort(),
    async close() {
      await Promise.all([plain.close({ timeout: 500 }), secure?.close({ timeout: 500 })]);
    },
  };
}

/** The body of a POST /conformance for a peer `{ port, tlsPort?, refusedPort? }` and the test certificates. */
export function conformanceRequest(peer, tls, extra = {}) {
  return {
    address: { hostname: "127.0.0.1", port: peer.port },
    ...(peer.tlsPort !== undefined ? { tlsPort: peer.tlsPort } : {}),
    ...(peer.refusedPort !== undefined ? { refusedPort: peer.refusedPort } : {}),
    ...(tls ? { tls } : {}),
    ...extra,
  };
}
