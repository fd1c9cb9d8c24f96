import { ConnectionClosedError, SansioError } from "@sansio/runtime-api";
import { EchoConnection } from "@sansio/runtime-api/conformance";
import { describe, expect, it } from "vitest";
import { type Handler, HttpParseError, type IncomingRequest } from "../src/index.js";
import {
  bytes,
  CountingSender,
  eventually,
  headerOf,
  IO_PLANS,
  nth,
  parseResponses,
  rawExchange,
  serveMemory,
  sleep,
  within,
} from "./helpers.js";

/** Answers with the method, target and body it read. */
const describeRequest: Handler = async (request, response) => {
  const body = await request.body.text();
  response.respond(200, { "Content-Type": "text/plain" }, `${request.method} ${request.target} [${body}]`);
};

describe.each(IO_PLANS)("server over the memory runtime ($name)", ({ options, bulk }) => {
  it("answers pipelined requests in order, with keep-alive, CL and chunked bodies", async () => {
    const { runtime, port, close } = await serveMemory(
      async (request, response) => {
        // Later requests answer sooner: order must still be kept.
        const delay = Number(request.header("x-delay") ?? 0);
        if (delay) await sleep(delay);
        await describeRequest(request, response);
      },
      {},
      options,
    );
    const raw =
      "GET /one HTTP/1.1\r\nHost: a\r\nX-Delay: 20\r\n\r\n" +
      "POST /two HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nX-Delay: 5\r\n\r\nhello" +
      "POST /three HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2;x=y\r\nde\r\n0\r\nT: 1\r\n\r\n" +
      "GET /four HTTP/1.1\r\nHost: a\r\n\r\n";
    const responses = parseResponses(await rawExchange(runtime, port, raw));
    expect(responses.map((r) => r.body)).toEqual([
      "GET /one []",
      "POST /two [hello]",
      "POST /three [abcde]",
      "GET /four []",
    ]);
    expect(responses.every((r) => r.status === 200 && headerOf(r, "connection") === undefined)).toBe(true);
    await close();
  });

  it("streams large request bodies through with constant buffering (echo)", async () => {
    let maxChunk = 0;
    const { runtime, port, close } = await serveMemory(
      (request, response) => {
        response.writeHead(200, { "Content-Type": "application/octet-stream" });
        void (async () => {
          for await (const chunk of request.body) {
            maxChunk = Math.max(maxChunk, chunk.length);
            await response.write(chunk);
          }
          response.end();
        })();
      },
      { bodyHighWaterMark: 4096 },
      options,
    );
    const size = bulk;
    const payload = "x".repeat(size);
    const raw = `POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: ${size}\r\nConnection: close\r\n\r\n${payload}`;
    const response = nth(parseResponses(await rawExchange(runtime, port, raw)), 0);
    expect(response?.status).toBe(200);
    expect(response?.chunked).toBe(true);
    expect(response?.body.length).toBe(size);
    expect(response?.body === payload).toBe(true);
    await close();
  });
});

describe("server: connection management", () => {
  it("sends a Date header by default", async () => {
    const { runtime, port, close } = await serveMemory((_, response) => response.respond(200), { date: true });
    const response = nth(parseResponses(await rawExchange(runtime, port, "GET / HTTP/1.1\r\nHost: a\r\n\r\n")), 0);
    expect(headerOf(response, "date")).toMatch(/^\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/);
    await close();
  });

  it("streams responses with Content-Length, and closes when a body falls short", async () => {
    const { runtime, port, close } = await serveMemory(async (request, response) => {
      response.writeHead(200, { "Content-Length": "10" });
      await response.write("01234");
      if (request.target === "/short") response.end();
      else response.end("56789");
    });
    const full = parseResponses(await rawExchange(runtime, port, "GET / HTTP/1.1\r\nHost: a\r\n\r\n"));
    expect(full[0]?.body).toBe("0123456789");
    const short = await rawExchange(
      runtime,
      port,
      "GET /short HTTP/1.1\r\nHost: a\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n",
      { halfClose: false },
    );
    expect(short.endsWith("01234")).toBe(true);
    expect(short.match(/HTTP\/1\.1/g)).toHaveLength(1);
    await close();
  });

  it("streams to an HTTP/1.0 client by closing the connection", async () => {
    const { runtime, port, close } = await serveMemory(async (_, response) => {
      await response.write("part1,");
      response.end("part2");
    });
    const text = await rawExchange(runtime, port, "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", {
      halfClose: false,
    });
    const response = nth(parseResponses(text), 0);
    expect(response?.body).toBe("part1,part2");
    expect(headerOf(response, "connection")).toBe("close");
    await close();
  });

  it("pipes an async iterable body given to respond()", async () => {
    const { runtime, port, close } = await serveMemory((_, response) => {
      async function* parts() {
        yield bytes("a");
        await sleep(1);
        yield bytes("bc");
      }
      response.respond(200, {}, parts());
    });
    const response = nth(parseResponses(await rawExchange(runtime, port, "GET / HTTP/1.1\r\nHost: a\r\n\r\n")), 0);
    expect(response?.body).toBe("abc");
    expect(response?.chunked).toBe(true);
    await close();
  });

  it("refuses headers that would split the response", async () => {
    const thrown: unknown[] = [];
    const { runtime, port, close } = await serveMemory((_, response) => {
      try {
        response.respond(200, { "X-Evil": "a\r\nSet-Cookie: b" }, "x");
      } catch (error) {
        thrown.push(error);
        response.respond(200, {}, "safe");
      }
    }, {});
    const response = nth(parseResponses(await rawExchange(runtime, port, "GET / HTTP/1.1\r\nHost: a\r\n\r\n")), 0);
    expect(response?.body).toBe("safe");
    expect(headerOf(response, "set-cookie")).toBeUndefined();
    expect(thrown[0]).toBeInstanceOf(TypeError);
    await close();
  });
});

