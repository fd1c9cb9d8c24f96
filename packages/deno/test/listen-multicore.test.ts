// The Deno multicore recipe of docs/MULTICORE.md, run as a user would: examples/multicore/start.mjs
// (a Node launcher) starts Deno listener processes, each with --unstable-net for reusePort.
import { join } from "node:path";
import { checkMulticore, repoRoot } from "../../node/test/listen-multicore.ts";
import { assert } from "./support.ts";

Deno.test("start.mjs --runtime deno: two processes with reusePort share the port, stop on SIGTERM", async () => {
  const start = join(repoRoot, "examples/multicore/start.mjs");
  const node = join(repoRoot, "node_modules/.bin/node");
  const args = [start, "--runtime", "deno", "--processes", "2", "--port", "0"];
  const pids = await checkMulticore(node, args, 2);
  assert(pids.length === 2, `answered by ${pids.length} processes`);
});
