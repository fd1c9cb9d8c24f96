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

/** The build every @sansio package uses: ESM (.js) + CJS (.cjs) + declarations (.d.ts / .d.cts), ES2022, sourcemaps. */
export function packageConfig(build: PackageBuild): ReturnType<typeof defineConfig> {
  return defineConfig({
    entry: { ...build.entry },
    format: ["esm", "cjs"],
    dts: true,
    clean: true,
    target: "es2022",
    sourcemap: true,
    ...(build.platform ? { platform: build.platform } : {}),
    ...(build.external ? { external: [...build.external] } : {}),
    ...(build.splitting ? { splitting: true } : {}),
  });
}
