import { defineConfig, type Options } from "tsup";

/** What differs between the packages' builds. */
export interface PackageBuild {
  /** Output name → source entry, e.g. `{ index: "src/index.ts" }`. */
  readonly entry: Readonly<Record<string, string>>;
  /** Imports never bundled (dependencies in package.json are external already). */
  readonly external?: readonly string[];
  /** tsup's platform: "node" for Node-only packages, "neutral" for Workers. Default: tsup's ("node"). */
  readonly platform?: Options["platform"];
  /** Share code between entries through chunks. Default false. */
  readonly splitting?: boolean;
}

/**
 * The build every @sansio package uses: ESM only (.js) + declarations (.d.ts), ES2022, sourcemaps.
 * No CommonJS: every supported runtime loads ESM (Node >= 20.19 also `require()`s it), and a dual
 * build would give CommonJS and ESM users two copies of every class (`instanceof` fails across them).
 */
export function packageConfig(build: PackageBuild): ReturnType<typeof defineConfig> {
  return defineConfig({
    entry: { ...build.entry },
    format: ["esm"],
    dts: true,
    clean: true,
    target: "es2022",
    sourcemap: true,
    ...(build.platform ? { platform: build.platform } : {}),
    ...(build.external ? { external: [...build.external] } : {}),
    ...(build.splitting ? { splitting: true } : {}),
  });
}
