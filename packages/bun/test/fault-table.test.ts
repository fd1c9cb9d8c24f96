// The fault table (docs/FAULTS.md) on Bun: the conformance fault cases, Bun as client and as peer.
import { expect, test } from "bun:test";
import { runConformance } from "@sansio/runtime-api/conformance";
import { runtime } from "../src/index.js";
import { testCertificates } from "./support.js";

test("the fault table holds on Bun", async () => {
  const { ca, cert, key } = await testCertificates();
  const tls = { server: { cert, key }, client: { ca } };
  const results = await runConformance(runtime, { only: ["fault:"], caseTimeout: 20_000, tls });
  const failures = results.filter((r) => r.status !== "pass");
  expect(failures).toEqual([]);
  expect(results.length).toBeGreaterThanOrEqual(8);
}, 120_000);
