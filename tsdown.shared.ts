import { defineConfig, type UserConfig } from "tsdown";

/** What differs between the packages' builds. */
export interface PackageBuild {
  /** Output name → source entry, e.g. `{ index: "src/index.ts" }`: dist/<name>.js and dist/<name>.d.ts. */
  readonly entry: Readonly<Record<string, string>>;
  /** Imports never bundled (dependencies and peerDependencies in package.json are external already). */
  readonly external?: readonly string[];
  /** "node" for packages that import node: modules, "neutral" for Workers. Default "node". */
  readonly platform?: "node" | "neutral";
}

/**
 * The build every @sansio package uses (tsdown): ESM only (.js) + declarations (.d.ts), ES2022,
 * source maps with the sources inside. Entries share code through chunks, so each class exists once.
 * No CommonJS: every supported runtime loads ESM (Node >= 20.19 also `require()`s it), and a dual
 * build would give CommonJS and ESM users two copies of every class (`instanceof` fails across them).
 */
export function packageConfig(build: PackageBuild): UserConfig {
  return defineConfig({
    entry: { ...build.entry },
    format: "esm",
    // dist/<name>.js and .d.ts, the names package.json's exports point at ("type": "module").
    fixedExtension: false,
    dts: true,
    clean: true,
    target: "es2022",
    sourcemap: true,
    platform: build.platform ?? "node",
    // JSDoc lives in the .d.ts files; the JavaScript keeps only legal and annotation comments.
    outputOptions: { comments: { legal: true, annotation: true, jsdoc: false } },
    ...(build.external ? { deps: { neverBundle: [...build.external] } } : {}),
    // Where the build goes: dist, unless TSDOWN_OUT says otherwise (to compare builds side by side).
    outDir: process.env.TSDOWN_OUT ?? "dist",
  });
}
