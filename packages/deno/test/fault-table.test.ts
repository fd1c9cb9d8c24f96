// The fault table (docs/FAULTS.md) on Deno: the conformance fault cases, Deno as client and as peer.
// One case does not apply with a Deno peer: Deno cannot send a reset (its close() sends a FIN).
import { runConformance } from "@sansio/runtime-api/conformance";
import { runtime } from "../src/index.ts";
import { testCertificates } from "./support.ts";

Deno.test("the fault table holds on Deno", async () => {
  const { ca, cert, key } = await testCertificates();
  const tls = { server: { cert, key }, client: { ca } };
  const results = await runConformance(runtime, { only: ["fault:"], caseTimeout: 20_000, tls });
  const failures = results.filter((r) => r.status === "fail");
  if (failures.length > 0) throw new Error(JSON.stringify(failures, null, 2));
  const skipped = results.filter((r) => r.status === "n.a.").map((r) => r.name);
  if (skipped.length !== 1 || !skipped[0]?.includes("reset while idle")) {
    throw new Error(`unexpected n.a. cases: ${JSON.stringify(skipped)}`);
  }
  if (results.length < 9) throw new Error(`only ${results.length} fault cases ran`);
});
