// Smoke tests of the bench's investigation tools, at the smallest sizes and with no timing assertions:
// bench/compare.mjs's HTTP mode on every runtime with a server (this checkout as both trees, so no
// prepared tree is needed) and bench/profile.mjs's one-process mode. `node --test bench/test/*.test.mjs`.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import { resolve } from "node:path";
import { describe, it } from "node:test";
import { promisify } from "node:util";
import { benchRuntimes } from "../lib/runtimes.mjs";

const run = promisify(execFile);
const root = resolve(import.meta.dirname, "..", "..");
const runtimes = benchRuntimes();
/** Whether the runtime's binary is there (a bare command name is looked up on PATH by spawn). */
const installed = (runtime) => (runtime.command.includes("/") ? existsSync(runtime.command) : true);

/** Runs a bench tool with this checkout's Node; resolves with its stdout. */
async function tool(args) {
  const { stdout } = await run(process.execPath, args, { cwd: root, timeout: 120_000 });
  return stdout;
}

describe("bench/compare.mjs http", () => {
  for (const id of ["node", "deno", "bun"]) {
    const skip = !installed(runtimes[id]) && `${id} is not installed`;
    it(`${id}: runs http1 and the floor of two trees side by side and prints the ratios`, { skip }, async () => {
      const out = await tool([
        "bench/compare.mjs",
        root,
        root,
        id,
        "http",
        "--impl",
        "sansio",
        "--rounds",
        "1",
        "--seconds",
        "1",
      ]);
      assert.ok(out.includes(`${runtimes[id].label} http sansio`), out);
      assert.match(out, /median µs\/req: A \d+\.\d+, B \d+\.\d+; raw A \d+\.\d+, raw B \d+\.\d+/);
      assert.match(out, /adapter B \/ A: speed \d+\.\d+x, CPU \d+\.\d+x/);
      assert.match(out, /control, raw B \/ raw A: speed \d+\.\d+x/);
    });
  }
});

describe("bench/profile.mjs --local", () => {
  it("profiles the one-process round trips in one profile and prints its top self time", async () => {
    const out = await tool(["bench/profile.mjs", "node", "rtt", "adapter", "1", "--local"]);
    const dir = /profiles: (\S+sansio-profile-node-rtt-\S+)/.exec(out)?.[1];
    assert.ok(dir, out);
    rmSync(dir, { recursive: true, force: true });
    assert.match(out, /process\.cpuprofile: \d+ ms sampled; top self time/);
  });

  it("refuses --local where there is no one-process row (HTTP)", async () => {
    await assert.rejects(tool(["bench/profile.mjs", "node", "http", "sansio", "1", "--local"]), (error) => {
      assert.equal(error.code, 2);
      assert.match(error.stderr, /usage:/);
      return true;
    });
  });
});
