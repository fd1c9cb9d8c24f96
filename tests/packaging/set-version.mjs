// `node tests/packaging/set-version.mjs 0.0.0`: sets the version every @sansio package shares, by hand,
// where changesets cannot (it only bumps up): each package.json and JSR config, and every internal
// dependency range (^version). Run `npm install --package-lock-only` afterwards. Used once to put the
// unreleased packages at 0.0.0, so that the pending changesets (minor) make the first release 0.1.0.
import { writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { loadPackages, ROOT } from "./packages.mjs";

const version = process.argv[2];
if (!/^\d+\.\d+\.\d+$/.test(version ?? "")) {
  console.error("usage: node tests/packaging/set-version.mjs <major.minor.patch>");
  process.exit(2);
}

/** The same ranges, with every @sansio/* one set to ^version. */
function withInternalRanges(ranges) {
  if (!ranges) return ranges;
  return Object.fromEntries(
    Object.entries(ranges).map(([name, range]) => [name, name.startsWith("@sansio/") ? `^${version}` : range]),
  );
}

const write = (path, json) => {
  writeFileSync(path, `${JSON.stringify(json, null, 2)}\n`);
  console.log(`${relative(ROOT, path)}: ${version}`);
};
for (const { path, manifest, jsr, jsrPath } of loadPackages()) {
  write(join(path, "package.json"), {
    ...manifest,
    version,
    dependencies: withInternalRanges(manifest.dependencies),
    peerDependencies: withInternalRanges(manifest.peerDependencies),
  });
  if (jsr && jsrPath) write(jsrPath, { ...jsr, version });
}
