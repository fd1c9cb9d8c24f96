// What a published @sansio package.json (and its JSR config) must say, as one pure function the
// packaging check runs on every package and manifest.test.ts runs on a table of broken manifests.

/** Where the repository lives (package.json `repository`, `homepage`, `bugs`). */
export const REPOSITORY = "https://github.com/sansio/sansio";

/** The Node versions the packages support: those that load ESM and `require()` it unflagged. */
export const NODE_ENGINES = ">=20.19";

/** Every export target (strings and condition objects, nested), with the condition path that leads to it. */
function exportTargets(exports, path = []) {
  if (typeof exports === "string") return [{ path, target: exports }];
  if (exports === null || typeof exports !== "object") return [];
  return Object.entries(exports).flatMap(([key, value]) => exportTargets(value, [...path, key]));
}

/**
 * The problems of one package's manifest, as readable sentences (empty when it is publishable).
 * `manifest` is its package.json, `jsr` its JSR config (jsr.json, or deno.json where that exists),
 * `dir` its folder under packages/, `version` the version every package shares.
 */
export function manifestProblems({ manifest, jsr, dir, version }) {
  const problems = [];
  const say = (text) => problems.push(`${manifest.name ?? dir}: ${text}`);
  if (manifest.version !== version)
    say(`version ${manifest.version}, but the packages are versioned together at ${version}`);
  if (manifest.license !== "MIT") say(`license is ${manifest.license}, expected MIT`);
  if (manifest.type !== "module") say(`"type" must be "module" (ESM only)`);
  if (manifest.sideEffects !== false) say(`"sideEffects": false is missing`);
  const repository = manifest.repository;
  if (repository?.url !== `git+${REPOSITORY}.git` || repository?.directory !== `packages/${dir}`) {
    say(`"repository" must be { "url": "git+${REPOSITORY}.git", "directory": "packages/${dir}" }`);
  }
  if (typeof manifest.homepage !== "string" || !manifest.homepage.startsWith(REPOSITORY)) say(`"homepage" is missing`);
  if (typeof manifest.bugs?.url !== "string") say(`"bugs" is missing`);
  if (manifest.publishConfig?.access !== "public")
    say(`"publishConfig": { "access": "public" } is missing (scoped packages publish restricted otherwise)`);
  const files = manifest.files ?? [];
  if (!files.includes("dist")) say(`"files" must include dist`);
  if (files.some((f) => f === "src" || f.startsWith("src/")))
    say(`"files" ships src as well as dist (the source maps carry the sources already)`);
  if (!/\bbuild\b/.test(manifest.scripts?.prepack ?? ""))
    say(`no "prepack" script that builds (npm publish from a clean clone would ship no dist)`);
  for (const field of ["main", "module"]) {
    if (field in manifest) say(`"${field}" is set: ESM-only packages resolve through "exports" alone`);
  }
  if (!manifest.exports?.["."]) say(`"exports" has no "." entry`);
  for (const { path, target } of exportTargets(manifest.exports)) {
    if (path.includes("require") || path.includes("import"))
      say(`exports ${path.join(" > ")}: no "require"/"import" conditions in an ESM-only package`);
    if (/\.c[jt]s$|\.d\.cts$/.test(target)) say(`exports ${path.join(" > ")} points at CommonJS (${target})`);
  }
  if (manifest.engines?.node !== undefined && manifest.engines.node !== NODE_ENGINES) {
    say(`engines.node is ${manifest.engines.node}, expected ${NODE_ENGINES}`);
  }
  const internal = { ...manifest.dependencies, ...manifest.peerDependencies };
  for (const [name, range] of Object.entries(internal)) {
    if (name.startsWith("@sansio/") && range !== `^${version}`) say(`${name} is "${range}", expected "^${version}"`);
  }
  if (manifest.name !== "@sansio/runtime-api") {
    if (manifest.dependencies?.["@sansio/runtime-api"])
      say(`@sansio/runtime-api must be a peerDependency, not a dependency (two copies could be installed)`);
    if (!manifest.peerDependencies?.["@sansio/runtime-api"]) say(`@sansio/runtime-api is not a peerDependency`);
  }
  if (!jsr) say(`no JSR config (jsr.json, or name/version/exports in deno.json)`);
  else {
    if (jsr.name !== manifest.name) say(`JSR name ${jsr.name}, expected ${manifest.name}`);
    if (jsr.version !== manifest.version) say(`JSR version ${jsr.version}, package.json ${manifest.version}`);
    if (jsr.license !== "MIT") say(`JSR license is ${jsr.license}, expected MIT`);
    const jsrKeys = typeof jsr.exports === "string" ? ["."] : Object.keys(jsr.exports ?? {});
    const npmKeys = Object.keys(manifest.exports ?? {}).filter((key) => key !== "./package.json");
    if (jsrKeys.sort().join() !== npmKeys.sort().join()) {
      say(`JSR exports ${JSON.stringify(jsrKeys)} differ from npm exports ${JSON.stringify(npmKeys)}`);
    }
  }
  return problems;
}
