// The runtimes of the matrix: each is a real binary from node_modules (installed by `npm ci` from the
// npm registry) running its own entry script from tests/matrix/entries/.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const bin = (name) => join(root, "node_modules", ".bin", name);
const entry = (file) => join(root, "tests", "matrix", "entries", file);

function version(command, args, pick) {
  try {
    return pick(execFileSync(command, args, { encoding: "utf8", timeout: 30_000 }).trim());
  } catch {
    return "?";
  }
}

/** @typedef {{ id: string, label: string, command: string, args: string[], canServe: boolean }} MatrixRuntime */

/** @returns {MatrixRuntime[]} */
export function matrixRuntimes() {
  const node24 = bin("node");
  const node22 = join(root, "node_modules", "node22", "bin", "node");
  const deno = bin("deno");
  const bun = bin("bun");
  const all = [
    {
      id: "node24",
      command: node24,
      args: [entry("node.mjs")],
      canServe: true,
      label: `node ${version(node24, ["--version"], (v) => v.slice(1))}`,
    },
    {
      id: "node22",
      command: node22,
      args: [entry("node.mjs")],
      canServe: true,
      label: `node ${version(node22, ["--version"], (v) => v.slice(1))}`,
    },
    {
      id: "deno",
      command: deno,
      args: ["run", "-A", entry("deno.ts")],
      canServe: true,
      label: `deno ${version(deno, ["--version"], (v) => v.split(/\s+/)[1])}`,
    },
    {
      id: "bun",
      command: bun,
      args: ["run", entry("bun.ts")],
      canServe: true,
      label: `bun ${version(bun, ["--version"], (v) => v)}`,
    },
    {
      id: "workerd",
      command: node24,
      args: [entry("workers.mjs")],
      canServe: false,
      label: `workerd ${version(bin("workerd"), ["--version"], (v) => v.split(/\s+/)[1])}`,
    },
  ];
  for (const runtime of all) {
    if (!existsSync(runtime.command)) throw new Error(`${runtime.id}: ${runtime.command} is missing: run npm ci`);
  }
  return all;
}
