import { describe, expect, it } from "vitest";
import type { Http2Handler } from "../src/index.js";
import { h2Memory, IO_PLANS, sleep, utf8 } from "./helpers.js";

const echo: Http2Handler = async (request, response) => {
  const body = await request.body.text();
  response.respond(
    200,
    { "content-type": "text/plain", "x-method": request.method },
    `${request.method} ${request.path} [${body}]`,
  );
};

describe.each(IO_PLANS)("client against server over the memory runtime ($name)", ({ options }) => {
  it("answers a GET and a POST with a body", async () => {
    const { connect, close } = await h2Memory(echo, {}, options);
    const client = await connect();
    const get = await client.request({ path: "/hello" });
    expect(get.status).toBe(200);
    expect(get.header("x-method")).toBe("GET");
    expect(await get.body.text()).toBe("GET /hello []");
    const post = await client.request({ method: "POST", path: "/p", body: "payload" });
    expect(await post.body.text()).toBe("POST /p [payload]");
    client.shutdown();
    await close();
  });

  it("runs many requests at once on one connection", async () => {
    const { connect, close } = await h2Memory(echo, {}, options);
    const client = await connect();
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) => client.request({ method: "POST", path: `/${i}`, body: `b${i}` })),
    );
    expect(await Promise.all(responses.map((r) => r.body.text()))).toEqual(
      Array.from({ length: 20 }, (_, i) => `POST /${i} [b${i}]`),
    );
    client.shutdown();
    await close();
  });

  it("streams a body larger than every window both ways, never cut short", async () => {
    const size = 300_000;
    const { connect, close } = await h2Memory(
      async (request, response) => {
        response.writeHead(200);
        let total = 0;
        for await (const chunk of request.body) {
          total += chunk.length;
          await response.write(chunk);
        }
        response.end(undefined, { "x-total": String(total) });
      },
      {},
      options,
    );
    const client = await connect();
    const payload = Uint8Array.from({ length: size }, (_, i) => i % 251);
    const stream = client.stream({ method: "PUT", path: "/big" });
    const sending = (async () => {
      for (let at = 0; at < size; at += 10_000) await stream.write(payload.subarray(at, at + 10_000));
      stream.end();
    })();
    const response = await stream.response;
    const received = await response.body.bytes();
    await sending;
    expect(received.length).toBe(size);
    expect(received).toEqual(payload);
    expect(response.body.trailers).toEqual(["x-total", String(size)]);
    client.shutdown();
    await close();
  });
});

describe("message semantics", () => {
  it("HEAD, 204 and 304 responses carry no content; streamed bodies both ways from async iterables", async () => {
    const { connect, close } = await h2Memory(async (request, response) => {
      if (request.path === "/204") return response.respond(204, {}, "ignored");
      if (request.path === "/stream") {
        async function* echo() {
          for await (const chunk of request.body) yield chunk;
          yield utf8("!");
        }
        return response.respond(200, {}, echo());
      }
      response.respond(200, { "content-type": "text/plain" }, "hello");
    });
    const client = await connect();
    const head = await client.request({ method: "HEAD" });
    expect([head.status, head.header("content-length"), (await head.body.bytes()).length]).toEqual([200, "5", 0]);
    const noContent = await client.request({ path: "/204" });
    expect([noContent.status, (await noContent.body.bytes()).length]).toEqual([204, 0]);
    async function* parts() {
      yield utf8("a");
      yield utf8("b");
    }
    const streamed = await client.request({ method: "POST", path: "/stream", body: parts() });
    expect(await streamed.body.text()).toBe("ab!");
    client.shutdown();
    await close();
  });
});

describe("flow control bounds memory", () => {
  it("a server that never reads: the client's writes wait, queuing at most window + high-water mark", async () => {
    const { connect, close } = await h2Memory(() => {}); // never reads, never answers
    const client = await connect({ writeHighWaterMark: 32 * 1024 });
    const stream = client.stream({ method: "PUT" });
    const chunk = new Uint8Array(8 * 1024);
    let accepted = 0;
    const writing = (async () => {
      for (let i = 0; i < 1000; i++) {
        await stream.write(chunk);
        accepted++;
      }
    })().catch(() => {});
    await sleep(100);
    // 64 KiB of stream window went to the server, then 32 KiB wait in our queue: about 12 chunks.
    expect(accepted).toBeGreaterThan(8);
    expect(accepted).toBeLessThanOrEqual(Math.ceil((65535 + 32 * 1024) / chunk.length) + 1);
    await sleep(100);
    const stalled = accepted;
    await sleep(100);
    expect(accepted).toBe(stalled); // still waiting: nothing more is taken
    stream.cancel();
    await writing;
    client.shutdown();
    await close();
  });
});
