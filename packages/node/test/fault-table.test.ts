// The fault table (docs/FAULTS.md) on Node: the conformance fault cases with a Node peer, and the
// memory runtime beside it, so the two are seen to agree.
import { runtime } from "@sansio/node";
import { runConformance } from "@sansio/runtime-api/conformance";
import { createMemoryRuntime } from "@sansio/runtime-api/testing";
import { describe, expect, it } from "vitest";

describe("the fault table", () => {
  it.each([
    ["node", runtime],
    ["memory (push)", createMemoryRuntime({ seed: 14 })],
    [
      "memory (pull, random sizes)",
      createMemoryRuntime({ pull: true, readSize: "random", writeSize: "random", seed: 15 }),
    ],
  ])(
    "holds on %s",
    async (_label, subject) => {
      const results = await runConformance(subject, { only: ["fault:"], caseTimeout: 20_000 });
      const failures = results.filter((r) => r.status !== "pass");
      expect(failures, JSON.stringify(failures, null, 2)).toEqual([]);
      expect(results.length).toBeGreaterThanOrEqual(7);
    },
    120_000,
  );
});
