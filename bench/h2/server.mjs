// HTTP/2 hello world (h2c, prior knowledge), the same file on Node, Bun and Deno:
// `<runtime> bench/h2/server.mjs sansio|native`. sansio: @sansio/http2 over this runtime's adapter.
// native: `node:http2` of this runtime (its `stream` event, not the compatibility API). Prints its
// port, then answers the orchestrator's commands (`memory`, for the idle-connection row).
import http2 from "node:http2";
import process from "node:process";
import { http2Server } from "@sansio/http2";
import { loadAdapter } from "../lib/adapter.mjs";
import { CONTENT_TYPE, HELLO_BYTES, HELLO_TEXT, KEEP_ALIVE_MS, serveHelloCommands } from "../lib/hello.mjs";

const HOST = "127.0.0.1";
const impl = process.argv[2];

async function sansio() {
  const runtime = await loadAdapter();
  const headers = { "content-type": CONTENT_TYPE };
  const listener = await runtime.listen(
    { hostname: HOST, port: 0, idleTimeout: KEEP_ALIVE_MS },
    http2Server((_request, response) => response.respond(200, headers, HELLO_BYTES)),
  );
  return { port: listener.address.port, close: () => listener.close({ timeout: 500 }) };
}

async function native() {
  const server = http2.createServer();
  /** @type {Set<import("node:http2").ServerHttp2Session>} */
  const sessions = new Set();
  server.on("session", (session) => {
    sessions.add(session);
    session.once("close", () => sessions.delete(session));
  });
  server.on("stream", (stream) => {
    stream.respond({ ":status": 200, "content-type": CONTENT_TYPE, "content-length": HELLO_BYTES.length });
    stream.end(HELLO_TEXT);
  });
  server.on("error", () => {});
  await new Promise((resolve) => server.listen(0, HOST, resolve));
  return {
    port: server.address().port,
    close: () => {
      for (const session of sessions) session.destroy();
      server.close();
    },
  };
}

const server = impl === "sansio" ? await sansio() : impl === "native" ? await native() : undefined;
if (!server) throw new Error(`usage: <runtime> bench/h2/server.mjs sansio|native (got ${impl})`);
serveHelloCommands(server);
