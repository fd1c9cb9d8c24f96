// HTTP hello world on Node: `node --expose-gc bench/http/node.mjs sansio|native|floor|adapter-floor`.
// sansio: @sansio/http1 over @sansio/node. native: node:http. floor: a bare `net` server that counts
// request heads and writes a canned response for each (no parsing).
// adapter-floor: the same work as a sans-IO connection over the adapter. Prints its port, then answers the
// orchestrator's commands: `memory` (after a full GC) for the idle-connection row.
import http from "node:http";
import net from "node:net";
import process from "node:process";
import { http1Server } from "@sansio/http1";
import { runtime } from "@sansio/node";
import { cannedAnswers, headCounter } from "../lib/canned.mjs";
import {
  CONTENT_TYPE,
  HELLO_BYTES,
  HELLO_TEXT,
  KEEP_ALIVE_MS,
  serveCannedWithAdapter,
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

/** The `net` floor: count heads by their blank line, answer each with the canned bytes; nothing else. */
async function floor() {
  const sockets = new Set();
  const server = net.createServer({ noDelay: true }, (socket) => {
    const count = headCounter();
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => {});
    socket.on("data", (chunk) => {
      const heads = count(chunk);
      if (heads > 0) socket.write(cannedAnswers(heads));
    });
  });
  await new Promise((resolve) => server.listen(0, HOST, resolve));
  return {
    port: server.address().port,
    close: () => {
      for (const socket of sockets) socket.destroy();
      server.close();
    },
  };
}

const servers = { sansio, native, floor, "adapter-floor": () => serveCannedWithAdapter(runtime, HOST) };
const server = await servers[impl]?.();
if (!server) throw new Error(`usage: node bench/http/node.mjs sansio|native|floor|adapter-floor (got ${impl})`);
serveHelloCommands(server);