describe("server: request bodies", () => {
  it("holds the client back while the handler does not read (backpressure)", async () => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    let received = 0;
    const { runtime, port, close } = await serveMemory(
      async (request, response) => {
        await released;
        for await (const chunk of request.body) received += chunk.length;
        response.respond(200, {}, String(received));
      },
      { bodyHighWaterMark: 1024 },
      { pipeCapacity: 4096, readSize: 512 },
    );
    const size = 200_000;
    const client = new CountingSender(
      bytes(`POST / HTTP/1.1\r\nHost: a\r\nConnection: close\r\nContent-Length: ${size}\r\n\r\n${"y".repeat(size)}`),
    );
    await runtime.connect({ port }, client);
    await eventually(() => client.sent > 4096, 2000, "the client sends past the pipe's capacity");
    await sleep(30); // give it time to (wrongly) send more
    // Blocked: the server holds its high-water mark and a read or two; the pipe holds its capacity.
    expect(client.sent).toBeLessThan(16 * 1024);
    expect(received).toBe(0);
    release();
    const response = nth(parseResponses(await within(client.done, 5000, "the response arrives")), 0);
    expect(client.sent).toBeGreaterThan(size);
    expect(response?.body).toBe(String(size));
    await close();
  });

  it("stops reading pipelined requests while the client does not read the responses", async () => {
    let handled = 0;
    const { runtime, port, close } = await serveMemory(
      (request, response) => {
        handled++;
        response.respond(200, {}, request.target);
      },
      { writeHighWaterMark: 1024 },
      { pipeCapacity: 4096 },
    );
    const count = 2000;
    const client = new CountingSender(bytes("GET /x HTTP/1.1\r\nHost: a\r\n\r\n".repeat(count)), { readLater: true });
    await runtime.connect({ port }, client);
    await eventually(() => handled > 10, 2000, "the server handles the first requests");
    await sleep(30); // give it time to (wrongly) handle more
    // About (high-water mark + pipe capacity) / response size, far from all of them.
    expect(handled).toBeLessThan(400);
    client.startReading();
    await eventually(() => handled === count, 5000, `all ${count} requests are handled`);
    client.shutdown();
    await close();
  });

  it("discards an unread body and goes on to the next request", async () => {
    const { runtime, port, close } = await serveMemory((request, response) => {
      response.respond(200, {}, `${request.method} ${request.target}`);
    });
    const raw =
      "POST /a HTTP/1.1\r\nHost: a\r\nContent-Length: 6\r\n\r\nignore" +
      "POST /b HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nskip\r\n0\r\n\r\n" +
      "GET /c HTTP/1.1\r\nHost: a\r\n\r\n";
    const responses = parseResponses(await rawExchange(runtime, port, raw, { writeSize: 7 }));
    expect(responses.map((r) => r.body)).toEqual(["POST /a", "POST /b", "GET /c"]);
    await close();
  });

  it("sends 100 Continue when the handler reads the body, and not when it answers first", async () => {
    const { runtime, port, close } = await serveMemory(async (request, response) => {
      if (request.target === "/read") response.respond(200, {}, await request.body.text());
      else response.respond(413, {}, "too big");
    });
    const read = await rawExchange(
      runtime,
      port,
      "POST /read HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\nbody",
    );
    expect(read.startsWith("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n")).toBe(true);
    expect(read.endsWith("body")).toBe(true);
    const refused = await rawExchange(
      runtime,
      port,
      "POST /refuse HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n",
      { halfClose: false },
    );
    expect(refused.startsWith("HTTP/1.1 413")).toBe(true);
    expect(refused).toContain("Connection: close");
    expect(refused).not.toContain("100 Continue");
    await close();
  });

  it("sends 100 Continue before a streamed response that echoes the body", async () => {
    const { runtime, port, close } = await serveMemory((request, response) => {
      response.respond(200, { "Content-Length": String(request.body.length) }, request.body);
    });
    const text = await rawExchange(
      runtime,
      port,
      "POST /echo HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 6\r\n\r\nechoed",
    );
    expect(text.startsWith("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 6\r\n")).toBe(true);
    expect(text).not.toContain("Connection: close");
    expect(text.endsWith("\r\n\r\nechoed")).toBe(true);
    await close();
  });

  it("reports trailers of a chunked body", async () => {
    let trailers: readonly string[] = [];
    const { runtime, port, close } = await serveMemory(async (request, response) => {
      await request.body.discard();
      trailers = request.body.trailers;
      response.respond(200);
    });
    await rawExchange(
      runtime,
      port,
      "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n0\r\nX-Sum: 42\r\n\r\n",
    );
    expect(trailers).toEqual(["X-Sum", "42"]);
    await close();
  });

  it("fails the body and answers 400 for a malformed chunk", async () => {
    const bodyErrors: unknown[] = [];
    const { runtime, port, close } = await serveMemory(async (request, response) => {
      try {
        await request.body.text();
        response.respond(200);
      } catch (error) {
        bodyErrors.push(error);
      }
    });
    const text = await rawExchange(
      runtime,
      port,
      "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
      {
        halfClose: false,
      },
    );
    expect(text.startsWith("HTTP/1.1 400 Bad Request\r\n")).toBe(true);
    expect(bodyErrors[0]).toBeInstanceOf(HttpParseError);
    await close();
  });

  it("fails the body when the client closes mid-body", async () => {
    const bodyErrors: unknown[] = [];
    const { runtime, port, close } = await serveMemory(async (request, response) => {
      try {
        await request.body.text();
      } catch (error) {
        bodyErrors.push(error);
        response.respond(400);
      }
    });
    await rawExchange(runtime, port, "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\nabc");
    expect(bodyErrors[0]).toBeInstanceOf(HttpParseError);
    expect(bodyErrors[0]).toMatchObject({ code: "incomplete-message" });
    await close();
  });
});

