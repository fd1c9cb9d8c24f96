import http2 from "node:http2";
import { http1Server } from "@sansio/http1";
import { runtime } from "@sansio/node";
import { createMemoryRuntime } from "@sansio/runtime-api/testing";
import { describe, expect, it } from "vitest";
import { ErrorCode } from "../src/frame/index.js";
import { rstStreamFrame } from "../src/frame/serialize.js";
import {
  connectH2c,
  type Http2Handler,
  type Http2Request,
  type Http2ServerOptions,
  http2Server,
  upgradeToHttp2,
} from "../src/index.js";
import { h2Memory, sleep } from "./helpers.js";
import { ScriptedPeer } from "./scripted-peer.js";

// onResponseHead, the response observer (as @sansio/http1's): every response head the server sends,
// its own 431 and 500 included, just before it is queued; a throwing observer breaks nothing.

/** One observed head, reduced to what the tests compare. */
interface Seen {
  readonly status: number;
  readonly headers: string[];
  readonly streamId: number;
  /** `METHOD path` of the request, or "-" when there was none. */
  readonly request: string;
}

function recorder(): { seen: Seen[]; options: Pick<Http2ServerOptions, "onResponseHead"> } {
  const seen: Seen[] = [];
  return {
    seen,
    options: {
      onResponseHead: (head, request) =>
        seen.push({
          status: head.status,
          headers: [...head.headers],
          streamId: head.streamId,
          request: request === undefined ? "-" : `${request.method} ${request.path}`,
        }),
    },
  };
}

const GET = (path = "/") => [":method", "GET", ":scheme", "http", ":authority", "x", ":path", path];

