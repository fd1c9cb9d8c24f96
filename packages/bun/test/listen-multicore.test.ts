// The Bun multicore recipe of docs/MULTICORE.md, run as a user would (examples/multicore/start.mjs).
import { expect, test } from "bun:test";
import { join } from "node:path";
import { checkMulticore, repoRoot } from "../../node/test/listen-multicore.js";

test("start.mjs --runtime bun: two processes with reusePort share the port, stop on SIGTERM", async () => {
  const start = join(repoRoot, "examples/multicore/start.mjs");
  const pids = await checkMulticore(
    process.execPath,
    [start, "--runtime", "bun", "--processes", "2", "--port", "0"],
    2,
  );
  expect(pids).toHaveLength(2);
}, 60_000);
