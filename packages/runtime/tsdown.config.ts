import { packageConfig } from "../../tsdown.shared.ts";

const runtimes = ["node", "deno", "bun", "workers"] as const;

// Each file only re-exports an adapter (a dependency, so never bundled): "index.<runtime>" is the
// uniform `.` export picked by conditions, "<runtime>" the explicit subpath with the adapter's API.
export default packageConfig({
  entry: Object.fromEntries([
    ["index.default", "src/index.default.ts"],
    ...runtimes.flatMap((name) => [
      [`index.${name}`, `src/index.${name}.ts`],
      [name, `src/${name}.ts`],
    ]),
  ]),
  platform: "neutral",
});
