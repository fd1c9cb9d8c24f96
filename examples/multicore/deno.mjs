// One listener of several on one port, on Deno (reusePort needs --unstable-net):
// `deno run --allow-net --unstable-net examples/multicore/deno.mjs --port 8080`.
// Start one per core (examples/multicore/start.mjs does); the kernel spreads connections among them.
import { runtime } from "@sansio/deno";
import { helloFrom, parseArgs, readyLine } from "./hello.mjs";

const { hostname, port } = parseArgs(Deno.args);
const listener = await runtime.listen(
  { hostname, port, reusePort: true },
  helloFrom(`deno ${Deno.version.deno}`, Deno.pid),
);
await Deno.stdout.write(new TextEncoder().encode(readyLine(listener, Deno.pid)));
for (const signal of ["SIGINT", "SIGTERM"]) {
  Deno.addSignalListener(signal, () => void listener.close({ timeout: 2000 }).then(() => Deno.exit(0)));
}
