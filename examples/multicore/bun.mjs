// One listener of several on one port, on Bun: `bun examples/multicore/bun.mjs --port 8080`.
// Start one per core (examples/multicore/start.mjs does); the kernel spreads connections among them.
import { runtime } from "@sansio/bun";
import { helloFrom, parseArgs, readyLine } from "./hello.mjs";

const { hostname, port } = parseArgs(process.argv.slice(2));
const listener = await runtime.listen(
  { hostname, port, reusePort: true },
  helloFrom(`bun ${Bun.version}`, process.pid),
);
process.stdout.write(readyLine(listener, process.pid));
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.once(signal, () => void listener.close({ timeout: 2000 }).then(() => process.exit(0)));
}
