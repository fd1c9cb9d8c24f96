// The example Worker (examples/workers) runs in a real workerd against a real TCP service.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

it("examples/workers answers PING and ECHO through @sansio/workers", async () => {
  // The example imports the built package, as an application does (`npm test` builds first).
  expect(existsSync(join(root, "packages/workers/dist/index.js")), "build @sansio/workers first").toBe(true);
  const child = spawn(process.execPath, [join(root, "examples/workers/run-local.mjs")], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk) => {
    output += chunk;
  });
  child.stderr.on("data", (chunk) => {
    output += chunk;
  });
  const timer = setTimeout(() => child.kill("SIGKILL"), 50_000);
  const [code] = await once(child, "exit");
  clearTimeout(timer);
  expect(code, output).toBe(0);
  expect(output).toContain("PING -> 200 +PONG");
  expect(output).toContain("ECHO hello from a Worker -> 200 hello from a Worker");
}, 60_000);
