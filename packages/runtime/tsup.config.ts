import { defineConfig } from "tsup";

const runtimes = ["node", "deno", "bun", "workers"] as const;

// ESM only. Each file only re-exports an adapter (a dependency, so never bundled): "index.<runtime>" is
// the uniform `.` export picked by conditions, "<runtime>" the explicit subpath with the adapter's API.
export default defineConfig({
  entry: Object.fromEntries([
    ["index.default", "src/index.default.ts"],
    ...runtimes.flatMap((name) => [
      [`index.${name}`, `src/index.${name}.ts`],
      [name, `src/${name}.ts`],
    ]),
  ]),
  format: ["esm"],
  dts: true,
  clean: true,
  target: "es2022",
  platform: "neutral",
  sourcemap: true,
});
