// HTTP hello world on Bun: `bun run bench/http/bun.mjs sansio|native|floor|adapter-floor`.
// sansio: @sansio/http1 over @sansio/bun. native: Bun.serve. floor: a bare Bun.listen server that counts
// request heads and writes a canned response for each (no parsing).
// adapter-floor: the same work as a sans-IO connection over the adapter. Prints its port.
import process from "node:process";
import { runtime } from "@sansio/bun";
import { http1Server } from "@sansio/http1";
import { cannedAnswers, headCounter } from "../lib/canned.mjs";
import {
  CONTENT_TYPE,
  HELLO_TEXT,
  KEEP_ALIVE_MS,
  serveCannedWithAdapter,
  serveHelloCommands,
  serveHelloWithHttp1,
} from "../lib/hello.mjs";

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

/**
 * The Bun.listen floor: count heads by their blank line, answer each with the canned bytes. Bun may
 * write partially and keeps nothing: an unwritten tail waits for `drain` (reading pauses meanwhile).
 */
function floor() {
  const flush = (socket, bytes) => {
    const written = socket.write(bytes);
    if (written >= 0 && written < bytes.length) {
      socket.data.tail = bytes.subarray(written);
      socket.pause();
    } else socket.data.tail = null;
  };
  const server = Bun.listen({
    hostname: HOST,
    port: 0,
    socket: {
      open(socket) {
        socket.data = { count: headCounter(), tail: null };
      },
      data(socket, chunk) {
        const heads = socket.data.count(chunk);
        if (heads > 0) flush(socket, cannedAnswers(heads));
      },
      drain(socket) {
        const tail = socket.data.tail;
        if (tail === null) return;
        flush(socket, tail);
        if (socket.data.tail === null) socket.resume();
      },
      error() {},
    },
  });
  return { port: server.port, close: () => server.stop(true) };
}

const servers = { sansio, native, floor, "adapter-floor": () => serveCannedWithAdapter(runtime, HOST) };
const server = await servers[impl]?.();
if (!server) throw new Error(`usage: bun run bench/http/bun.mjs sansio|native|floor|adapter-floor (got ${impl})`);
serveHelloCommands(server);
