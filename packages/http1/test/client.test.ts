import { ConnectionClosedError } from "@sansio/runtime-api";
import { createMemoryRuntime } from "@sansio/runtime-api/testing";
import { describe, expect, it } from "vitest";
import { createClientConnection, HttpParseError } from "../src/index.js";
import { bytes, closedWithin, IO_PLANS, type ScriptedReply, ScriptedServer, serveMemory, sleep } from "./helpers.js";

/** A memory runtime whose listener runs a fresh {@link ScriptedServer} per connection. */
async function scripted(script: (index: number) => ScriptedReply, options = {}) {
  const runtime = createMemoryRuntime(options);
  const servers: ScriptedServer[] = [];
  const listener = await runtime.listen({}, () => {
    const server = new ScriptedServer(script);
    servers.push(server);
    return server;
  });
  const port = listener.address.transport === "tcp" ? listener.address.port : 0;
  return { runtime, port, servers, close: () => listener.close({ timeout: 500 }) };
}

const OK = (body: string, extra = ""): ScriptedReply => ({
  text: `HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n${extra}\r\n${body}`,
});

describe.each(IO_PLANS)("client against the http1 server ($name)", ({ options, bulk }) => {
  it("sends requests with every kind of body over one kept-alive connection", async () => {
    const sessions = new Set<unknown>();
    const { runtime, port, close } = await serveMemory(
      async (request, response) => {
        sessions.add(request.session);
        if (request.target === "/stream") {
          response.writeHead(200, { "Content-Type": "text/plain" });
          for (let i = 0; i < 3; i++) await response.write(`part${i};`);
          response.end();
          return;
        }
        const body = await request.body.text();
        response.respond(
          200,
          { "X-Method": request.method, "X-Length": String(body.length) },
          `${request.method}:${body}`,
        );
      },
      {},
      options,
    );
    const client = createClientConnection({ host: "test.local" });
    const session = await runtime.connect({ port }, client);

    const get = await client.request({ target: "/" });
    expect(get.status).toBe(200);
    expect(get.version).toBe("HTTP/1.1");
    expect(await get.body.text()).toBe("GET:");

    const post = await client.request({ method: "POST", target: "/", body: "hello" });
    expect(post.header("x-length")).toBe("5");
    expect(await post.body.text()).toBe("POST:hello");

    const payload = "z".repeat(bulk);
    async function* chunks() {
      for (let i = 0; i < payload.length; i += 1000) yield bytes(payload.slice(i, i + 1000));
    }
    const streamed = await client.request({ method: "PUT", target: "/", body: chunks() });
    expect(await streamed.body.text()).toBe(`PUT:${payload}`);

    const head = await client.request({ method: "HEAD", target: "/" });
    expect(head.header("content-length")).toBe("5");
    expect(await head.body.text()).toBe("");

    const stream = await client.request({ target: "/stream" });
    expect(stream.body.length).toBeNull();
    expect(await stream.body.text()).toBe("part0;part1;part2;");

    expect(sessions.size).toBe(1);
    expect(client.outstanding).toBe(0);
    client.shutdown();
    await closedWithin(session.closed);
    await close();
  });
});

describe("client: pipelining and persistence", () => {
  it("pipelines from the start with persistent: true", async () => {
    const { runtime, port, servers, close } = await scripted((i) => ({ ...OK(`r${i}`), delay: i === 0 ? 20 : 0 }));
    const client = createClientConnection({ host: "h", persistent: true });
    await runtime.connect({ port }, client);
    const responses = [0, 1, 2].map((i) => client.request({ target: `/${i}` }));
    expect(client.outstanding).toBe(3);
    const bodies = await Promise.all(responses.map(async (r) => (await r).body.text()));
    expect(bodies).toEqual(["r0", "r1", "r2"]);
    expect(servers[0]?.headsAtReply[0]).toBe(3);
    expect(client.outstanding).toBe(0);
    client.close();
    await close();
  });

  it("by default waits for the first response to prove keep-alive, then pipelines", async () => {
    const { runtime, port, servers, close } = await scripted((i) => ({ ...OK(`r${i}`), delay: 20 }));
    const client = createClientConnection({ host: "h" });
    await runtime.connect({ port }, client);
    const responses = [0, 1, 2].map((i) => client.request({ target: `/${i}` }));
    const bodies = await Promise.all(responses.map(async (r) => (await r).body.text()));
    expect(bodies).toEqual(["r0", "r1", "r2"]);
    // First reply: only one request had arrived. Then the other two were pipelined together.
    expect(servers[0]?.headsAtReply).toEqual([1, 3, 3]);
    client.close();
    await close();
  });

  it("fails requests queued behind a response that closes the connection, with a retryable error", async () => {
    const { runtime, port, close } = await scripted((i) => ({ ...OK(`r${i}`, "Connection: close\r\n"), close: true }));
    const client = createClientConnection({ host: "h", persistent: true });
    const session = await runtime.connect({ port }, client);
    const first = client.request({ target: "/0" });
    const second = client.request({ target: "/1" });
    expect(await (await first).body.text()).toBe("r0");
    await expect(second).rejects.toBeInstanceOf(ConnectionClosedError);
    await closedWithin(session.closed);
    await close();
  });

  it("sends Connection: close and one request only with persistent: false", async () => {
    const { runtime, port, servers, close } = await scripted(() => OK("only"));
    const client = createClientConnection({ host: "h", persistent: false });
    const session = await runtime.connect({ port }, client);
    const response = await client.request({ target: "/" });
    await expect(client.request({ target: "/again" })).rejects.toBeInstanceOf(ConnectionClosedError);
    expect(await response.body.text()).toBe("only");
    expect(servers[0]?.received).toContain("Connection: close\r\n");
    await closedWithin(session.closed);
    await close();
  });

  it("shutdown() finishes the outstanding requests; close() fails them", async () => {
    const { runtime, port, close } = await scripted((i) => ({ ...OK(`r${i}`), delay: 10 }));
    const graceful = createClientConnection({ host: "h", persistent: true });
    const gracefulSession = await runtime.connect({ port }, graceful);
    const pending = [graceful.request({ target: "/0" }), graceful.request({ target: "/1" })];
    graceful.shutdown();
    await expect(graceful.request({ target: "/late" })).rejects.toBeInstanceOf(ConnectionClosedError);
    const texts = await Promise.all(pending.map(async (p) => (await p).body.text()));
    expect(texts).toEqual(["r0", "r1"]);
    await closedWithin(gracefulSession.closed);

    const abrupt = createClientConnection({ host: "h", persistent: true });
    const abruptSession = await runtime.connect({ port }, abrupt);
    const failing = [abrupt.request({ target: "/0" }), abrupt.request({ target: "/1" })];
    expect(abrupt.outstanding).toBe(2);
    abrupt.close();
    for (const request of failing) await expect(request).rejects.toBeInstanceOf(ConnectionClosedError);
    expect(abrupt.outstanding).toBe(0);
    await closedWithin(abruptSession.closed);
    await close();
  });
});

