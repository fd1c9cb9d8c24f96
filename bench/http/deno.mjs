// HTTP hello world on Deno: `deno run -A bench/http/deno.mjs sansio|native`.
// sansio: @sansio/http1 over @sansio/deno. native: Deno.serve. Prints its port.
import process from "node:process";
import { runtime } from "@sansio/deno";
import { http1Server } from "@sansio/http1";
import { serveCommands } from "../lib/commands.mjs";
import { CONTENT_TYPE, HELLO_BYTES, HELLO_TEXT, KEEP_ALIVE_MS } from "../lib/hello.mjs";
import { memorySnapshot } from "../lib/memory.mjs";

const HOST = "127.0.0.1";
const impl = process.argv[2];

async function sansio() {
  const headers = ["Content-Type", CONTENT_TYPE];
  const listener = await runtime.listen(
    { hostname: HOST, port: 0, idleTimeout: KEEP_ALIVE_MS },
    http1Server((_request, response) => response.respond(200, headers, HELLO_BYTES)),
  );
  return { port: listener.address.port, close: () => listener.close({ timeout: 500 }) };
}

async function native() {
  const ready = Promise.withResolvers();
  const server = Deno.serve(
    { hostname: HOST, port: 0, onListen: (address) => ready.resolve(address.port) },
    () => new Response(HELLO_TEXT, { headers: { "Content-Type": CONTENT_TYPE } }),
  );
  return { port: await ready.promise, close: () => server.shutdown() };
}

const server = impl === "sansio" ? await sansio() : impl === "native" ? await native() : undefined;
if (!server) throw new Error(`usage: deno run -A bench/http/deno.mjs sansio|native (got ${impl})`);
serveCommands(
  { port: server.port },
  async (command) => {
    if (command.cmd === "memory") return memorySnapshot();
    throw new Error(`unknown command ${command.cmd}`);
  },
  server.close,
);
