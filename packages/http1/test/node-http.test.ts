// The http1 client, driven by @sansio/node over real sockets, against Node's own HTTP server.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { runtime } from "@sansio/node";
import { ConnectionClosedError } from "@sansio/runtime-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClientConnection } from "../src/index.js";
import { closedWithin } from "./helpers.js";

let server: http.Server;
let port: number;
let connections = 0;
const arrivals: string[] = [];

beforeAll(async () => {
  server = http.createServer(async (request, response) => {
    arrivals.push(`${request.method} ${request.url}`);
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    switch (request.url) {
      case "/echo":
        response.writeHead(200, {
          "Content-Type": "application/octet-stream",
          "X-Request-Framing": request.headers["transfer-encoding"] ?? `length ${request.headers["content-length"]}`,
        });
        response.end(body);
        return;
      case "/chunked":
        response.writeHead(200, { "Content-Type": "text/plain" });
        response.write("first,");
        setTimeout(() => response.end("second"), 5);
        return;
      case "/empty":
        response.writeHead(204);
        response.end();
        return;
      case "/close":
        response.writeHead(200, { Connection: "close", "Content-Length": "3" });
        response.end("bye");
        return;
      case "/slow":
        setTimeout(() => response.end("slow"), 30);
        return;
      default:
        response.end(`${request.method} ${request.url} host=${request.headers.host}`);
    }
  });
  server.on("connection", () => {
    connections++;
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

async function connect(options: Parameters<typeof createClientConnection>[0] = {}) {
  const client = createClientConnection({ host: `127.0.0.1:${port}`, ...options });
  const session = await runtime.connect({ hostname: "127.0.0.1", port }, client);
  return { client, session };
}

describe("http1 client against node:http", () => {
  it("reuses one connection for sequential requests of every kind", async () => {
    const before = connections;
    const { client, session } = await connect();
    const get = await client.request({ target: "/hello" });
    expect(get.status).toBe(200);
    expect(await get.body.text()).toBe(`GET /hello host=127.0.0.1:${port}`);

    const body = new Uint8Array(3 * 1024 * 1024).map((_, i) => i % 251);
    const echo = await client.request({ method: "POST", target: "/echo", body });
    expect(echo.header("x-request-framing")).toBe(`length ${body.length}`);
    expect(Buffer.from(await echo.body.bytes()).equals(Buffer.from(body))).toBe(true);

    async function* parts() {
      for (let i = 0; i < 50; i++) yield new Uint8Array(10_000).fill(i);
    }
    const chunked = await client.request({ method: "PUT", target: "/echo", body: parts() });
    expect(chunked.header("x-request-framing")).toBe("chunked");
    const echoed = await chunked.body.bytes();
    expect(echoed.length).toBe(500_000);
    expect(echoed[499_999]).toBe(49);

    const streamed = await client.request({ target: "/chunked" });
    expect(streamed.header("transfer-encoding")).toBe("chunked");
    expect(await streamed.body.text()).toBe("first,second");

    const empty = await client.request({ target: "/empty" });
    expect(empty.status).toBe(204);
    expect(await empty.body.text()).toBe("");

    const head = await client.request({ method: "HEAD", target: "/hello" });
    expect(head.status).toBe(200);
    expect(await head.body.text()).toBe("");

    expect(connections - before).toBe(1);
    client.shutdown();
    await closedWithin(session.closed);
  });

  it("pipelines with persistent: true and keeps responses in order", async () => {
    const { client, session } = await connect({ persistent: true });
    arrivals.length = 0;
    const responses = ["/slow", "/a", "/b"].map((target) => client.request({ target }));
    expect(client.outstanding).toBe(3);
    const texts = await Promise.all(responses.map(async (r) => (await r).body.text()));
    expect(texts).toEqual(["slow", `GET /a host=127.0.0.1:${port}`, `GET /b host=127.0.0.1:${port}`]);
    expect(arrivals).toEqual(["GET /slow", "GET /a", "GET /b"]);
    expect(client.outstanding).toBe(0);
    client.close();
    await closedWithin(session.closed);
  });

  it("fails requests after a Connection: close response with a retryable error", async () => {
    const { client, session } = await connect({ persistent: true });
    const closing = client.request({ target: "/close" });
    const after = client.request({ target: "/after" });
    expect(await (await closing).body.text()).toBe("bye");
    await expect(after).rejects.toBeInstanceOf(ConnectionClosedError);
    await closedWithin(session.closed);
  });

  it("close() fails outstanding requests at once", async () => {
    const { client, session } = await connect({ persistent: true });
    const slow = client.request({ target: "/slow" });
    client.close();
    await expect(slow).rejects.toBeInstanceOf(ConnectionClosedError);
    await closedWithin(session.closed);
    expect(client.outstanding).toBe(0);
  });
});
