// `node tests/packaging/sync-jsr-versions.mjs`: copies each package's version from package.json into
// its JSR config (jsr.json, or deno.json for @sansio/deno). Changesets bumps package.json only; the
// root `version-packages` script runs this right after `changeset version`.
import { writeFileSync } from "node:fs";
import { relative } from "node:path";
import { loadPackages, ROOT } from "./packages.mjs";

for (const { manifest, jsr, jsrPath } of loadPackages()) {
  if (!jsr || !jsrPath || jsr.version === manifest.version) continue;
  writeFileSync(jsrPath, `${JSON.stringify({ ...jsr, version: manifest.version }, null, 2)}\n`);
  console.log(`${relative(ROOT, jsrPath)}: ${jsr.version} -> ${manifest.version}`);
}
