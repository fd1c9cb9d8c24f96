// Matrix entry for Cloudflare Workers: `node tests/matrix/entries/workers.mjs [--peer-port N [--peer-tls-port M]]`.
// workerd is the runtime under test: this Node script bundles the test Worker (packages/workers/test/worker)
// with the built @sansio/workers (dist/, through its `workerd` export condition; src/ when not built),
// serves it in workerd on 127.0.0.1 through miniflare's public API (packages/workers/test/miniflare-worker.mjs)
// and asks the Worker to run the client side of the conformance suite against a conformance server: the
// one on --peer-port, or (without it) a @sansio/node one started here.
// Then a second Worker (../protocols/worker.mjs) runs the protocol cases (our HTTP/2 and WebSocket
// clients) against the protocol servers on --peer-h2-port / --peer-ws-port, or @sansio/node ones started here.
// --stress runs only the stress tier, in a third Worker (../stress-worker.mjs).
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { startWorker } from "../../../packages/workers/test/miniflare-worker.mjs";
import {
  conformanceRequest,
  refusedPort,
  startConformancePeer,
  startTestWorker,
} from "../../../packages/workers/test/workerd-harness.mjs";

const here = dirname(fileURLToPath(import.meta.url));

/** The test certificates from SANSIO_TLS_DIR, as conformance TLS options (undefined without it). */
async function certificates() {
  const dir = process.env.SANSIO_TLS_DIR;
  if (!dir) return undefined;
  const [ca, cert, key] = await Promise.all(
    ["ca.pem", "cert.pem", "key.pem"].map((name) => readFile(join(dir, name), "utf8")),
  );
  return { server: { cert, key }, client: { ca } };
}

function portArgument(args, flag) {
  const at = args.indexOf(flag);
  if (at < 0) return undefined;
  const port = Number(args[at + 1]);
  if (!(Number.isInteger(port) && port > 0 && port < 65536)) throw new Error(`bad ${flag} ${args[at + 1]}`);
  return port;
}

/**
 * The protocol cases run by a Worker (../protocols/worker.mjs) in its own workerd (miniflare), against the servers
 * on --peer-h2-port / --peer-ws-port, or against @sansio/node ones started here.
 */
async function protocolResults(args) {
  const h2Port = portArgument(args, "--peer-h2-port");
  const wsPort = portArgument(args, "--peer-ws-port");
  let own;
  if (h2Port === undefined || wsPort === undefined) {
    const { runtime } = await import("@sansio/node");
    const { serveProtocols } = await import("../protocols/serve.mjs");
    own = await serveProtocols(runtime);
  }
  const peer = { hostname: "127.0.0.1", h2Port: own?.h2Port ?? h2Port, wsPort: own?.wsPort ?? wsPort };
  const protocols = await startWorker({ entry: join(here, "..", "protocols", "worker.mjs") });
  try {
    return await protocols.post("/", peer);
  } finally {
    await protocols.stop();
    await own?.close();
  }
}

const args = process.argv.slice(2);
if (args.includes("--serve")) {
  // Workers cannot accept TCP connections: there is no server half to offer.
  console.log(
    `MATRIX-UNSUPPORTED ${JSON.stringify({ runtime: "workers", reason: "Workers cannot accept TCP connections (listen is UnsupportedError)" })}`,
  );
  process.exit(0);
}

/**
 * --stress: only the stress tier (10,000 concurrent connections from one Worker request), run by its
 * own Worker (../stress-worker.mjs) against the conformance server on --peer-port, or a @sansio/node
 * one started here.
 */
/**
 * How many connections workerd's stress tier opens: 10,000, or fewer where the descriptor limit cannot
 * hold them. workerd holds two descriptors per outbound socket (measured: 10,000 connections take its
 * process to 20,000), and an unprivileged process cannot raise its hard limit, so under the common
 * 20,000 limit 10,000 would fail at the last few connections; the table's measured line shows the count.
 */
function workerdStressConnections() {
  const hard = Number(execFileSync("/bin/sh", ["-c", "ulimit -Hn"], { encoding: "utf8" }).trim());
  if (!Number.isFinite(hard)) return undefined; // "unlimited": the suite's 10,000
  return Math.min(10_000, Math.floor((hard - 1_000) / 2));
}

async function stressResults() {
  const port = portArgument(args, "--peer-port");
  const own = port === undefined ? await startConformancePeer(undefined) : undefined;
  const worker = await startWorker({ entry: join(here, "..", "stress-worker.mjs") });
  try {
    const connections = Number(process.env.SANSIO_STRESS_CONNECTIONS) || workerdStressConnections();
    return await worker.post("/", { hostname: "127.0.0.1", port: own?.port ?? port, connections });
  } finally {
    await worker.stop();
    await own?.close();
  }
}

if (args.includes("--stress")) {
  const results = await stressResults();
  console.log(`MATRIX-RESULT ${JSON.stringify({ runtime: "workerd", results })}`);
  process.exit(0);
}

const tls = await certificates();
const peerPort = portArgument(args, "--peer-port");
const from = existsSync(join(here, "../../../packages/workers/dist/index.js")) ? "dist" : "src";
if (from === "src") console.error("workers entry: packages/workers/dist is not built; bundling from src/");

const ownPeer = peerPort === undefined ? await startConformancePeer(tls) : undefined;
const peer = ownPeer ?? {
  port: peerPort,
  tlsPort: portArgument(args, "--peer-tls-port"),
  // A closed port on this machine, for the refused-connect case.
  refusedPort: await refusedPort(),
};
const worker = await startTestWorker({ ca: tls?.client.ca, from });
const stop = async () => {
  await worker.stop();
  await ownPeer?.close();
};
process.once("SIGTERM", () => void stop().then(() => process.exit(1)));
let results;
try {
  results = await worker.post("/conformance", conformanceRequest(peer, tls));
} finally {
  await stop();
}
results.push(...(await protocolResults(args)));
console.log(`MATRIX-RESULT ${JSON.stringify({ runtime: worker.version, results })}`);
process.exit(0);
