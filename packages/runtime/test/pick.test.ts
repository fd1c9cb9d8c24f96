// `import { runtime } from "@sansio/runtime"` picks the adapter of the runtime it runs on, by export
// conditions: checked on the real binaries (Node 24 and 22, Deno, Bun) and in workerd, from a bundle made
// the way wrangler makes one (esbuild, conditions workerd/worker/browser, cloudflare:* external). Each
// time the picked object is the adapter's own `runtime` and carries an echo over 127.0.0.1.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { runtime as nodeRuntime } from "@sansio/node";
import { runtime } from "@sansio/runtime";
import { UnsupportedError } from "@sansio/runtime-api";
import { EchoConnection } from "@sansio/runtime-api/conformance";
import { describe, expect, it } from "vitest";
import { bundleWorkerCode } from "../../workers/test/bundle-worker.mjs";
import { type RunningWorker, startWorker } from "../../workers/test/miniflare-worker.mjs";
import { fixtures, root, run, tagged } from "./support.js";

const bin = (name: string) => join(root, "node_modules", ".bin", name);
const PICKED = { sameObject: true, echoed: "one import" };

it("runs against the built packages (npm run build)", () => {
  for (const file of ["runtime/dist/index.node.js", "node/dist/index.js", "deno/dist/index.js", "bun/dist/index.js"]) {
    expect(existsSync(join(root, "packages", file)), `packages/${file} is missing: build first`).toBe(true);
  }
});

describe("on Node", () => {
  it("in this process (vitest on Node 24): the Node adapter", () => {
    expect(runtime.name).toBe("node");
    expect(runtime).toBe(nodeRuntime);
  });

  for (const [label, node] of [
    ["Node 24", bin("node")],
    ["Node 22", join(root, "node_modules", "node22", "bin", "node")],
  ] as const) {
    it(`${label}: the Node adapter, and no other adapter is loaded`, async () => {
      const { code, output } = await run(node, [
        "--import",
        join(fixtures, "record-loads.mjs"),
        join(fixtures, "pick.mjs"),
      ]);
      expect(code, output).toBe(0);
      expect(tagged(output, "PICK")).toEqual({ name: "node", ...PICKED });
      const loaded = tagged(output, "LOADED") as string[];
      expect(loaded).toEqual(expect.arrayContaining(["@sansio/runtime", "@sansio/node"]));
      for (const other of ["@sansio/workers", "@sansio/deno", "@sansio/bun"]) expect(loaded).not.toContain(other);
    });
  }
});

it("on Deno: the Deno adapter", async () => {
  const { code, output } = await run(bin("deno"), ["run", "-A", join(fixtures, "pick.mjs")]);
  expect(code, output).toBe(0);
  expect(tagged(output, "PICK")).toEqual({ name: "deno", ...PICKED });
});

it("on Bun: the Bun adapter", async () => {
  const { code, output } = await run(bin("bun"), [join(fixtures, "pick.mjs")]);
  expect(code, output).toBe(0);
  expect(tagged(output, "PICK")).toEqual({ name: "bun", ...PICKED });
});

it("under no condition it knows: a runtime whose listen and connect reject with UnsupportedError", async () => {
  const { runtime: none } = await import(join(root, "packages", "runtime", "dist", "index.default.js"));
  const address = { hostname: "127.0.0.1", port: 1 };
  await expect(none.listen(address, () => new EchoConnection())).rejects.toThrow(UnsupportedError);
  await expect(none.connect(address, new EchoConnection())).rejects.toThrow(/none of them matched/);
});

describe("in a bundle for Workers, run in workerd", () => {
  it("is small: what the one import adds to a Worker (size printed)", async () => {
    const code = await bundleWorkerCode(join(fixtures, "one-import.mjs"));
    const minified = await bundleWorkerCode(join(fixtures, "one-import.mjs"), { minify: true });
    // esbuild names every bundled file in a comment: only the Workers adapter and runtime-api are in.
    const bundled = [...code.matchAll(/^\/\/ (.+)$/gm)].map((match) => match[1]);
    expect(bundled.some((file) => file?.includes("packages/workers/"))).toBe(true);
    for (const other of ["node", "deno", "bun"]) {
      expect(bundled.filter((file) => file?.includes(`packages/${other}/`))).toEqual([]);
    }
    expect(code).not.toMatch(/from\s*"node:/);
    const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
    console.log(
      `@sansio/runtime Workers bundle (a Worker that imports only { runtime }): ${kib(code.length)}, ` +
        `${kib(gzipSync(code).length)} gzipped; minified ${kib(minified.length)}, ${kib(gzipSync(minified).length)} gzipped`,
    );
  });

  it("the Workers adapter: connects out, and listen is UnsupportedError", async () => {
    const listener = await nodeRuntime.listen({ hostname: "127.0.0.1", port: 0 }, () => new EchoConnection());
    let worker: RunningWorker | undefined;
    try {
      if (listener.address.transport !== "tcp") throw new Error("expected a TCP listener");
      worker = await startWorker({ code: await bundleWorkerCode(join(fixtures, "worker.mjs")) });
      const result = await worker.post("/", { port: listener.address.port }, 30_000);
      expect(result).toEqual({ name: "workers", ...PICKED, listen: "UnsupportedError" });
    } finally {
      await worker?.stop();
      await listener.close({ timeout: 1000 });
    }
  }, 60_000);
});
