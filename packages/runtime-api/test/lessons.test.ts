import { describe, expect, it } from "vitest";
import { EchoConnection, runConformance } from "../src/conformance/index.js";
import { createMemoryRuntime } from "../src/testing/index.js";

// The lessons of docs/ARCHITECTURE.md ("Lessons, each a test") that need whole connections; the driver-level ones are in driver.test.ts,
// certificate verification by default (ocaml-tls) in packages/node/test and the matrix TLS cases.
describe("lessons from Gluten's users", () => {
  // httpaf#150, httpun#34: wake-ups lost or late under load.
  it("regression httpaf#150: timer and synchronous resumes across 100 concurrent connections all land", async () => {
    const results = await runConformance(createMemoryRuntime({ readSize: "random", seed: 150 }), {
      only: ["resume:", "concurrency:"],
    });
    expect(results.map((r) => [r.name, r.status, r.error])).toEqual(results.map((r) => [r.name, "pass", undefined]));
  });

  // gluten-lwt re-entered the loop synchronously from the resume callback.
  it("regression gluten-lwt re-entry: a resume called synchronously inside yieldReader does not recurse", async () => {
    const runtime = createMemoryRuntime();
    const listener = await runtime.listen({}, () => new EchoConnection());
    let depth = 0;
    let maxDepth = 0;
    let yields = 0;
    const client = new EchoConnection();
    client.nextReadOperation = () => (yields < 10_000 ? "yield" : "close");
    client.yieldReader = (resume) => {
      depth++;
      maxDepth = Math.max(maxDepth, depth);
      yields++;
      resume();
      depth--;
    };
    const address = listener.address;
    const session = await runtime.connect({ port: address.transport === "tcp" ? address.port : 0 }, client);
    client.shutdown();
    await session.closed;
    expect(yields).toBe(10_000);
    expect(maxDepth).toBe(1);
    await listener.close();
  });
});
