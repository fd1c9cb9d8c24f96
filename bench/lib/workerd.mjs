// Runs the bench Worker (bench/socket/worker.mjs) in a real workerd on 127.0.0.1, through the repository's
// workerd runner (packages/workers/test/workerd-process.mjs): bundled with the built @sansio/workers,
// loopback-only outbound network.
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { startWorkerd, workerdConfig } from "../../packages/workers/test/workerd-process.mjs";

const here = dirname(fileURLToPath(import.meta.url));

/** The bench Worker's entry module. */
export const BENCH_WORKER = join(here, "..", "socket", "worker.mjs");

/**
 * Starts workerd with the bench Worker; resolves with `{ version, pid, post(body), stop() }` once it
 * listens. `alias` maps package names to other sources (esbuild's alias), to compare two versions of
 * an adapter side by side.
 */
export async function startBenchWorker({ alias } = {}) {
  if (!alias && !existsSync(join(here, "..", "..", "packages", "workers", "dist", "index.js"))) {
    throw new Error("packages/workers/dist is missing: run npm run build first");
  }
  const worker = await startWorkerd({ entry: BENCH_WORKER, config: workerdConfig(), alias });
  return {
    version: worker.version,
    /** The workerd process (its CPU time is part of a trial's). */
    pid: worker.pid,
    /** Runs one trial in the Worker; resolves with its answer. */
    post: (body, ms = 120_000) => worker.post("/", body, ms),
    stop: worker.stop,
  };
}
