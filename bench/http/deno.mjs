// HTTP hello world on Deno: `deno run -A bench/http/deno.mjs sansio|native|floor|adapter-floor`.
// sansio: @sansio/http1 over @sansio/deno. native: Deno.serve. floor: a bare Deno.listen read/write
// loop that counts request heads and writes a canned response for each (no parsing).
// adapter-floor: the same work as a sans-IO connection over the adapter. Prints its port.
import process from "node:process";
import { runtime } from "@sansio/deno";
import { http1Server } from "@sansio/http1";
import { cannedAnswers, headCounter } from "../lib/canned.mjs";
import {
  CONTENT_TYPE,
  HELLO_TEXT,
  serveCannedWithAdapter,
  serveHelloCommands,
  serveHelloWithHttp1,
} from "../lib/hello.mjs";

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

/** One floor connection: read (64 KiB at a time), count heads, write the canned answers, until EOF. */
async function floorConnection(conn) {
  const buffer = new Uint8Array(64 * 1024);
  const count = headCounter();
  try {
    conn.setNoDelay(true);
    for (;;) {
      const n = await conn.read(buffer);
      if (n === null) break;
      const heads = count(buffer.subarray(0, n));
      if (heads === 0) continue;
      const answer = cannedAnswers(heads);
      let at = 0;
      while (at < answer.length) at += await conn.write(at === 0 ? answer : answer.subarray(at));
    }
  } catch {
    // The client went away.
  } finally {
    try {
      conn.close();
    } catch {
      // Already closed.
    }
  }
}

/** The Deno.listen floor: count heads by their blank line, answer each with the canned bytes; nothing else. */
function floor() {
  const listener = Deno.listen({ hostname: HOST, port: 0 });
  const conns = new Set();
  void (async () => {
    try {
      for await (const conn of listener) {
        conns.add(conn);
        void floorConnection(conn).finally(() => conns.delete(conn));
      }
    } catch {
      // Closed.
    }
  })();
  return {
    port: listener.addr.port,
    close: () => {
      listener.close();
      for (const conn of conns) {
        try {
          conn.close();
        } catch {
          // Already closed.
        }
      }
    },
  };
}

const servers = { sansio, native, floor, "adapter-floor": () => serveCannedWithAdapter(runtime, HOST) };
const server = await servers[impl]?.();
if (!server) throw new Error(`usage: deno run -A bench/http/deno.mjs sansio|native|floor|adapter-floor (got ${impl})`);
serveHelloCommands(server);
