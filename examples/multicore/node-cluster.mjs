// One listener per core on any Node (20 included) with node:cluster:
//   node examples/multicore/node-cluster.mjs --port 8080 [--workers N]
// The primary owns the port and hands each connection to a worker in turn (round robin); each worker
// runs an ordinary `runtime.listen` on the same port. SIGINT/SIGTERM to the primary stops them all.
import cluster from "node:cluster";
import { availableParallelism } from "node:os";
import { runtime } from "@sansio/node";
import { helloFrom, parseArgs, readyLine } from "./hello.mjs";

const args = process.argv.slice(2);
const at = args.indexOf("--workers");
const workers = at >= 0 ? Number(args.splice(at, 2)[1]) : availableParallelism();
const { hostname, port } = parseArgs(args);

if (cluster.isPrimary) {
  let ready = 0;
  let stopping = false;
  for (let i = 0; i < workers; i++) {
    cluster.fork().on("message", (message) => {
      // Every worker listens on the same port (port 0: the first one's pick, shared by the rest).
      if (message?.ready && ++ready === workers) {
        process.stdout.write(`${JSON.stringify({ ready: true, pid: process.pid, port: message.port, workers })}\n`);
      }
    });
  }
  const codes = [];
  cluster.on("exit", (_worker, code) => {
    codes.push(code);
    if (!stopping) process.exitCode = 1; // a worker died on its own: say so when the primary ends
    if (Object.keys(cluster.workers ?? {}).length > 0) return;
    const clean = stopping && codes.every((c) => c === 0);
    process.stdout.write(`${JSON.stringify({ stopped: true, clean, codes })}\n`);
    process.exit(clean ? 0 : 1);
  });
  for (const signal of ["SIGINT", "SIGTERM"]) {
    process.once(signal, () => {
      stopping = true;
      for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill("SIGTERM");
    });
  }
} else {
  const listener = await runtime.listen({ hostname, port }, helloFrom(`node ${process.versions.node}`, process.pid));
  process.send?.(JSON.parse(readyLine(listener, process.pid)));
  // The primary signals every worker; a worker ends once its connections drained (or 2 s passed).
  process.once("SIGTERM", () => void listener.close({ timeout: 2000 }).then(() => process.exit(0)));
  process.once("SIGINT", () => {}); // Ctrl-C reaches the whole group: the primary decides.
}
