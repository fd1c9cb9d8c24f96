// The demo on Node: `node examples/server/node.ts --host 127.0.0.1 --port 8080` (Node >= 23.6 runs TypeScript).
import { runtime } from "@sansio/node";
import { serve } from "./serve.ts";

const listener = await serve(runtime, `node ${process.versions.node}`, process.argv.slice(2));
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    void listener.close({ timeout: 2000 }).then(() => process.exit(0));
  });
}
