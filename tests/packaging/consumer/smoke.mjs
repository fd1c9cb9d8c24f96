// Runs inside a scratch project OUTSIDE the workspace that installed the packed tarballs, under one
// runtime (Node 24/22/20, Deno or Bun): `<runtime> smoke.mjs <adapter>`. It imports every published
// entry point as a user would, checks that each class exists once (one @sansio/runtime-api, whatever
// imports it), that @sansio/workers loads outside workerd and its `connect` rejects with
// UnsupportedError, and drives a real loopback exchange (echo, then HTTP/1.1 answered to fetch())
// through the adapter for this runtime. Prints one `SMOKE-OK` line, or throws.

import * as http1 from "@sansio/http1";
import * as http2 from "@sansio/http2";
import * as api from "@sansio/runtime-api";
import * as adapterKit from "@sansio/runtime-api/adapter";
import * as conformance from "@sansio/runtime-api/conformance";
import * as testing from "@sansio/runtime-api/testing";
import * as websocket from "@sansio/websocket";
import * as workers from "@sansio/workers";

const adapterName = process.argv[2];
if (!["node", "deno", "bun"].includes(adapterName))
  throw new Error(`usage: smoke.mjs node|deno|bun, got ${adapterName}`);
const { runtime } = await import(`@sansio/${adapterName}`);
const withOneImport = process.argv.includes("--one-import");

function check(condition, what) {
  if (!condition) throw new Error(`smoke: ${what}`);
}

/** Rejects after `ms` so nothing here can hang the packaging check. */
function within(ms, promise, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`smoke: ${what} took over ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

// Every entry point loads and exports what its README promises.
check(typeof api.UpgradableConnection === "function" && typeof api.OutputQueue === "function", "runtime-api exports");
check(
  typeof adapterKit.Driver === "function" && typeof adapterKit.ListenerCore === "function",
  "runtime-api/adapter exports",
);
check(typeof testing.createMemoryRuntime === "function", "runtime-api/testing exports");
check(typeof conformance.runConformance === "function", "runtime-api/conformance exports");
check(typeof http1.http1Server === "function", "http1 exports");
check(typeof http2.http2Server === "function", "http2 exports");
check(typeof websocket === "object" && Object.keys(websocket).length > 0, "websocket exports");
check(runtime.name === adapterName, `@sansio/${adapterName} runtime.name is ${runtime.name}`);

// One copy of each class: the adapters' errors are the runtime-api classes the user imports.
const outside = await workers.runtime
  .connect({ hostname: "127.0.0.1", port: 9 }, new conformance.EchoConnection())
  .then(
    () => undefined,
    (error) => error,
  );
check(outside instanceof api.UnsupportedError, `@sansio/workers connect outside workerd: ${outside}`);
check(outside instanceof api.SansioError, "UnsupportedError is a SansioError");
check(/outside Cloudflare Workers/.test(outside.message), `the error says why: ${outside.message}`);
const noListen = await workers.runtime
  .listen({ port: 0 }, () => new conformance.EchoConnection())
  .then(
    () => undefined,
    (error) => error,
  );
check(noListen instanceof api.UnsupportedError, `@sansio/workers listen: ${noListen}`);
check(typeof workers.drive === "function" && workers.runtime.name === "workers", "@sansio/workers exports");

// require() of the ESM build gives the same module instance on Node (>= 20.19 and 22.12 require ESM).
let required = "n/a";
if (typeof process.versions.bun === "undefined" && typeof globalThis.Deno === "undefined") {
  const { createRequire } = await import("node:module");
  const require = createRequire(import.meta.url);
  check(require("@sansio/runtime-api").SansioError === api.SansioError, "require() and import share SansioError");
  required = "same instance";
}

// A real loopback echo through this runtime's adapter.
const listener = await runtime.listen({ hostname: "127.0.0.1", port: 0 }, () => new conformance.EchoConnection());
try {
  const { port } = listener.address;
  const payload = new TextEncoder().encode("hello from the packed tarballs\n");
  const client = new conformance.SendAndCollect(payload);
  const session = await runtime.connect({ hostname: "127.0.0.1", port }, client);
  const reply = await within(10_000, client.done, "echo");
  check(new TextDecoder().decode(reply) === "hello from the packed tarballs\n", "echo reply");
  await within(10_000, session.closed, "echo session close");
} finally {
  await listener.close({ timeout: 1_000 });
}

// HTTP/1.1 from the packed @sansio/http1, answered to the runtime's own fetch().
const server = await runtime.listen(
  { hostname: "127.0.0.1", port: 0 },
  http1.http1Server((request, response) => {
    response.respond(200, { "Content-Type": "text/plain", Connection: "close" }, `packed ${request.target}\n`);
  }),
);
try {
  const response = await within(10_000, fetch(`http://127.0.0.1:${server.address.port}/smoke`), "fetch");
  check(response.status === 200, `fetch status ${response.status}`);
  check((await response.text()) === "packed /smoke\n", "fetch body");
} finally {
  await server.close({ timeout: 1_000 });
}

// The one import (@sansio/runtime) picks this runtime's adapter by export conditions.
let oneImport = "not packed";
if (withOneImport) {
  const picked = await import("@sansio/runtime");
  check(picked.runtime.name === adapterName, `@sansio/runtime picked ${picked.runtime.name} on ${adapterName}`);
  oneImport = `picks ${picked.runtime.name}`;
}

const version = process.versions.bun
  ? `bun ${process.versions.bun}`
  : globalThis.Deno
    ? `deno ${globalThis.Deno.version.deno}`
    : `node ${process.versions.node}`;
console.log(
  `SMOKE-OK ${version}: imports, one class per module, workers outside workerd, echo, http1 + fetch, require: ${required}, @sansio/runtime: ${oneImport}`,
);
