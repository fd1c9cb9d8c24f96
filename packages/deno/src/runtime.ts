import type { Runtime } from "@sansio/runtime-api";
import { connect } from "./connect.ts";
import { listen } from "./listen.ts";

/** The Deno runtime adapter: `Deno.listen` / `Deno.connect` / `Deno.listenTls` / `Deno.connectTls` / `Deno.startTls`. */
export const runtime: Runtime = {
  name: "deno",
  listen,
  connect,
};
