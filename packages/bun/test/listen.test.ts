import { describe, expect, test } from "bun:test";
import { EchoConnection, runConformance } from "@sansio/runtime-api/conformance";
import { floodPastMaxConnections, reusePortShares, tlsHandshakesHoldPlaces } from "../../node/test/listen-attacks.js";
import { runtime } from "../src/index.js";
import { bunReusePort } from "../src/listen.js";
import { testCertificates } from "./support.js";

describe("listen cases of the conformance suite", () => {
  test("maxConnections and reusePort pass on Bun", async () => {
    const results = await runConformance(runtime, { only: ["listen:"], caseTimeout: 20_000 });
    expect(results).toHaveLength(2);
    for (const result of results) expect(result.status, `${result.name}: ${result.error}`).toBe("pass");
  }, 60_000);
});

describe("maxConnections on Bun", () => {
  test("a raw flood past the limit is ended at once; held sockets keep echoing; no descriptor leaks", async () => {
    await floodPastMaxConnections(runtime);
  }, 30_000);

  test("TLS handshakes in progress hold their place; a failed one gives it back", async () => {
    await tlsHandshakesHoldPlaces(runtime, await testCertificates());
  }, 30_000);

  test("rejects a maxConnections that is not a positive integer or Infinity", async () => {
    for (const maxConnections of [0, -1, 1.5, Number.NaN]) {
      await expect(runtime.listen({ maxConnections }, () => new EchoConnection())).rejects.toThrow(RangeError);
    }
    const unlimited = await runtime.listen({ maxConnections: Number.POSITIVE_INFINITY }, () => new EchoConnection());
    await unlimited.close();
  });
});

describe("reusePort on Bun", () => {
  test("two listeners share a port; a third without reusePort is refused", async () => {
    await reusePortShares(runtime);
  });

  test("is Linux only and TCP only", async () => {
    expect(bunReusePort("linux")).toBe(true);
    expect(bunReusePort("darwin")).toMatch(/only on Linux/);
    await expect(
      runtime.listen({ reusePort: true, path: "/tmp/sansio-bun-reuse.sock" }, () => new EchoConnection()),
    ).rejects.toThrow(TypeError);
  });
});
