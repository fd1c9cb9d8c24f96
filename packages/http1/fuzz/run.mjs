// `npm run fuzz`: differential fuzzing of @sansio/http1 against llhttp (node:http's parser).
//   node packages/http1/fuzz/run.mjs [--cases N] [--seed S] [--side request|response|both] [--from I]
// Bundles the TypeScript harness (fuzz/*.ts and the parser's src/) with esbuild, then runs it.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { build } from "esbuild";

const { values } = parseArgs({
  options: {
    cases: { type: "string", default: "1000000" },
    seed: { type: "string", default: "1" },
    side: { type: "string", default: "both" },
    from: { type: "string", default: "0" },
    examples: { type: "string", default: "2" },
  },
});
const here = dirname(fileURLToPath(import.meta.url));
const bundled = await build({
  entryPoints: [join(here, "differential.ts")],
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node22",
  write: false,
  logLevel: "warning",
});
const dir = mkdtempSync(join(tmpdir(), "sansio-fuzz-"));
const file = join(dir, "differential.mjs");
writeFileSync(file, bundled.outputFiles[0].text);
const { runDifferential, formatSummary, findings } = await import(pathToFileURL(file).href);
rmSync(dir, { recursive: true, force: true });

const total = Number(values.cases);
const sides = values.side === "both" ? ["request", "response"] : [values.side];
let failed = 0;
for (const side of sides) {
  // A million cases in all: split between the sides when both run.
  const count = Math.ceil(total / sides.length);
  const summary = await runDifferential({
    side,
    seed: Number(values.seed),
    count,
    from: Number(values.from),
    examples: Number(values.examples),
    every: 50_000,
    progress: (s) =>
      console.error(
        `  ${side}s: ${s.cases}/${count} cases, ${(s.milliseconds / 1000).toFixed(0)} s, findings ${findings(s)}`,
      ),
  });
  console.log(formatSummary(summary));
  failed += findings(summary);
}
process.exitCode = failed > 0 ? 1 : 0;
