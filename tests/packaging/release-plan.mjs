// The release `changeset version` would make now, computed with changesets' own libraries (the ones
// `changeset status` uses), without its git comparison against the base branch, so it works on any
// checkout: a CI clone, a detached HEAD, a dirty working tree.
import { assembleReleasePlan } from "@changesets/assemble-release-plan";
import { readConfig } from "@changesets/config";
import { readPreState } from "@changesets/pre";
import { readChangesets } from "@changesets/read";
import { getPackages } from "@manypkg/get-packages";

/**
 * `{ releases: [{ name, type, oldVersion, newVersion }], errors }` for the workspace at `root`:
 * `errors` are the config's own complaints (an unknown package in `fixed`…).
 */
export async function releasePlan(root) {
  const packages = await getPackages(root);
  const { config, errors } = await readConfig(packages.rootDir, packages);
  if (errors != null) return { releases: [], errors: [...errors] };
  const changesets = await readChangesets(packages.rootDir);
  const plan = assembleReleasePlan(changesets, packages, config, await readPreState(packages.rootDir));
  return { releases: plan.releases, errors: [] };
}
