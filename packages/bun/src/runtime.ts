import type { Runtime } from "@sansio/runtime-api";
import { connect } from "./connect.js";
import { listen } from "./listen.js";

/** The Bun adapter: `Bun.listen` and `Bun.connect` over TCP, TLS and unix sockets. */
export class BunRuntime implements Runtime {
  readonly name = "bun";
  readonly listen = listen;
  readonly connect = connect;
}

/** The Bun runtime adapter: `import { runtime } from "@sansio/bun"`. */
export const runtime: Runtime = new BunRuntime();
