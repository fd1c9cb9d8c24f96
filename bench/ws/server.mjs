// WebSocket echo server, the same file on Node, Bun and Deno: `<runtime> bench/ws/server.mjs
// sansio|native`. sansio: @sansio/websocket (handshake through @sansio/http1) over this runtime's
// adapter. native: the `ws` package on Node, `Bun.serve` websockets on Bun, `Deno.upgradeWebSocket`
// under `Deno.serve` on Deno. Every server echoes each message as it came (binary stays binary), with
// no permessage-deflate (the bench's clients do not offer it). Prints its port, then answers the
// orchestrator's commands (`memory`, for the idle-connection row).
import process from "node:process";
import { http1Server } from "@sansio/http1";
import { acceptWebSocket } from "@sansio/websocket";
import { loadAdapter, runtimeId } from "../lib/adapter.mjs";
import { KEEP_ALIVE_MS, serveHelloCommands } from "../lib/hello.mjs";

const HOST = "127.0.0.1";
const impl = process.argv[2];

async function sansio() {
  const runtime = await loadAdapter();
  const listener = await runtime.listen(
    { hostname: HOST, port: 0, idleTimeout: KEEP_ALIVE_MS },
    http1Server(async (request, response) => {
      const ws = await acceptWebSocket(request, response, { deflate: false });
      ws.onmessage = (message) => void ws.send(message.data);
    }),
  );
  return { port: listener.address.port, close: () => listener.close({ timeout: 500 }) };
}

async function nodeWs() {
  const { WebSocketServer } = await import("ws");
  const server = new WebSocketServer({ host: HOST, port: 0, perMessageDeflate: false });
  server.on("connection", (ws) => {
    ws.on("message", (data, isBinary) => ws.send(data, { binary: isBinary }));
    ws.on("error", () => {});
  });
  await new Promise((resolve) => server.once("listening", resolve));
  return {
    port: server.address().port,
    close: () => {
      for (const ws of server.clients) ws.terminate();
      server.close();
    },
  };
}

function bunServe() {
  const server = Bun.serve({
    hostname: HOST,
    port: 0,
    fetch: (request, bun) => (bun.upgrade(request) ? undefined : new Response("WebSocket only", { status: 400 })),
    websocket: {
      perMessageDeflate: false,
      idleTimeout: KEEP_ALIVE_MS / 1000,
      message: (ws, message) => {
        ws.send(message);
      },
    },
  });
  return { port: server.port, close: () => server.stop(true) };
}

async function denoServe() {
  const ready = Promise.withResolvers();
  const server = Deno.serve(
    { hostname: HOST, port: 0, onListen: (address) => ready.resolve(address.port) },
    (request) => {
      const { socket, response } = Deno.upgradeWebSocket(request, { idleTimeout: KEEP_ALIVE_MS / 1000 });
      socket.binaryType = "arraybuffer";
      socket.onmessage = (event) => socket.send(event.data);
      return response;
    },
  );
  return { port: await ready.promise, close: () => server.shutdown() };
}

const natives = { node: nodeWs, bun: bunServe, deno: denoServe };
const server = impl === "sansio" ? await sansio() : impl === "native" ? await natives[runtimeId]() : undefined;
if (!server) throw new Error(`usage: <runtime> bench/ws/server.mjs sansio|native (got ${impl})`);
serveHelloCommands(server);
