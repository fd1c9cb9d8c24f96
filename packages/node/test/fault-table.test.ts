// The fault table (docs/FAULTS.md) on Node: the conformance fault cases with a Node peer, and the
// memory runtime beside it, so the two are seen to agree.
import { runtime } from "@sansio/node";
import type { Runtime } from "@sansio/runtime-api";
import { runConformance } from "@sansio/runtime-api/conformance";
import { createMemoryRuntime } from "@sansio/runtime-api/testing";
import { describe, expect, it } from "vitest";
import { testCertificates } from "./support.js";

const subjects: [string, Runtime, boolean][] = [
  ["node", runtime, true],
  ["memory (push)", createMemoryRuntime({ seed: 14 }), false],
  [
    "memory (pull, random sizes)",
    createMemoryRuntime({ pull: true, readSize: "random", writeSize: "random", seed: 15 }),
    false,
  ],
];

describe("the fault table", () => {
  it.each(subjects)(
    "holds on %s",
    async (_label, subject, hasTls) => {
      const { ca, cert, key } = await testCertificates();
      const tls = hasTls ? { server: { cert, key }, client: { ca } } : undefined;
      const results = await runConformance(subject, { only: ["fault:"], caseTimeout: 20_000, tls });
      // The memory runtime has no TLS: its TLS case is n.a.; every other case passes everywhere.
      const failures = results.filter((r) => r.status !== "pass" && (hasTls || !r.name.startsWith("tls:")));
      expect(failures, JSON.stringify(failures, null, 2)).toEqual([]);
      expect(results.length).toBeGreaterThanOrEqual(8);
    },
    120_000,
  );
});
