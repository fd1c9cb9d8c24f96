// One listener of the "one process vs one per core" row, on Node, Bun or Deno (Deno: --unstable-net):
//   <runtime> bench/cores/server.mjs <port>
// Serves the multicore example's HTTP/1.1 hello (examples/multicore/hello.mjs) with reusePort on
// 127.0.0.1:<port> (0: any free port), prints `BENCH-READY {"port":P}` and answers the bench's commands
// (none here) until stdin ends or SIGTERM.
import process from "node:process";
import { helloFrom } from "../../examples/multicore/hello.mjs";
import { serveCommands } from "../lib/commands.mjs";

/** The adapter of the runtime this script runs on. */
async function adapter() {
  if (globalThis.Deno) return (await import("@sansio/deno")).runtime;
  if (process.versions.bun) return (await import("@sansio/bun")).runtime;
  return (await import("@sansio/node")).runtime;
}

const runtime = await adapter();
const port = Number(process.argv[2] ?? 0);
const listener = await runtime.listen(
  { hostname: "127.0.0.1", port, reusePort: true },
  helloFrom(runtime.name, process.pid),
);
const address = listener.address;
serveCommands(
  { port: address.transport === "tcp" ? address.port : null },
  async () => null,
  () => listener.close({ timeout: 500 }),
);
