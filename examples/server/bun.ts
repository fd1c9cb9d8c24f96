// The demo on Bun: `bun examples/server/bun.ts --host 127.0.0.1 --port 8080`.
import { runtime } from "@sansio/bun";
import { serve } from "./serve.ts";

const listener = await serve(runtime, `bun ${Bun.version}`, process.argv.slice(2));
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    void listener.close({ timeout: 2000 }).then(() => process.exit(0));
  });
}
