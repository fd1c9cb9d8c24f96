import { describe, expect, it } from "vitest";
import { runConformance } from "../src/conformance/index.js";
import { createMemoryRuntime, type MemoryRuntimeOptions } from "../src/testing/index.js";

const plans: [string, MemoryRuntimeOptions][] = [
  ["push, whole chunks", {}],
  ["pull, whole chunks", { pull: true }],
  ["push, random read and write sizes", { readSize: "random", writeSize: "random", seed: 11 }],
  [
    "pull, random sizes, seeded delays",
    { readSize: "random", writeSize: "random", pull: true, delays: true, seed: 12 },
  ],
];

// The in-memory runtime runs the whole suite, the stress tier included (TLS cases are n.a.: it has no
// certificates to verify). Seeded random read and write sizes of 1 to 1500 bytes make the 64 MiB slow
// reader case take tens of seconds: the case limit is wider than the default.
describe.each(plans)("conformance on the in-memory runtime (%s)", (_label, plan) => {
  it("passes every case that applies", async () => {
    const results = await runConformance(createMemoryRuntime(plan), {
      unixDir: "/tmp/sansio-memory",
      caseTimeout: 60_000,
      stress: true,
    });
    const failures = results.filter((r) => r.status === "fail");
    expect(failures, JSON.stringify(failures, null, 2)).toEqual([]);
    const notApplicable = results.filter((r) => r.status === "n.a.").map((r) => r.name);
    expect(notApplicable.every((name) => name.startsWith("tls:"))).toBe(true);
    expect(results.filter((r) => r.status === "pass").length).toBeGreaterThanOrEqual(20);
    expect(results.find((r) => r.name.startsWith("stress:"))?.status).toBe("pass");
  }, 300_000);
});
