import { type Runtime } from "@sansio/runtime-api";
import { type SocketConnector } from "./socket.js";
/** Options of {@link createRuntime}. */
export interface WorkersRuntimeOptions {
  /**
   * Opens the sockets: default `connect` from `cloudflare:sockets` (through the Worker's global
   * outbound). Pass another to route them, e.g. `(address, options) => env.MY_SERVICE.connect(address, options)`.
   * It receives the `ConnectOptions` of the call too, to route by them.
   */
  readonly connect?: SocketConnector;
}
/**
 * Makes a Workers runtime. `runtime` is `createRuntime()`; pass `connect` to open sockets through a
 * binding instead of the global outbound.
 */
export declare function createRuntime(options?: WorkersRuntimeOptions): Runtime;
/**
 * The Cloudflare Workers runtime: `connect` over `cloudflare:sockets` (TCP, TLS, STARTTLS);
 * `listen` rejects with `UnsupportedError` (Workers cannot accept TCP connections).
 */
export declare const runtime: Runtime;
