// The workerd our Workers run on (the `workerd` npm package, the one miniflare uses too) and the
// compatibility date they declare.
import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const require = createRequire(import.meta.url);

/** The compatibility date our Workers run with (not after the workerd release). */
export const COMPATIBILITY_DATE = "2026-10-01";

/** Path of the workerd binary from the `workerd` npm package. */
export function workerdBinary() {
  return join(dirname(require.resolve("workerd/package.json")), "bin", "workerd");
}

/** `workerd --version`, e.g. "workerd 2026-10-23". */
export function workerdVersion() {
  return execFileSync(workerdBinary(), ["--version"], { encoding: "utf8" }).trim();
}
