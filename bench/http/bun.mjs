// HTTP hello world on Bun: `bun run bench/http/bun.mjs sansio|native`.
// sansio: @sansio/http1 over @sansio/bun. native: Bun.serve. Prints its port.
import process from "node:process";
import { runtime } from "@sansio/bun";
import { http1Server } from "@sansio/http1";
import { CONTENT_TYPE, HELLO_TEXT, KEEP_ALIVE_MS, serveHelloCommands, serveHelloWithHttp1 } from "../lib/hello.mjs";

const HOST = "127.0.0.1";
const impl = process.argv[2];

const sansio = () => serveHelloWithHttp1(runtime, http1Server, HOST);

function native() {
  const server = Bun.serve({
    hostname: HOST,
    port: 0,
    idleTimeout: Math.min(255, KEEP_ALIVE_MS / 1000),
    fetch: () => new Response(HELLO_TEXT, { headers: { "Content-Type": CONTENT_TYPE } }),
  });
  return { port: server.port, close: () => server.stop(true) };
}

const server = impl === "sansio" ? await sansio() : impl === "native" ? native() : undefined;
if (!server) throw new Error(`usage: bun run bench/http/bun.mjs sansio|native (got ${impl})`);
serveHelloCommands(server);
