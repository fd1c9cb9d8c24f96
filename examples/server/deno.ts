// The demo on Deno: `deno run --allow-net examples/server/deno.ts --host 127.0.0.1 --port 8080`.
import { runtime } from "@sansio/deno";
import { serve } from "./serve.ts";

const listener = await serve(runtime, `deno ${Deno.version.deno}`, Deno.args);
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  Deno.addSignalListener(signal, () => {
    void listener.close({ timeout: 2000 }).then(() => Deno.exit(0));
  });
}
