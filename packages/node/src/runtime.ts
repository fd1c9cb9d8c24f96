import type { Runtime } from "@sansio/runtime-api";
import { connect } from "./connect.js";
import { listen } from "./listen.js";

/**
 * The Node.js runtime adapter: `listen` and `connect` over `node:net` and `node:tls` (TCP, TLS, unix
 * sockets), driven by the shared driver core of `@sansio/runtime-api`.
 */
export const runtime: Runtime = {
  name: "node",
  listen,
  connect,
};
