// Memory of the current process after a full garbage collection (Node with --expose-gc; elsewhere
// whatever the runtime's gc() hook is, or none).
import process from "node:process";

/** Collects garbage a few times (when the runtime lets us), then returns heap, external and RSS bytes. */
export async function memorySnapshot() {
  const gc = globalThis.gc ?? globalThis.Bun?.gc;
  for (let i = 0; i < 3; i++) {
    gc?.(true);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const usage = process.memoryUsage();
  return { heap: usage.heapUsed, external: usage.external, rss: usage.rss, collected: gc !== undefined };
}
