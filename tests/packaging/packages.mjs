// The published packages and where their manifests are, shared by the packaging check (run.mjs) and
// the JSR version sync (sync-jsr-versions.mjs).
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** The repository root. */
export const ROOT = join(import.meta.dirname, "..", "..");

/** The folders under packages/ that publish, in build order. */
export const PACKAGE_DIRS = ["runtime-api", "node", "deno", "bun", "workers", "http1", "http2", "websocket", "runtime"];

/** Reads a JSON file. */
export function readJson(path) {
  return JSON.parse(readFileSync(path, "utf8"));
}

/**
 * The JSR config of a package: its deno.json when that exists (deno publish reads deno.json before
 * jsr.json, so there the JSR fields must live in deno.json), else its jsr.json; undefined if neither.
 */
export function jsrConfigPath(dir) {
  const deno = join(ROOT, "packages", dir, "deno.json");
  if (existsSync(deno)) return deno;
  const jsr = join(ROOT, "packages", dir, "jsr.json");
  return existsSync(jsr) ? jsr : undefined;
}

/** One package: its folder, manifest and JSR config (undefined when it has none). */
export function loadPackage(dir) {
  const jsrPath = jsrConfigPath(dir);
  return {
    dir,
    path: join(ROOT, "packages", dir),
    manifest: readJson(join(ROOT, "packages", dir, "package.json")),
    jsrPath,
    jsr: jsrPath ? readJson(jsrPath) : undefined,
  };
}

/** The packages that exist in this checkout (a package whose folder has no src/ yet is left out). */
export function loadPackages() {
  return PACKAGE_DIRS.filter((dir) => existsSync(join(ROOT, "packages", dir, "src"))).map(loadPackage);
}
