// The entry every runtime but Workers loads (the package's `default` export condition): the same names
// as index.ts, without the `cloudflare:sockets` import, so importing @sansio/workers on Node, Deno or Bun
// works and `connect` says clearly why it cannot.
import type { Runtime } from "@sansio/runtime-api";
import { unsupportedRuntime } from "@sansio/runtime-api/adapter";
import { LISTEN_UNSUPPORTED } from "./listen.js";
import type { WorkersRuntimeOptions } from "./runtime.js";

export { UNKNOWN_ADDRESS } from "./address.js";
export { drive } from "./drive.js";
export type { WorkersRuntimeOptions } from "./runtime.js";
export type { SocketConnector, WorkersSocket, WorkersSocketInfo, WorkersSocketOptions } from "./socket.js";

const CONNECT_UNSUPPORTED =
  "connect: @sansio/workers was loaded outside Cloudflare Workers (without the `workerd` or `worker` " +
  "export condition), where `cloudflare:sockets` does not exist; on Node, Deno or Bun use @sansio/node, " +
  "@sansio/deno or @sansio/bun (or @sansio/runtime, which picks the adapter for the runtime it runs on)";

/**
 * Makes a Workers runtime. Outside Cloudflare Workers (this entry) its `connect` rejects with
 * `UnsupportedError`, with or without `options`; `listen` rejects everywhere (Workers has no inbound TCP).
 */
export function createRuntime(_options: WorkersRuntimeOptions = {}): Runtime {
  return unsupportedRuntime("workers", { listen: LISTEN_UNSUPPORTED, connect: CONNECT_UNSUPPORTED });
}

/**
 * The Cloudflare Workers runtime. Outside Workers (this entry, loaded without the `workerd` / `worker`
 * export condition) `connect` and `listen` reject with `UnsupportedError`. `drive` still drives a
 * Workers-shaped socket the caller already has.
 */
export const runtime: Runtime = createRuntime();