describe("server: errors", () => {
  it("answers a throwing handler with 500 and keeps the connection", async () => {
    const errors: unknown[] = [];
    const { runtime, port, close } = await serveMemory(
      async (request, response) => {
        if (request.target === "/sync") throw new Error("sync failure");
        if (request.target === "/async") {
          await sleep(1);
          throw new Error("async failure");
        }
        response.respond(200, {}, "fine");
      },
      { onError: (error) => void errors.push(error) },
    );
    const responses = parseResponses(
      await rawExchange(
        runtime,
        port,
        "GET /sync HTTP/1.1\r\nHost: a\r\n\r\nPOST /async HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabcGET /ok HTTP/1.1\r\nHost: a\r\n\r\n",
      ),
    );
    expect(responses.map((r) => r.status)).toEqual([500, 500, 200]);
    expect(responses[2]?.body).toBe("fine");
    expect(errors).toMatchObject([{ message: "sync failure" }, { message: "async failure" }]);
    await close();
  });

  it("closes when a handler fails after the response began", async () => {
    const { runtime, port, close } = await serveMemory(
      async (_, response) => {
        await response.write("partial");
        throw new Error("mid-stream");
      },
      { onError: () => {} },
    );
    const text = await rawExchange(
      runtime,
      port,
      "GET / HTTP/1.1\r\nHost: a\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n",
      {
        halfClose: false,
      },
    );
    expect(text).toContain("partial");
    expect(text).not.toContain("0\r\n\r\n");
    expect(text.match(/HTTP\/1\.1 /g)).toHaveLength(1);
    await close();
  });

  it("lets onError replace error responses", async () => {
    const seen: [string, IncomingRequest | undefined][] = [];
    const { runtime, port, close } = await serveMemory(
      () => {
        throw new Error("boom");
      },
      {
        onError: (error, request) => {
          seen.push([(error as Error).name, request]);
          return { status: 503, headers: { "Content-Type": "application/json" }, body: '{"error":true}' };
        },
      },
    );
    const handlerFailure = parseResponses(await rawExchange(runtime, port, "GET / HTTP/1.1\r\nHost: a\r\n\r\n"));
    expect(handlerFailure[0]?.status).toBe(503);
    expect(handlerFailure[0]?.body).toBe('{"error":true}');
    const parseFailure = parseResponses(
      await rawExchange(runtime, port, "GET / HTTP/1.1\r\n\r\n", { halfClose: false }),
    );
    expect(parseFailure[0]?.status).toBe(503);
    expect(seen[0]?.[0]).toBe("Error");
    expect(seen[0]?.[1]?.target).toBe("/");
    expect(seen[1]?.[0]).toBe("HttpParseError");
    expect(seen[1]?.[1]).toBeUndefined();
    await close();
  });
});

