// `npm run matrix`: the conformance suite and the protocol cases (HTTP/2 and WebSocket, protocols/) on
// every real runtime (Node 22, Node 24, Deno, Bun, workerd), each under its own binary, plus
// cross-runtime pairs (a server on one runtime, a client on another).
// Prints one table and exits non-zero on any failure, crash or missing result.
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeTestCertificates } from "../support/certs.mjs";
import { startEntry, stopEntry } from "./child.mjs";
import { matrixRuntimes } from "./runtimes.mjs";
import { renderTable } from "./table.mjs";

const RUN_LIMIT = 5 * 60_000;
const only = process.argv.slice(2).filter((a) => !a.startsWith("-"));

const work = await mkdtemp(join(tmpdir(), "sansio-matrix-"));
const tlsDir = join(work, "tls");
const unixDir = join(work, "unix");
await mkdir(unixDir);
await mkdir(tlsDir);
await writeTestCertificates(tlsDir);
const env = { SANSIO_TLS_DIR: tlsDir, SANSIO_UNIX_DIR: unixDir };

const runtimes = matrixRuntimes();
const byId = Object.fromEntries(runtimes.map((r) => [r.id, r]));
const pairs = [
  ["bun", "workerd"],
  ["deno", "workerd"],
  ["bun", "node24"],
  ["deno", "bun"],
  ["node24", "deno"],
  ["deno", "node22"],
  ["node22", "bun"],
];

async function solo(runtime) {
  const label = runtime.label;
  const started = Date.now();
  try {
    const { found } = startEntry(runtime, [], env, "MATRIX-RESULT", RUN_LIMIT);
    const { results } = await found;
    return { label, results, seconds: (Date.now() - started) / 1000 };
  } catch (error) {
    return { label, results: null, crash: error.message };
  }
}

async function pair(serverId, clientId, { stress = false } = {}) {
  const server = byId[serverId];
  const client = byId[clientId];
  const label = stress ? `${client.id} stress (${server.id} srv)` : `${server.id} srv → ${client.id}`;
  const started = Date.now();
  const serving = startEntry(server, ["--serve"], env, "MATRIX-LISTENING", 60_000);
  try {
    const { port, tlsPort, refusedPort, h2Port, wsPort } = await serving.found;
    const args = ["--peer-port", String(port), "--refused-port", String(refusedPort)];
    if (tlsPort) args.push("--peer-tls-port", String(tlsPort));
    args.push("--peer-h2-port", String(h2Port), "--peer-ws-port", String(wsPort));
    if (stress) args.push("--stress");
    const { found } = startEntry(client, args, env, "MATRIX-RESULT", RUN_LIMIT);
    const { results } = await found;
    return { label, results, seconds: (Date.now() - started) / 1000, partial: stress };
  } catch (error) {
    return { label, results: null, crash: error.message, partial: stress };
  } finally {
    await stopEntry(serving.child);
  }
}

// The stress tier (10,000 concurrent connections) runs on every runtime as a client of a server in
// another process of the same runtime (node24 for workerd, which cannot listen): in one process both
// ends would need 20,000 descriptors, and `ulimit -n` here is 20,000. `--no-stress` leaves it out.
const stressRuns = process.argv.includes("--no-stress")
  ? []
  : runtimes.map((r) => [r.canServe ? r.id : "node24", r.id]);

const columns = [];
try {
  for (const runtime of runtimes) {
    if (only.length > 0 && !only.includes(runtime.id)) continue;
    process.stderr.write(`matrix: ${runtime.label} ...`);
    const column = await solo(runtime);
    process.stderr.write(column.results ? ` ${column.seconds.toFixed(1)} s\n` : " crashed\n");
    columns.push(column);
  }
  for (const [serverId, clientId] of pairs) {
    if (only.length > 0 && !(only.includes(serverId) && only.includes(clientId))) continue;
    process.stderr.write(`matrix: ${serverId} server, ${clientId} client ...`);
    const column = await pair(serverId, clientId);
    process.stderr.write(column.results ? ` ${column.seconds.toFixed(1)} s\n` : " crashed\n");
    columns.push(column);
  }
  for (const [serverId, clientId] of stressRuns) {
    if (only.length > 0 && !only.includes(clientId)) continue;
    process.stderr.write(`matrix: ${clientId} stress tier (${serverId} server) ...`);
    const column = await pair(serverId, clientId, { stress: true });
    process.stderr.write(column.results ? ` ${column.seconds.toFixed(1)} s\n` : " crashed\n");
    columns.push(column);
  }
} finally {
  await rm(work, { recursive: true, force: true });
}

console.log(renderTable(columns));
let passed = 0;
let failed = 0;
let notApplicable = 0;
for (const column of columns) {
  if (!column.results) failed++;
  for (const r of column.results ?? []) {
    if (r.status === "pass") passed++;
    else if (r.status === "fail") failed++;
    else notApplicable++;
  }
}
console.log(
  `\nmatrix: ${passed} passed, ${failed} failed, ${notApplicable} not applicable (n.a., not counted as passed)`,
);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 || columns.length === 0 ? 1 : 0);
