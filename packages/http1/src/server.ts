import type { Accept } from "@sansio/runtime-api";
import { serverAccept } from "./server-connection.js";
import type { Handler, ServerOptions } from "./server-types.js";

/**
 * An `Accept` for `runtime.listen(options, accept)`: every accepted socket gets an HTTP/1.1 server
 * connection running `handler`. `request.session` is the socket's session.
 */
export function http1Server(handler: Handler, options: Omit<ServerOptions, "session"> = {}): Accept {
  return serverAccept(handler, options);
}
