// The protocol servers of the matrix, on any runtime that can listen (Node, Deno, Bun): an HTTP/2 server
// (h2c by prior knowledge) and a WebSocket echo server, both on 127.0.0.1. No node: imports, so the same
// code is what the cases in cases.mjs talk to from every client runtime.
import { http1Server } from "@sansio/http1";
import { Http2ServerConnection } from "@sansio/http2";
import { acceptWebSocket, isWebSocketRequest } from "@sansio/websocket";

/** Largest message either side of the WebSocket cases accepts: the 1 MiB message plus room. */
export const WS_MAX_MESSAGE = 4 << 20;

/**
 * One HTTP/2 request: `/echo` answers the request body; `/goaway` answers, then shuts its connection
 * down (GOAWAY NO_ERROR; streams in flight finish); anything else answers its path.
 */
async function h2Route(connection, request, response) {
  if (request.path === "/echo") {
    const body = await request.body.bytes();
    response.respond(200, { "x-length": String(body.length) }, body);
    return;
  }
  await request.body.discard();
  response.respond(200, { "x-path": request.path }, `path ${request.path}`);
  if (request.path === "/goaway") connection.shutdown();
}

/** An `Accept` for the HTTP/2 server whose handler can reach its own connection (for `/goaway`). */
function h2Accept(session) {
  const connection = new Http2ServerConnection((request, response) => h2Route(connection, request, response), {
    session,
  });
  return connection;
}

/**
 * The WebSocket server: echoes every message; the text "close-me" is answered with a close 1000
 * "server bye" instead.
 */
const wsAccept = http1Server(async (request, response) => {
  if (!isWebSocketRequest(request)) {
    response.respond(404, {}, "websocket only\n");
    return;
  }
  const ws = await acceptWebSocket(request, response, { maxMessageSize: WS_MAX_MESSAGE });
  ws.onmessage = (message) => {
    if (message.type === "text" && message.data === "close-me") ws.close(1000, "server bye");
    else void ws.send(message.data).catch(() => {});
  };
});

/** Starts both servers on `runtime`; resolves with their ports and `close()`. */
export async function serveProtocols(runtime) {
  const h2 = await runtime.listen({ hostname: "127.0.0.1", port: 0 }, h2Accept);
  const ws = await runtime.listen({ hostname: "127.0.0.1", port: 0 }, wsAccept);
  return {
    h2Port: h2.address.port,
    wsPort: ws.address.port,
    async close() {
      await Promise.all([h2.close({ timeout: 1000 }), ws.close({ timeout: 1000 })]);
    },
  };
}
