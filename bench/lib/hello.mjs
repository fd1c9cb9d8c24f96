// The HTTP "hello world" every server of the bench answers: the same body and content type everywhere.
import { CONTENT_TYPE, HELLO_TEXT } from "./canned.mjs";
import { serveCommands } from "./commands.mjs";
import { memorySnapshot } from "./memory.mjs";
import { CannedHttpServer } from "./protocols.mjs";

export { CONTENT_TYPE, HELLO_TEXT };
/** The response body as bytes (for @sansio/http1, which writes bytes as they are). */
export const HELLO_BYTES = new TextEncoder().encode(HELLO_TEXT);
/** How long an idle keep-alive connection stays open, on every server (the memory row keeps them idle). */
export const KEEP_ALIVE_MS = 120_000;

/** Serves the hello world with @sansio/http1 over `runtime` (any adapter); returns its port and a closer. */
export async function serveHelloWithHttp1(runtime, http1Server, host = "127.0.0.1") {
  const headers = ["Content-Type", CONTENT_TYPE];
  const listener = await runtime.listen(
    { hostname: host, port: 0, idleTimeout: KEEP_ALIVE_MS },
    http1Server((_request, response) => response.respond(200, headers, HELLO_BYTES), {
      keepAliveTimeout: KEEP_ALIVE_MS,
    }),
  );
  return { port: listener.address.port, close: () => listener.close({ timeout: 500 }) };
}

/**
 * The floor over an adapter: {@link CannedHttpServer} (count heads, canned answers) over `runtime`, so
 * the difference to the raw floor is the adapter's and the difference to http1 is http1's.
 */
export async function serveCannedWithAdapter(runtime, host = "127.0.0.1") {
  const listener = await runtime.listen(
    { hostname: host, port: 0, idleTimeout: KEEP_ALIVE_MS },
    () => new CannedHttpServer(),
  );
  return { port: listener.address.port, close: () => listener.close({ timeout: 500 }) };
}

/** Answers the orchestrator's commands for a running hello server (`memory` snapshots; then close). */
export function serveHelloCommands(server) {
  serveCommands(
    { port: server.port },
    async (command) => {
      if (command.cmd === "memory") return memorySnapshot();
      throw new Error(`unknown command ${command.cmd}`);
    },
    server.close,
  );
}
