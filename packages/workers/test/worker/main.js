// The test Worker: runs the conformance suite (client side) and the Worker's own cases against peers
// the Node test process started, and answers with the results as JSON. Bundled by test/workerd-harness.mjs.
import { connect } from "cloudflare:sockets";
import { runConformance } from "@sansio/runtime-api/conformance";
import { createRuntime, runtime } from "@sansio/workers";
import { workerCases } from "./cases.js";
import { runCases } from "./support.js";

/**
 * Workers cannot take a CA per connection: trust belongs to the network service a socket goes through.
 * This runtime gives the test CA its meaning: `tls: true` (public roots only) goes through the global
 * outbound, every other socket through the TEST_CA service, which trusts the test CA.
 */
function trustingRuntime(env) {
  return createRuntime({
    connect: (address, options, connectOptions) =>
      connectOptions.tls === true ? connect(address, options) : env.TEST_CA.connect(address, options),
  });
}
async function conformance(body, env) {
  const tcp = (port) => ({ transport: "tcp", hostname: body.address.hostname, port });
  return runConformance(trustingRuntime(env), {
    peer: {
      address: tcp(body.address.port),
      ...(body.tlsPort !== undefined ? { tlsAddress: tcp(body.tlsPort) } : {}),
      ...(body.refusedPort !== undefined ? { refusedPort: body.refusedPort } : {}),
      ...(body.tls ? { tls: body.tls.client } : {}),
    },
    ...(body.tls ? { tls: body.tls } : {}),
    ...(body.only ? { only: body.only } : {}),
    ...(body.caseTimeout ? { caseTimeout: body.caseTimeout } : {}),
  });
}
async function cases(body, env) {
  const list = workerCases({ ports: body.ports, runtime, trusting: trustingRuntime(env), clientTls: { ca: body.ca } });
  return runCases(list, body.caseTimeout ?? 20_000, body.only);
}
export default {
  async fetch(request, env) {
    const path = new URL(request.url).pathname;
    if (request.method !== "POST") return new Response("POST /conformance or /cases\n", { status: 405 });
    try {
      if (path === "/conformance") return Response.json(await conformance(await request.json(), env));
      if (path === "/cases") return Response.json(await cases(await request.json(), env));
      return new Response("not found\n", { status: 404 });
    } catch (error) {
      const text = error instanceof Error ? `${error.name}: ${error.message}\n${error.stack ?? ""}` : String(error);
      return new Response(text, { status: 500 });
    }
  },
};
