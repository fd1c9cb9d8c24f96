import { execFile } from "node:child_process";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);
const root = join(import.meta.dirname, "..");
const bin = (name: string) => join(root, "node_modules", ".bin", name);

// The README's example, run for real: the same protocol file on every runtime, only the import changes.
describe("examples/upper (the README example)", () => {
  const variants: [string, string, string[]][] = [
    ["node", bin("node"), []],
    ["bun", bin("bun"), ["run"]],
    ["deno", bin("deno"), ["run", "-A"]],
  ];
  for (const [adapter, command, args] of variants) {
    it(`prints the upper-cased reply over @sansio/${adapter}`, async () => {
      const source = await readFile(join(root, "examples/upper/main.ts"), "utf8");
      const dir = join(root, "examples/upper/.generated");
      await mkdir(dir, { recursive: true });
      const file = join(dir, `main-${adapter}.ts`);
      await writeFile(
        file,
        source.replace('"@sansio/node"', `"@sansio/${adapter}"`).replace('"./upper.ts"', '"../upper.ts"'),
      );
      const { stdout } = await run(command, [...args, file], { cwd: root, timeout: 30_000 });
      expect(stdout).toBe("HELLO, SANS-IO WORLD\n");
    });
  }
});

describe("README", () => {
  it("shows examples/upper/upper.ts as it is", async () => {
    const readme = await readFile(join(root, "README.md"), "utf8");
    const source = await readFile(join(root, "examples/upper/upper.ts"), "utf8");
    const body = source.slice(source.indexOf("export class"));
    expect(readme).toContain(body);
  });
});
