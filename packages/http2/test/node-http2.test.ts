import http2 from "node:http2";
import https from "node:https";
import type { AddressInfo } from "node:net";
import type { TLSSocket } from "node:tls";
import { http1Server } from "@sansio/http1";
import { runtime } from "@sansio/node";
import { afterEach, describe, expect, it } from "vitest";
import { testCertificates } from "../../../tests/support/certs.mjs";
import { type Http2ClientConnection, Http2StreamError, http2Server } from "../src/index.js";
import { connectOurClient, PEER_MODES, type PeerMode } from "./helpers.js";

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A node:http2 server (nghttp2 inside Node) on 127.0.0.1. */
async function nodeServer(
  mode: PeerMode,
  onStream: (stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders) => void,
) {
  const { cert, key, ca } = await testCertificates();
  const server =
    mode === "TLS + ALPN h2" ? http2.createSecureServer({ cert, key, allowHTTP1: false }) : http2.createServer();
  server.on("stream", onStream);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  cleanups.push(() => new Promise((resolve) => server.close(resolve)));
  const port = (server.address() as AddressInfo).port;
  return { port, ca };
}

/** Our client connected to `port` (see connectOurClient), shut down after the test. */
async function ourClient(mode: PeerMode, port: number, ca: string): Promise<Http2ClientConnection> {
  const { client, close } = await connectOurClient(runtime, mode, port, ca);
  cleanups.push(close);
  return client;
}

describe.each(PEER_MODES)("our client against the node:http2 server, %s", (mode) => {
  it("GET, POST with a large body, trailers both ways, and many streams at once", async () => {
    const { port, ca } = await nodeServer(mode, (stream, headers) => {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        const body = Buffer.concat(chunks);
        stream.respond(
          {
            ":status": 200,
            "x-path": String(headers[":path"]),
            "x-length": String(body.length),
            "x-trailer": String(stream.sentTrailers ?? ""),
          },
          { waitForTrailers: true },
        );
        stream.on("wantTrailers", () =>
          stream.sendTrailers({ "x-sum": String(body.reduce((a, b) => (a + b) % 65536, 0)) }),
        );
        stream.end(body);
      });
    });
    const client = await ourClient(mode, port, ca);

    const get = await client.request({ path: "/a?b=c" });
    expect(get.status).toBe(200);
    expect(get.header("x-path")).toBe("/a?b=c");
    expect((await get.body.bytes()).length).toBe(0);
    expect(get.body.trailers).toEqual(["x-sum", "0"]);

    const big = Uint8Array.from({ length: 1_000_000 }, (_, i) => (i * 7) % 256);
    const post = await client.request({ method: "POST", path: "/upload", body: big });
    const echoed = await post.body.bytes();
    expect(post.header("x-length")).toBe(String(big.length));
    expect(echoed).toEqual(big);
    expect(post.body.trailers).toEqual(["x-sum", String(big.reduce((a, b) => (a + b) % 65536, 0))]);

    const many = await Promise.all(Array.from({ length: 50 }, (_, i) => client.request({ path: `/${i}` })));
    expect(many.map((r) => r.header("x-path"))).toEqual(Array.from({ length: 50 }, (_, i) => `/${i}`));
    await Promise.all(many.map((r) => r.body.discard()));
    expect(await client.ping()).toBeGreaterThanOrEqual(0);
  });

  it("queues requests beyond the server's MAX_CONCURRENT_STREAMS instead of failing them", async () => {
    let open = 0;
    let most = 0;
    const { cert, key, ca } = await testCertificates();
    const settings = { maxConcurrentStreams: 3 };
    const server =
      mode === "TLS + ALPN h2" ? http2.createSecureServer({ cert, key, settings }) : http2.createServer({ settings });
    server.on("stream", (stream) => {
      open++;
      most = Math.max(most, open);
      setTimeout(() => {
        open--;
        stream.respond({ ":status": 200 });
        stream.end("ok");
      }, 5);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    cleanups.push(() => new Promise((resolve) => server.close(resolve)));
    const client = await ourClient(mode, (server.address() as AddressInfo).port, ca);
    await client.ping(); // the server's SETTINGS have arrived
    const texts = await Promise.all(Array.from({ length: 12 }, () => client.request().then((r) => r.body.text())));
    expect(texts).toEqual(Array(12).fill("ok"));
    expect(most).toBeLessThanOrEqual(3);
  });

  it("a stream reset by the server rejects that request only, typed, with the code", async () => {
    const { port, ca } = await nodeServer(mode, (stream, headers) => {
      stream.on("error", () => {}); // node reports the reset it sent as an error on its own stream
      if (headers[":path"] === "/reset") stream.close(http2.constants.NGHTTP2_REFUSED_STREAM);
      else {
        stream.respond({ ":status": 200 });
        stream.end("fine");
      }
    });
    const client = await ourClient(mode, port, ca);
    const [reset, fine] = await Promise.allSettled([
      client.request({ path: "/reset" }),
      client.request({ path: "/ok" }),
    ]);
    expect(reset.status).toBe("rejected");
    const error = (reset as PromiseRejectedResult).reason as Http2StreamError;
    expect(error).toBeInstanceOf(Http2StreamError);
    expect([error.code, error.remote, error.retryable]).toEqual(["REFUSED_STREAM", true, true]);
    expect(fine.status === "fulfilled" && (await fine.value.body.text())).toBe("fine");
  });
});

