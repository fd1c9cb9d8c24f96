// The fault table (docs/FAULTS.md) on Deno: the conformance fault cases, Deno as client and as peer.
// Two cases do not apply with a Deno peer: Deno cannot make its client see a reset first (its close()
// sends a FIN before the reset), so the reset-while-idle and reset-while-reading cases are n.a. here;
// the matrix runs them with a Deno client against Node and Bun peers.
import { runConformance } from "@sansio/runtime-api/conformance";
import { runtime } from "../src/index.ts";
import { testCertificates } from "./support.ts";

Deno.test("the fault table holds on Deno", async () => {
  const { ca, cert, key } = await testCertificates();
  const tls = { server: { cert, key }, client: { ca } };
  const results = await runConformance(runtime, { only: ["fault:"], caseTimeout: 20_000, tls });
  const failures = results.filter((r) => r.status === "fail");
  if (failures.length > 0) throw new Error(JSON.stringify(failures, null, 2));
  const skipped = results.filter((r) => r.status === "n.a.");
  const expected = (name: string): boolean => name.includes("reset while idle") || name.includes("reset while we read");
  const unexpected = skipped.filter((r) => !expected(r.name) || !r.error?.includes("Deno"));
  if (unexpected.length > 0) throw new Error(`unexpected n.a. cases: ${JSON.stringify(unexpected)}`);
  if (results.length < 8) throw new Error(`only ${results.length} fault cases ran`);
});
