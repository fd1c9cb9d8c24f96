// Serves the app on the runtime that runs this file, through the one import:
//   node examples/framework/serve.ts [--port 8080]
//   deno run -A examples/framework/serve.ts [--port 8080]
//   bun examples/framework/serve.ts [--port 8080]
// Ctrl-C (SIGINT) or SIGTERM closes the listener (open connections finish first) and exits.
import { runtime } from "@sansio/runtime";
import { app } from "./app.ts";

const at = process.argv.indexOf("--port");
const port = at >= 0 ? Number(process.argv[at + 1]) : 8080;
const listener = await app.listen({ hostname: "127.0.0.1", port });
if (listener.address.transport !== "tcp") throw new Error("expected a TCP listener");
console.log(`listening on http://127.0.0.1:${listener.address.port}/ (${runtime.name})`);

const stop = async () => {
  await listener.close({ timeout: 2_000 });
  process.exit(0);
};
process.once("SIGINT", stop);
process.once("SIGTERM", stop);
