// The multicore recipes of docs/MULTICORE.md on Node, run as a user would (examples/multicore).
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { nodeReusePort } from "../src/listen.js";
import { checkMulticore, repoRoot } from "./listen-multicore.js";

const example = (name: string): string => join(repoRoot, "examples/multicore", name);
const SYSTEM_NODE = "/usr/bin/node";

describe("one listener per core on Node", () => {
  it.skipIf(nodeReusePort() !== true)(
    "start.mjs: two processes with reusePort share the port, stop on SIGTERM",
    async () => {
      const pids = await checkMulticore(
        process.execPath,
        [example("start.mjs"), "--runtime", "node", "--processes", "2", "--port", "0"],
        2,
      );
      expect(pids).toHaveLength(2);
    },
    60_000,
  );

  it("node-cluster.mjs: two cluster workers share the port, stop on SIGTERM", async () => {
    const pids = await checkMulticore(
      process.execPath,
      [example("node-cluster.mjs"), "--workers", "2", "--port", "0"],
      2,
    );
    expect(pids).toHaveLength(2);
  }, 60_000);

  it.skipIf(!existsSync(SYSTEM_NODE))(
    "node-cluster.mjs on the system Node (20: no reusePort there)",
    async () => {
      const pids = await checkMulticore(SYSTEM_NODE, [example("node-cluster.mjs"), "--workers", "2", "--port", "0"], 2);
      expect(pids).toHaveLength(2);
    },
    60_000,
  );
});
