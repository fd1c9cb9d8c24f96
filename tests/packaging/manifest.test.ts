// manifestProblems on a publishable manifest, then on one broken field at a time: each must be named.
import { describe, expect, it } from "vitest";
import { manifestProblems, NODE_ENGINES, REPOSITORY } from "./manifest.mjs";

const good = {
  name: "@sansio/http2",
  version: "0.1.0",
  license: "MIT",
  repository: { type: "git", url: `git+${REPOSITORY}.git`, directory: "packages/http2" },
  homepage: `${REPOSITORY}/tree/main/packages/http2#readme`,
  bugs: { url: `${REPOSITORY}/issues` },
  type: "module",
  sideEffects: false,
  files: ["dist"],
  exports: { ".": { types: "./dist/index.d.ts", default: "./dist/index.js" }, "./package.json": "./package.json" },
  scripts: { build: "tsdown", prepack: "npm run build" },
  engines: { node: NODE_ENGINES },
  dependencies: { "@sansio/http1": "^0.1.0" },
  peerDependencies: { "@sansio/runtime-api": "^0.1.0" },
  publishConfig: { access: "public" },
};
const jsr = { name: "@sansio/http2", version: "0.1.0", license: "MIT", exports: "./src/index.ts" };
const check = (manifest: object, jsrConfig: object | undefined) =>
  manifestProblems({ manifest, jsr: jsrConfig, dir: "http2", version: "0.1.0" });

describe("manifestProblems", () => {
  it("finds nothing wrong with a publishable manifest", () => {
    expect(check(good, jsr)).toEqual([]);
  });

  const broken: [string, object, string][] = [
    [
      "a CommonJS require condition",
      { exports: { ".": { require: "./dist/index.cjs", default: "./dist/index.js" } } },
      "require",
    ],
    ["a main field", { main: "./dist/index.cjs" }, '"main" is set'],
    ["src shipped beside dist", { files: ["dist", "src"] }, "ships src"],
    ["no prepack build", { scripts: { build: "tsdown" } }, "prepack"],
    [
      "runtime-api as a dependency",
      { dependencies: { "@sansio/runtime-api": "^0.1.0" }, peerDependencies: {} },
      "must be a peerDependency",
    ],
    ["an exact internal version", { dependencies: { "@sansio/http1": "0.1.0" } }, 'expected "^0.1.0"'],
    ["a version apart from the others", { version: "0.2.0" }, "versioned together"],
    ["Node 22 only", { engines: { node: ">=22" } }, "engines.node"],
    ["no repository directory", { repository: { url: `git+${REPOSITORY}.git` } }, '"repository"'],
    ["no public access", { publishConfig: undefined }, "publishConfig"],
    ["side effects", { sideEffects: undefined }, "sideEffects"],
  ];
  for (const [what, change, message] of broken) {
    it(`names ${what}`, () => {
      const problems = check({ ...good, ...change }, jsr);
      expect(
        problems.some((p) => p.includes(message)),
        problems.join("\n"),
      ).toBe(true);
    });
  }

  it("names a JSR config that drifted from package.json", () => {
    expect(check(good, { ...jsr, version: "0.0.9" }).join()).toContain("JSR version 0.0.9");
    expect(check(good, { ...jsr, exports: { ".": "./src/index.ts", "./extra": "./src/extra.ts" } }).join()).toContain(
      "JSR exports",
    );
    expect(check(good, undefined).join()).toContain("no JSR config");
  });
});
