// Bundles a Worker into one ES module the way an application's bundler does for Cloudflare: the packages
// resolve through their `workerd` / `worker` / `browser` export conditions (wrangler's set) and the
// `cloudflare:*` modules stay imports (workerd provides them). esbuild, no wrangler.
import { writeFile } from "node:fs/promises";

/** The export conditions a bundle for Workers resolves packages with (wrangler's). */
export const WORKER_CONDITIONS = ["workerd", "worker", "browser"];

/** esbuild options for the Worker `entry`; `alias` maps import names to files, `minify` as esbuild's. */
function buildOptions(entry, { alias = {}, minify = false }) {
  return {
    entryPoints: [entry],
    bundle: true,
    format: "esm",
    platform: "neutral",
    target: "es2022",
    conditions: WORKER_CONDITIONS,
    mainFields: ["module", "main"],
    external: ["cloudflare:*"],
    alias,
    minify,
    write: false,
    logLevel: "error",
  };
}

/**
 * The Worker `entry` bundled into one ES module's text. `alias` maps import names to files (e.g. a
 * package to its TypeScript sources); `minify` minifies it, as a deployment might.
 */
export async function bundleWorkerCode(entry, options = {}) {
  const esbuild = await import("esbuild");
  const result = await esbuild.build(buildOptions(entry, options));
  const [file] = result.outputFiles;
  if (!file) throw new Error(`esbuild wrote nothing for ${entry}`);
  return file.text;
}

/** Bundles `entry` (see {@link bundleWorkerCode}) into the file `outfile`. */
export async function bundleWorker(entry, outfile, options = {}) {
  await writeFile(outfile, await bundleWorkerCode(entry, options));
}
