import { type Accept, type Listener, type ListenOptions, UnsupportedError } from "@sansio/runtime-api";

/** Why `listen` rejects on Workers (the message of its `UnsupportedError`). */
export const LISTEN_UNSUPPORTED =
  "listen: Cloudflare Workers cannot accept TCP connections (cloudflare:sockets only connects out); " +
  "serve clients through the Worker's fetch handler instead";

/** `runtime.listen` on Workers: always rejects with `UnsupportedError` (there is no inbound TCP). */
export async function listen(_options: ListenOptions, _accept: Accept): Promise<Listener> {
  throw new UnsupportedError(LISTEN_UNSUPPORTED);
}
