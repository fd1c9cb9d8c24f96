// The HTTP "hello world" every server of the bench answers: the same body and content type everywhere.
import { serveCommands } from "./commands.mjs";
import { memorySnapshot } from "./memory.mjs";

/** The response body. */
export const HELLO_TEXT = "Hello, World!";
/** The response body as bytes (for @sansio/http1, which writes bytes as they are). */
export const HELLO_BYTES = new TextEncoder().encode(HELLO_TEXT);
/** The content type of every answer. */
export const CONTENT_TYPE = "text/plain";
/** How long an idle keep-alive connection stays open, on every server (the memory row keeps them idle). */
export const KEEP_ALIVE_MS = 120_000;

/**
 * The floor servers' whole answer (bench/http/*.mjs `floor`): a canned keep-alive hello response,
 * written as it is for every request head (no Date header: nothing is computed per request).
 */
export const CANNED_HELLO = new TextEncoder().encode(
  `HTTP/1.1 200 OK\r\nContent-Type: ${CONTENT_TYPE}\r\nContent-Length: ${HELLO_BYTES.length}\r\n\r\n${HELLO_TEXT}`,
);

/**
 * Counts request heads in a byte stream by their blank line ("\r\n\r\n"), across chunk boundaries,
 * without parsing anything else: `count(chunk)` returns how many heads ended in `chunk`. This is all
 * the floor servers do per request (the floor a server on that socket API cannot go below).
 */
export function headCounter() {
  /** How many bytes of "\r\n\r\n" the bytes so far end with (0..3). */
  let matched = 0;
  return (chunk) => {
    let heads = 0;
    let i = 0;
    const end = chunk.length;
    while (i < end) {
      if (matched === 0) {
        i = chunk.indexOf(13, i);
        if (i < 0) break;
      }
      const byte = chunk[i++];
      // The expected byte at position `matched` of CR LF CR LF is CR at 0 and 2, LF at 1 and 3.
      if (byte === ((matched & 1) === 0 ? 13 : 10)) {
        if (++matched === 4) {
          heads++;
          matched = 0;
        }
      } else matched = byte === 13 ? 1 : 0;
    }
    return heads;
  };
}

/** `heads` canned responses in one buffer (the answer to pipelined requests; one is {@link CANNED_HELLO} itself). */
export function cannedAnswers(heads) {
  if (heads === 1) return CANNED_HELLO;
  const out = new Uint8Array(heads * CANNED_HELLO.length);
  for (let i = 0; i < heads; i++) out.set(CANNED_HELLO, i * CANNED_HELLO.length);
  return out;
}

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