describe("client: response framing", () => {
  it.each(IO_PLANS)(
    "reads chunked bodies with trailers, 1xx responses and close-delimited bodies ($name)",
    async ({ options }) => {
      const { runtime, port, close } = await scripted(
        (i) =>
          i === 0
            ? {
                text:
                  "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n" +
                  "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nabcd\r\n3;ext\r\nefg\r\n0\r\nX-Digest: 7\r\n\r\n",
              }
            : { text: "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the end", close: true },
        options,
      );
      const client = createClientConnection({ host: "h", persistent: true });
      const session = await runtime.connect({ port }, client);
      const interim: number[] = [];
      const chunked = await client.request({ target: "/", onInformational: (status) => interim.push(status) });
      expect(interim).toEqual([100, 103]);
      expect(await chunked.body.text()).toBe("abcdefg");
      expect(chunked.body.trailers).toEqual(["X-Digest", "7"]);
      const untilClose = await client.request({ target: "/close" });
      expect(untilClose.version).toBe("HTTP/1.0");
      expect(await untilClose.body.text()).toBe("until the end");
      await closedWithin(session.closed);
      await close();
    },
  );

  it("rejects a malformed response with HttpParseError", async () => {
    const { runtime, port, close } = await scripted(() => ({
      text: "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello",
    }));
    const client = createClientConnection({ host: "h" });
    const session = await runtime.connect({ port }, client);
    await expect(client.request({ target: "/" })).rejects.toBeInstanceOf(HttpParseError);
    await closedWithin(session.closed);
    await close();
  });

  it("fails a truncated body and a request the server never answered", async () => {
    const { runtime, port, close } = await scripted(() => ({
      text: "HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\nshort",
      close: true,
    }));
    const client = createClientConnection({ host: "h", persistent: true });
    const session = await runtime.connect({ port }, client);
    const first = client.request({ target: "/" });
    const second = client.request({ target: "/2" });
    const response = await first;
    await expect(response.body.text()).rejects.toBeInstanceOf(HttpParseError);
    await expect(second).rejects.toBeInstanceOf(ConnectionClosedError);
    await closedWithin(session.closed);
    await close();
  });

  it("holds the server back while a response body is not read", async () => {
    const big = "q".repeat(300_000);
    const { runtime, port, close } = await scripted(() => OK(big), { pipeCapacity: 8192 });
    const client = createClientConnection({ host: "h", bodyHighWaterMark: 4096 });
    const session = await runtime.connect({ port }, client);
    const response = await client.request({ target: "/" });
    await sleep(20); // give the server time to (wrongly) push the whole body
    expect(response.body.ended).toBe(false);
    let total = 0;
    for await (const chunk of response.body) total += chunk.length;
    expect(total).toBe(big.length);
    client.close();
    await closedWithin(session.closed);
    await close();
  });

  it("stops sending a request body when the server answered early and closes", async () => {
    const { runtime, port, close } = await serveMemory((_, response) => {
      response.respond(413, { Connection: "close" }, "too large");
    });
    const client = createClientConnection({ host: "h" });
    const session = await runtime.connect({ port }, client);
    let produced = 0;
    async function* endless() {
      for (let i = 0; i < 100_000; i++) {
        produced++;
        yield new Uint8Array(1024);
        await sleep(0);
      }
    }
    const response = await client.request({ method: "POST", target: "/", body: endless() });
    expect(response.status).toBe(413);
    expect(await response.body.text()).toBe("too large");
    await closedWithin(session.closed);
    await sleep(10); // one iteration may have been under way
    const after = produced;
    await sleep(20);
    expect(produced).toBe(after);
    expect(produced).toBeLessThan(100_000);
    await close();
  });

  it("refuses invalid requests before sending anything", async () => {
    const client = createClientConnection();
    await expect(client.request({ target: "/" })).rejects.toBeInstanceOf(TypeError);
    const withHost = createClientConnection({ host: "h" });
    await expect(withHost.request({ target: "/a b" })).rejects.toBeInstanceOf(TypeError);
    await expect(withHost.request({ method: "GE T" })).rejects.toBeInstanceOf(TypeError);
    await expect(withHost.request({ headers: { "X-Bad": "a\r\nb" } })).rejects.toBeInstanceOf(TypeError);
    expect(withHost.outstanding).toBe(0);
  });
});