describe("server: upgrade", () => {
  it("switches to another protocol after 101, handing it the bytes that followed", async () => {
    const { runtime, port, close } = await serveMemory((request, response) => {
      if (request.upgrade === "echo") response.upgrade({ Upgrade: "echo" }, () => new EchoConnection());
      else response.respond(426, { Upgrade: "echo" });
    });
    const text = await rawExchange(
      runtime,
      port,
      "GET /plain HTTP/1.1\r\nHost: a\r\n\r\nGET /ws HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: echo\r\n\r\nthese bytes are echoed",
    );
    expect(text).toMatch(/^HTTP\/1\.1 426 Upgrade Required\r\n/);
    const upgraded = text.slice(text.indexOf("HTTP/1.1 101"));
    expect(upgraded).toBe(
      "HTTP/1.1 101 Switching Protocols\r\nUpgrade: echo\r\nConnection: Upgrade\r\n\r\nthese bytes are echoed",
    );
    await close();
  });

  it("upgrades from an async handler at one-byte reads", async () => {
    const { runtime, port, close } = await serveMemory(
      async (_, response) => {
        await sleep(2);
        response.upgrade({ Upgrade: "echo" }, new EchoConnection());
      },
      {},
      { readSize: 1 },
    );
    const text = await rawExchange(
      runtime,
      port,
      "GET / HTTP/1.1\r\nHost: a\r\nConnection: upgrade\r\nUpgrade: echo\r\n\r\nping",
    );
    expect(text.endsWith("\r\n\r\nping")).toBe(true);
    await close();
  });
});

describe("server: shutdown", () => {
  it("finishes the request under way, then closes on listener.close()", async () => {
    let started!: () => void;
    const inHandler = new Promise<void>((resolve) => {
      started = resolve;
    });
    const { runtime, port, close } = await serveMemory(async (_, response) => {
      started();
      await sleep(20);
      response.respond(200, {}, "done");
    });
    const exchange = rawExchange(runtime, port, "GET / HTTP/1.1\r\nHost: a\r\n\r\n", { halfClose: false });
    await inHandler;
    const closing = close();
    const response = nth(parseResponses(await exchange), 0);
    await closing;
    expect(response?.body).toBe("done");
    expect(headerOf(response, "connection")).toBe("close");
  });

  it("rejects writes once the connection is gone, without unhandled rejections", async () => {
    let writeError: unknown;
    const told: [unknown, string | undefined][] = [];
    let finished!: () => void;
    const done = new Promise<void>((resolve) => {
      finished = resolve;
    });
    const { runtime, port, close } = await serveMemory(
      async (_, response) => {
        response.writeHead(200);
        try {
          for (let i = 0; i < 1000; i++) {
            await response.write(new Uint8Array(16 * 1024));
            await sleep(1); // let the client's timer run (the memory runtime works on microtasks)
          }
        } catch (error) {
          writeError = error;
        }
        finished();
      },
      { onError: (error, request) => void told.push([error, request?.target]) },
      { pipeCapacity: 8192 },
    );
    const session = await runtime.connect(
      { port },
      new (await import("@sansio/runtime-api/conformance")).SendAndCollect(bytes("GET / HTTP/1.1\r\nHost: a\r\n\r\n"), {
        halfClose: false,
      }),
    );
    await sleep(10);
    session.close();
    await within(done, 5000, "the handler sees its write fail");
    expect(writeError).toBeInstanceOf(ConnectionClosedError);
    // onError heard that the response could not complete, for that request.
    expect(told.length).toBeGreaterThan(0);
    expect(told[0]?.[0]).toBeInstanceOf(SansioError);
    expect(told[0]?.[1]).toBe("/");
    await close();
  });
});