describe("onResponseHead: the HTTP/2 server's response observer", () => {
  it("sees the handler's head as sent, during respond(), node:http2 the client over a real socket", async () => {
    const { seen, options } = recorder();
    let seenWhenHandlerReturned = -1;
    const listener = await runtime.listen(
      { hostname: "127.0.0.1" },
      http2Server((_request, response) => {
        response.respond(201, { "X-Kind": "made", Connection: "close", "content-type": "text/plain" }, "made");
        seenWhenHandlerReturned = seen.length;
      }, options),
    );
    const port = listener.address.transport === "tcp" ? listener.address.port : 0;
    const session = http2.connect(`http://127.0.0.1:${port}`);
    const status = await new Promise<number>((resolve, reject) => {
      const req = session.request({ ":path": "/thing", ":method": "POST" });
      req.on("response", (headers) => resolve(Number(headers[":status"])));
      req.on("error", reject);
      req.end("x");
    });
    session.close();
    await listener.close({ timeout: 1000 });
    expect(status).toBe(201);
    expect(seenWhenHandlerReturned).toBe(1);
    // Names lower-cased, `connection` dropped (HTTP/2 forbids it), content-length added for the bytes.
    expect(seen).toEqual([
      {
        status: 201,
        headers: ["x-kind", "made", "content-type", "text/plain", "content-length", "4"],
        streamId: 1,
        request: "POST /thing",
      },
    ]);
  });

  it("sees the server's own 431, with no request: its header block was too large to read", async () => {
    const { seen, options } = recorder();
    const memory = createMemoryRuntime();
    const listener = await memory.listen(
      {},
      http2Server((_request, response) => response.respond(200), options),
    );
    const port = listener.address.transport === "tcp" ? listener.address.port : 0;
    const peer = new ScriptedPeer("client");
    await memory.connect({ port }, peer);
    const fields = GET();
    for (let i = 0; i < 2100; i++) fields.push("x", "");
    peer.sendHeaders(1, fields, true);
    const response = await peer.waitFor((f) => f.type === "headers" && f.streamId === 1);
    expect(response.headers?.slice(0, 2)).toEqual([":status", "431"]);
    expect(seen).toEqual([
      { status: 431, headers: ["content-type", "text/plain", "content-length", "32"], streamId: 1, request: "-" },
    ]);
    await listener.close({ timeout: 500 });
  });

  it("sees the 500 that answers a throwing handler, with its request", async () => {
    const { seen, options } = recorder();
    const failures: unknown[] = [];
    const { connect, close } = await h2Memory(
      () => {
        throw new Error("boom");
      },
      { ...options, onError: (error) => failures.push(error) },
    );
    const client = await connect();
    expect((await client.request({ path: "/throw" })).status).toBe(500);
    client.shutdown();
    await close();
    expect(seen.map((s) => [s.status, s.request])).toEqual([[500, "GET /throw"]]);
    expect(failures).toMatchObject([{ message: "boom" }]);
  });

  it("a throwing observer breaks nothing: the response arrives whole, onError hears it with the request", async () => {
    const failures: [unknown, Http2Request | undefined][] = [];
    const { connect, close } = await h2Memory((_request, response) => response.respond(200, {}, "still here"), {
      onResponseHead: () => {
        throw new Error("observer failed");
      },
      onError: (error, request) => failures.push([error, request]),
    });
    const client = await connect();
    const response = await client.request({ path: "/a" });
    expect([response.status, await response.body.text()]).toEqual([200, "still here"]);
    expect(await (await client.request({ path: "/b" })).body.text()).toBe("still here");
    client.shutdown();
    await close();
    expect(failures.map(([error, request]) => [(error as Error).message, request?.path])).toEqual([
      ["observer failed", "/a"],
      ["observer failed", "/b"],
    ]);
  });

  it("a stream reset before any head shows nothing: by the client, or malformed and reset by the server", async () => {
    const { seen, options } = recorder();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let answered: Promise<void> | undefined;
    const memory = createMemoryRuntime();
    const listener = await memory.listen(
      {},
      http2Server((request, response) => {
        if (request.path !== "/slow") return response.respond(200);
        answered = gate.then(() => response.respond(200, {}, "too late"));
      }, options),
    );
    const port = listener.address.transport === "tcp" ? listener.address.port : 0;
    const peer = new ScriptedPeer("client");
    await memory.connect({ port }, peer);
    // The client resets stream 1 while its handler waits; the handler answers after that.
    peer.sendHeaders(1, GET("/slow"), true);
    for (let i = 0; i < 100 && answered === undefined; i++) await sleep(1);
    peer.send(rstStreamFrame(1, "CANCEL"));
    await sleep(5);
    release();
    await answered;
    // Stream 3 lacks :path: the server resets it with PROTOCOL_ERROR, no head.
    peer.sendHeaders(3, [":method", "GET", ":scheme", "http", ":authority", "x"], true);
    const reset = await peer.waitFor((f) => f.type === "rst_stream" && f.streamId === 3, "RST_STREAM 3");
    expect(reset.type === "rst_stream" && reset.errorCode).toBe(ErrorCode.PROTOCOL_ERROR);
    // Stream 5 is answered: the only head observed.
    peer.sendHeaders(5, GET("/fine"), true);
    await peer.waitFor((f) => f.type === "headers" && f.streamId === 5);
    expect(peer.frames.some((f) => f.type === "headers" && f.streamId === 1)).toBe(false);
    expect(seen.map((s) => [s.streamId, s.status, s.request])).toEqual([[5, 200, "GET /fine"]]);
    await listener.close({ timeout: 500 });
  });

  it("sees the answer on stream 1 after an h2c upgrade, through upgradeToHttp2's options", async () => {
    const { seen, options } = recorder();
    const app: Http2Handler = (request, response) => response.respond(200, {}, `h2 ${request.path}`);
    const memory = createMemoryRuntime();
    const listener = await memory.listen(
      {},
      http1Server(async (request, response) => {
        if (await upgradeToHttp2(request, response, app, options)) return;
        response.respond(200);
      }),
    );
    const port = listener.address.transport === "tcp" ? listener.address.port : 0;
    const result = await connectH2c(memory, { port }, { path: "/first" });
    expect(result.protocol).toBe("h2");
    if (result.protocol === "h2") {
      expect(await result.response.body.text()).toBe("h2 /first");
      await (await result.client.request({ path: "/second" })).body.text();
      result.client.shutdown();
    }
    await listener.close({ timeout: 500 });
    expect(seen.map((s) => [s.streamId, s.status, s.request])).toEqual([
      [1, 200, "GET /first"],
      [3, 200, "GET /second"],
    ]);
  });
});
