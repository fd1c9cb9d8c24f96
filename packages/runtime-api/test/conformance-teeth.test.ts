import { describe, expect, it } from "vitest";
import { runConformance } from "../src/conformance/index.js";
import { createFlawedRuntime, createMemoryRuntime, type DriverFlaw } from "../src/testing/index.js";

// Each deliberately broken driver must be caught by the case named for its bug. The flaws are injected
// from the test side (a wrapper around every connection), never by checks inside the driver.
const flaws: [DriverFlaw, string][] = [
  ["never-reoffer-buffered", "read: buffered input is offered again before waiting on the socket"],
  ["second-resume", "resume: synchronous resume 5,000 times, one pending resume, no re-entry"],
  ["write-after-closed", 'write: peer hangs up mid-write: one "closed", then no more writes'],
  ["drop-eof", "half-close: client sends FIN, the server's reply still arrives"],
];

describe("the conformance suite has teeth", () => {
  for (const [flaw, caseName] of flaws) {
    it(`catches a driver with the flaw "${flaw}"`, async () => {
      const results = await runConformance(createFlawedRuntime(createMemoryRuntime(), flaw), {
        only: [caseName],
        caseTimeout: 1500,
      });
      expect(results).toHaveLength(1);
      expect(results[0]?.status, results[0]?.error).toBe("fail");
    });
  }
});
