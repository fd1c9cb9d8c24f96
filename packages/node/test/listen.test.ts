import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { DEFAULT_MAX_CONNECTIONS } from "@sansio/runtime-api";
import { EchoConnection, runConformance } from "@sansio/runtime-api/conformance";
import { afterEach, describe, expect, it } from "vitest";
import { runtime } from "../src/index.js";
import { nodeReusePort } from "../src/listen.js";
import { floodPastMaxConnections, reusePortShares, tlsHandshakesHoldPlaces } from "./listen-attacks.js";
import { tempDir, testCertificates } from "./support.js";

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

describe("listen cases of the conformance suite", () => {
  it("maxConnections and reusePort pass on Node", async () => {
    const results = await runConformance(runtime, { only: ["listen:"], caseTimeout: 20_000 });
    expect(results.map((r) => r.name)).toHaveLength(2);
    for (const result of results) expect(result, result.error).toMatchObject({ status: "pass" });
  }, 60_000);
});

describe("maxConnections on Node", () => {
  it("a raw flood past the limit is ended at once; held sockets keep echoing; no descriptor leaks", async () => {
    await floodPastMaxConnections(runtime);
  }, 30_000);

  it("TLS handshakes in progress hold their place; a failed one gives it back", async () => {
    await tlsHandshakesHoldPlaces(runtime, await testCertificates());
  }, 30_000);

  it("defaults to DEFAULT_MAX_CONNECTIONS and takes Infinity", async () => {
    expect(DEFAULT_MAX_CONNECTIONS).toBe(16_384);
    const listener = await runtime.listen({ maxConnections: Number.POSITIVE_INFINITY }, () => new EchoConnection());
    await listener.close();
  });

  it.each([0, -1, 1.5, Number.NaN])("rejects maxConnections %s with RangeError", async (maxConnections) => {
    await expect(runtime.listen({ maxConnections }, () => new EchoConnection())).rejects.toThrow(RangeError);
  });
});

describe("reusePort on Node", () => {
  it("two listeners share a port; a third without reusePort is refused", async () => {
    await reusePortShares(runtime);
  });

  it("is TCP only", async () => {
    const dir = tempDir();
    cleanups.push(dir.remove);
    await expect(
      runtime.listen({ reusePort: true, path: join(dir.path, "s.sock") }, () => new EchoConnection()),
    ).rejects.toThrow(TypeError);
  });

  it("knows which Node versions have it", () => {
    expect(nodeReusePort("20.20.2")).toMatch(/22\.12/);
    expect(nodeReusePort("22.11.0")).toMatch(/22\.12/);
    expect(nodeReusePort("22.12.0")).toBe(true);
    expect(nodeReusePort("23.0.0")).toMatch(/23\.1/);
    expect(nodeReusePort("23.1.0")).toBe(true);
    expect(nodeReusePort("24.21.0")).toBe(true);
  });

  // The real binaries: the system Node (20 here), and the node22 / node@24 packages.
  const root = join(import.meta.dirname, "../../..");
  const binaries: [string, string][] = [
    ["system node", "/usr/bin/node"],
    ["node22 package", join(root, "node_modules/node22/bin/node")],
    ["node@24 package", join(root, "node_modules/.bin/node")],
  ];
  for (const [label, binary] of binaries) {
    it.skipIf(!existsSync(binary))(
      `${label}: shares the port where the version has it, else UnsupportedError`,
      async () => {
        const script = join(import.meta.dirname, "listen-reuse-port.mjs");
        const out = await new Promise<string>((resolve, reject) =>
          execFile(binary, [script], { timeout: 15_000 }, (error, stdout) => (error ? reject(error) : resolve(stdout))),
        );
        const result = JSON.parse(out) as { version: string; outcome: string };
        const expected = nodeReusePort(result.version.slice(1)) === true ? "shared" : "UnsupportedError";
        expect(result.outcome, result.version).toBe(expected);
      },
      20_000,
    );
  }
});
