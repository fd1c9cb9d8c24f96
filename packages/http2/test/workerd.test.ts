// Our HTTP/2 client inside a real workerd (through @sansio/workers), h2c by prior knowledge (Workers has
// no ALPN, so TLS h2 cannot be negotiated there), against node:http2 (nghttp2 inside Node) and against
// our own server on @sansio/node, both on 127.0.0.1 in this process: a GET, a POST larger than the
// initial flow-control window, ten requests in flight with one reset by the server, then a shutdown.
import { existsSync } from "node:fs";
import http2 from "node:http2";
import type { AddressInfo } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { runtime } from "@sansio/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningWorker, startWorker } from "../../workers/test/miniflare-worker.mjs";
import { http2Server } from "../src/index.js";

const here = dirname(fileURLToPath(import.meta.url));
const packages = join(here, "..", "..");

let workerd: RunningWorker | undefined;
const stops: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  for (const name of ["workers", "http1", "runtime-api", "node"]) {
    expect(existsSync(join(packages, name, "dist", "index.js")), `build @sansio/${name} first`).toBe(true);
  }
  // Served by miniflare: its default outbound network reaches the servers on 127.0.0.1.
  workerd = await startWorker({
    entry: join(here, "workerd", "worker.ts"),
    alias: { "@sansio/http2": join(here, "..", "src", "index.ts") },
  });
}, 120_000);

afterAll(async () => {
  await workerd?.stop();
  for (const stop of stops.splice(0).reverse()) await stop();
});

/** node:http2 on 127.0.0.1: `/echo` answers the body, `/reset` is reset (CANCEL) unanswered, others their path. */
async function nodeServer(): Promise<number> {
  const server = http2.createServer();
  server.on("stream", (stream, headers) => {
    const path = String(headers[":path"]);
    stream.on("error", () => {});
    if (path === "/reset") {
      stream.close(http2.constants.NGHTTP2_CANCEL);
      return;
    }
    const chunks: Buffer[] = [];
    stream.on("data", (chunk: Buffer) => chunks.push(chunk));
    stream.on("end", () => {
      stream.respond({ ":status": 200 });
      stream.end(path === "/echo" ? Buffer.concat(chunks) : `path ${path}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  stops.push(() => new Promise((resolve) => server.close(resolve)));
  return (server.address() as AddressInfo).port;
}

/** Our server on @sansio/node, same routes; `/reset` fails after its headers: RST_STREAM INTERNAL_ERROR. */
async function ourServer(handlerErrors: unknown[]): Promise<number> {
  const listener = await runtime.listen(
    { hostname: "127.0.0.1", port: 0 },
    http2Server(
      async (request, response) => {
        const body = await request.body.bytes();
        if (request.path === "/reset") {
          response.writeHead(200);
          throw new Error("the handler fails after its headers");
        }
        response.respond(200, {}, request.path === "/echo" ? body : `path ${request.path}`);
      },
      { onError: (error) => handlerErrors.push(error) },
    ),
  );
  stops.push(() => listener.close({ timeout: 1000 }));
  if (listener.address.transport !== "tcp") throw new Error("expected a TCP listener");
  return listener.address.port;
}

/** What the Worker reports for a server that resets `/reset` with `resetCode`. */
function expectedExchange(resetCode: string) {
  return {
    get: { status: 200, body: "path /hello" },
    post: { status: 200, length: 300_000, intact: true },
    inFlight: 10,
    many: Array.from({ length: 10 }, (_, i) =>
      i === 5 ? { error: { name: "Http2StreamError", code: resetCode, remote: true } } : `path /many/${i}`,
    ),
    after: "path /after",
    closed: true,
  };
}

describe("@sansio/http2 client in workerd (h2c by prior knowledge)", () => {
  it("against node:http2: GET, POST over the window, 10 in flight with one reset, shutdown", async () => {
    const port = await nodeServer();
    const result = await (workerd as RunningWorker).post("/", { port }, 60_000);
    expect(result).toEqual(expectedExchange("CANCEL"));
  }, 90_000);

  it("against our server on @sansio/node: the same exchange", async () => {
    const handlerErrors: unknown[] = [];
    const port = await ourServer(handlerErrors);
    const result = await (workerd as RunningWorker).post("/", { port }, 60_000);
    expect(result).toEqual(expectedExchange("INTERNAL_ERROR"));
    expect(handlerErrors.map((e) => (e as Error).message)).toEqual(["the handler fails after its headers"]);
  }, 90_000);
});
