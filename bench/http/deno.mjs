// HTTP hello world on Deno: `deno run -A bench/http/deno.mjs sansio|native`.
// sansio: @sansio/http1 over @sansio/deno. native: Deno.serve. Prints its port.
import process from "node:process";
import { runtime } from "@sansio/deno";
import { http1Server } from "@sansio/http1";
import { CONTENT_TYPE, HELLO_TEXT, serveHelloCommands, serveHelloWithHttp1 } from "../lib/hello.mjs";

const HOST = "127.0.0.1";
const impl = process.argv[2];

const sansio = () => serveHelloWithHttp1(runtime, http1Server, HOST);

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
serveHelloCommands(server);
