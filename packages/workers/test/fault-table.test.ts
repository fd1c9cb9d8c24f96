// The fault table (docs/FAULTS.md) inside workerd: the conformance fault cases, client side in the
// Worker, against a @sansio/node conformance peer. Workers cannot listen, so the peer is remote.
import type { CaseResult } from "@sansio/runtime-api/conformance";
import { afterAll, beforeAll, expect, it } from "vitest";
import { generateTestCertificates } from "../../../tests/support/certs.mjs";
import { conformanceRequest, startConformancePeer, startTestWorker } from "./workerd-harness.mjs";

let worker: Awaited<ReturnType<typeof startTestWorker>> | undefined;
let peer: Awaited<ReturnType<typeof startConformancePeer>> | undefined;
let tls: { server: { cert: string; key: string }; client: { ca: string } };

beforeAll(async () => {
  const certificates = await generateTestCertificates();
  tls = { server: { cert: certificates.cert, key: certificates.key }, client: { ca: certificates.ca } };
  peer = await startConformancePeer(tls);
  worker = await startTestWorker({ ca: certificates.ca });
}, 120_000);

afterAll(async () => {
  await worker?.stop();
  await peer?.close();
});

it("the fault table holds inside workerd", async () => {
  if (!worker || !peer) throw new Error("setup failed");
  const results: CaseResult[] = await worker.post(
    "/conformance",
    conformanceRequest(peer, tls, { only: ["fault:"] }),
    120_000,
  );
  // The TLS refusal case cannot run here: the global outbound does not reach loopback, workerd does not
  // say why it refused a handshake, and the plain-text server would have to be in this Worker.
  const problems = results.filter(
    (r) => r.status !== "pass" && !(r.status === "n.a." && r.name.includes("handshake refusals")),
  );
  expect(problems, JSON.stringify(problems, null, 2)).toEqual([]);
  expect(results.length).toBeGreaterThanOrEqual(8);
}, 180_000);
