// The one import is typed under every export condition: tsc resolves "@sansio/runtime" with each
// condition (to that condition's own .d.ts) and checks fixtures/types.ts against it.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixtures, root, run } from "./support.js";

const tsc = join(root, "node_modules", "typescript", "bin", "tsc");
let dir = "";

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "sansio-runtime-types-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Type-checks fixtures/types.ts with `resolution` (compiler options); `files` lists what tsc read. */
async function check(
  name: string,
  resolution: Record<string, unknown>,
): Promise<{ code: number | null; output: string }> {
  const project = join(dir, `${name}.json`);
  const compilerOptions = {
    noEmit: true,
    strict: true,
    skipLibCheck: true,
    target: "es2022",
    types: [],
    ...resolution,
  };
  await writeFile(project, JSON.stringify({ compilerOptions, files: [join(fixtures, "types.ts")] }));
  return run(process.execPath, [tsc, "-p", project, "--listFiles"]);
}

describe("types of @sansio/runtime under each condition", () => {
  const nodenext = { module: "nodenext", moduleResolution: "nodenext" };
  const bundler = { module: "esnext", moduleResolution: "bundler" };
  const cases = [
    ["node", nodenext, "index.node.d.ts"],
    ["deno", { ...nodenext, customConditions: ["deno"] }, "index.deno.d.ts"],
    ["bun", { ...nodenext, customConditions: ["bun"] }, "index.bun.d.ts"],
    ["workerd", { ...bundler, customConditions: ["workerd", "worker", "browser"] }, "index.workers.d.ts"],
    ["none it knows", bundler, "index.default.d.ts"],
  ] as const;
  it.each(cases)("%s", async (label, resolution, file) => {
    const { code, output } = await check(label.replaceAll(" ", "-"), resolution);
    // Entry declarations read; a chunk the entries share (`surface-<hash>.d.ts`, the one typed surface) may be read too.
    const sharedChunk = /\/surface-[\w-]+\.d\.ts$/;
    const read = output
      .split("\n")
      .filter((line) => line.includes("/packages/runtime/dist/") && !sharedChunk.test(line));
    expect(read, output.slice(-4000)).toEqual([join(root, "packages", "runtime", "dist", file)]);
    expect(output.split("\n").filter((line) => line.includes("error TS"))).toEqual([]);
    expect(code).toBe(0);
  });
});
