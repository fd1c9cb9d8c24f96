// The runtimes the bench runs on: the same binaries (and version labels) as the cross-runtime matrix.
import { matrixRuntimes } from "../../tests/matrix/runtimes.mjs";

/**
 * @typedef {{ id: string, label: string, command: string, prefix: string[] }} BenchRuntime
 * `command [...prefix, script, ...args]` runs a bench script on the runtime.
 */

/** Node 24, Deno, Bun (each runs bench scripts directly) and workerd (driven from a Node script). */
export function benchRuntimes() {
  const byId = Object.fromEntries(matrixRuntimes().map((runtime) => [runtime.id, runtime]));
  const node = byId.node24;
  return {
    node: { id: "node", label: node.label, command: node.command, prefix: [] },
    deno: { id: "deno", label: byId.deno.label, command: byId.deno.command, prefix: ["run", "-A"] },
    bun: { id: "bun", label: byId.bun.label, command: byId.bun.command, prefix: ["run"] },
    workerd: { id: "workerd", label: byId.workerd.label, command: node.command, prefix: [] },
  };
}