describe.each(PEER_MODES)("the node:http2 client against our server, %s", (mode) => {
  it("GET, POST with a large body, trailers and many streams", async () => {
    const { cert, key, ca } = await testCertificates();
    const listener = await runtime.listen(
      mode === "TLS + ALPN h2"
        ? { hostname: "127.0.0.1", tls: { cert, key, alpnProtocols: ["h2"] } }
        : { hostname: "127.0.0.1" },
      http2Server(async (request, response) => {
        const body = await request.body.bytes();
        response.writeHead(200, {
          "x-path": request.path,
          "x-method": request.method,
          "x-authority": request.authority,
        });
        await response.write(body);
        response.end(undefined, { "x-length": String(body.length) });
      }),
    );
    cleanups.push(() => listener.close({ timeout: 2000 }));
    const port = listener.address.transport === "tcp" ? listener.address.port : 0;
    const session =
      mode === "TLS + ALPN h2"
        ? http2.connect(`https://localhost:${port}`, { ca })
        : http2.connect(`http://127.0.0.1:${port}`);
    cleanups.push(() => new Promise<void>((resolve) => session.close(() => resolve())));
    const request = (path: string, body?: Uint8Array) =>
      new Promise<{ headers: http2.IncomingHttpHeaders; body: Buffer; trailers: http2.IncomingHttpHeaders }>(
        (resolve, reject) => {
          const stream = session.request({ ":path": path, ":method": body ? "POST" : "GET" });
          const chunks: Buffer[] = [];
          let headers: http2.IncomingHttpHeaders = {};
          let trailers: http2.IncomingHttpHeaders = {};
          stream.on("response", (h) => {
            headers = h;
          });
          stream.on("trailers", (t) => {
            trailers = t;
          });
          stream.on("data", (c: Buffer) => chunks.push(c));
          stream.on("end", () => resolve({ headers, body: Buffer.concat(chunks), trailers }));
          stream.on("error", reject);
          stream.end(body);
        },
      );
    const get = await request("/x?y=1");
    expect(get.headers[":status"]).toBe(200);
    expect(get.headers["x-path"]).toBe("/x?y=1");
    expect(get.headers["x-method"]).toBe("GET");
    expect(get.headers["x-authority"]).toBe(mode === "TLS + ALPN h2" ? `localhost:${port}` : `127.0.0.1:${port}`);
    expect(get.trailers["x-length"]).toBe("0");

    const big = Buffer.from(Uint8Array.from({ length: 2_000_000 }, (_, i) => (i * 13) % 256));
    const post = await request("/up", big);
    expect(post.body.equals(big)).toBe(true);
    expect(post.trailers["x-length"]).toBe(String(big.length));

    const many = await Promise.all(Array.from({ length: 60 }, (_, i) => request(`/${i}`)));
    expect(many.map((r) => r.headers["x-path"])).toEqual(Array.from({ length: 60 }, (_, i) => `/${i}`));
  });
});

describe("TLS with ALPN choosing h2 or http/1.1 on one listener", () => {
  it("serves node:http2 over h2 and node:https over HTTP/1.1 with one application", async () => {
    const { cert, key, ca } = await testCertificates();
    const listener = await runtime.listen(
      { hostname: "127.0.0.1", tls: { cert, key, alpnProtocols: ["h2", "http/1.1"] } },
      http2Server((request, response) => response.respond(200, { "x-version": request.version }, "over h2"), {
        http1: http1Server((request, response) => response.respond(200, { "x-version": request.version }, "over h1")),
      }),
    );
    cleanups.push(() => listener.close({ timeout: 2000 }));
    const port = listener.address.transport === "tcp" ? listener.address.port : 0;

    const session = http2.connect(`https://localhost:${port}`, { ca });
    cleanups.push(() => new Promise<void>((resolve) => session.close(() => resolve())));
    const h2 = await new Promise<{ version: unknown; body: string }>((resolve, reject) => {
      const stream = session.request({ ":path": "/" });
      let version: unknown;
      let body = "";
      stream.on("response", (h) => {
        version = h["x-version"];
      });
      stream.setEncoding("utf8");
      stream.on("data", (c: string) => {
        body += c;
      });
      stream.on("end", () => resolve({ version, body }));
      stream.on("error", reject);
      stream.end();
    });
    expect(h2).toEqual({ version: "HTTP/2", body: "over h2" });

    const h1 = await new Promise<{ version: unknown; body: string; alpn: unknown }>((resolve, reject) => {
      const request = https.request(
        {
          host: "127.0.0.1",
          servername: "localhost",
          port,
          ca,
          ALPNProtocols: ["http/1.1"],
          agent: false,
        } as https.RequestOptions,
        (response) => {
          let body = "";
          response.setEncoding("utf8");
          response.on("data", (c: string) => {
            body += c;
          });
          response.on("end", () =>
            resolve({
              version: response.headers["x-version"],
              body,
              alpn: (response.socket as TLSSocket).alpnProtocol,
            }),
          );
        },
      );
      request.on("error", reject);
      request.end();
    });
    expect(h1).toEqual({ version: "HTTP/1.1", body: "over h1", alpn: "http/1.1" });
  });
});
