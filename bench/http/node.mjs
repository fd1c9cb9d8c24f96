// HTTP hello world on Node: `node --expose-gc bench/http/node.mjs sansio|native`.
// sansio: @sansio/http1 over @sansio/node. native: node:http. Prints its port, then answers the
// orchestrator's commands: `memory` (after a full GC) for the idle-connection row.
import http from "node:http";
import process from "node:process";
import { http1Server } from "@sansio/http1";
import { runtime } from "@sansio/node";
import {
  CONTENT_TYPE,
  HELLO_BYTES,
  HELLO_TEXT,
  KEEP_ALIVE_MS,
  serveHelloCommands,
  serveHelloWithHttp1,
} from "../lib/hello.mjs";

const HOST = "127.0.0.1";
const impl = process.argv[2];

const sansio = () => serveHelloWithHttp1(runtime, http1Server, HOST);

async function native() {
  const server = http.createServer({ keepAliveTimeout: KEEP_ALIVE_MS, noDelay: true }, (_request, response) => {
    response.writeHead(200, { "Content-Type": CONTENT_TYPE, "Content-Length": HELLO_BYTES.length });
    response.end(HELLO_TEXT);
  });
  await new Promise((resolve) => server.listen(0, HOST, resolve));
  return {
    port: server.address().port,
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

const server = impl === "sansio" ? await sansio() : impl === "native" ? await native() : undefined;
if (!server) throw new Error(`usage: node bench/http/node.mjs sansio|native (got ${impl})`);
serveHelloCommands(server);
