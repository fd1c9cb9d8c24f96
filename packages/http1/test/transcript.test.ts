// Transcripts: the server and client connections driven step by step, without a runtime (see
// transcript.ts). Each test reads as the exchange on the wire: bytes in, read operation, bytes out.
import { ConnectionClosedError } from "@sansio/runtime-api";
import { EchoConnection } from "@sansio/runtime-api/conformance";
import { describe, expect, it } from "vitest";
import {
  createClientConnection,
  createServerConnection,
  type Handler,
  HttpParseError,
  type IncomingRequest,
  type ResponseWriter,
  type ServerOptions,
} from "../src/index.js";
import { Transcript } from "./transcript.js";

/** A server connection whose handler records each request and leaves the answer to the test. */
function server(options: ServerOptions = {}) {
  const requests: { request: IncomingRequest; response: ResponseWriter }[] = [];
  const handler: Handler = (request, response) => void requests.push({ request, response });
  const t = new Transcript(createServerConnection(handler, { date: false, ...options }));
  /** The exchange the handler received `index`-th; fails clearly when it did not. */
  const exchange = (index: number) => {
    const found = requests[index];
    if (!found) throw new Error(`the handler received ${requests.length} requests, not ${index + 1}`);
    return found;
  };
  return { t, requests, exchange };
}

/** A server connection answering every request with `respond(status, headers, body)` at once. */
function answering(status: number, body: string, options: ServerOptions = {}) {
  const targets: string[] = [];
  const t = new Transcript(
    createServerConnection(
      (request, response) => {
        targets.push(request.target);
        response.respond(status, {}, body);
      },
      { date: false, ...options },
    ),
  );
  return { t, targets };
}

describe("server transcripts", () => {
  it("GET, response, then back to reading the next request (keep-alive)", () => {
    const { t, exchange } = server();
    expect(t.readOperation()).toBe("read");
    const head = "GET /a HTTP/1.1\r\nHost: x\r\n\r\n";
    expect(t.feed(head)).toBe(head.length);
    expect(exchange(0).request.target).toBe("/a");
    // No body: nothing more to read until the response is done.
    expect(t.readOperation()).toBe("yield");
    const reader = t.yieldReader();
    expect(t.writerState()).toBe("yield");
    const writer = t.yieldWriter();
    exchange(0).response.respond(200, { "X-A": "1" }, "hi");
    expect(writer.woken).toBe(true);
    expect(reader.woken).toBe(true);
    expect(t.output()).toBe("HTTP/1.1 200 OK\r\nX-A: 1\r\nContent-Length: 2\r\n\r\nhi");
    expect(t.readOperation()).toBe("read");
    expect(t.writerState()).toBe("yield");
  });

  it("pipelined requests: one head is taken at a time, the rest stays in the driver's buffer", () => {
    const { t, exchange } = server();
    const one = "GET /1 HTTP/1.1\r\nHost: x\r\n\r\n";
    const two = "GET /2 HTTP/1.1\r\nHost: x\r\n\r\n";
    expect(t.feed(one + two)).toBe(one.length);
    expect(t.unconsumed).toBe(two);
    expect(t.readOperation()).toBe("yield");
    exchange(0).response.respond(200, {}, "1");
    expect(t.readOperation()).toBe("read");
    expect(t.feed()).toBe(two.length);
    exchange(1).response.respond(200, {}, "2");
    expect(t.output()).toBe(
      "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n1HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n2",
    );
  });

  it("a head split at every byte is taken only once complete", () => {
    const { t, requests } = server();
    const head = "GET /split HTTP/1.1\r\nHost: x\r\n\r\n";
    let consumed = 0;
    for (const byte of head) consumed += t.feed(byte);
    expect(consumed).toBe(head.length);
    expect(requests.map((r) => r.request.target)).toEqual(["/split"]);
  });

  it("a Content-Length body streams to the handler with backpressure at bodyHighWaterMark", async () => {
    const { t, exchange } = server({ bodyHighWaterMark: 4 });
    t.feed("POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n0123");
    const { request, response } = exchange(0);
    expect(request.body.length).toBe(10);
    // Four bytes wait unread: the high-water mark is reached, so the connection stops reading.
    expect(t.readOperation()).toBe("yield");
    const reader = t.yieldReader();
    expect(await request.body.read()).toEqual(new TextEncoder().encode("0123"));
    expect(reader.woken).toBe(true);
    expect(t.feed("456789")).toBe(6);
    expect(await request.body.text()).toBe("456789");
    expect(t.readOperation()).toBe("yield"); // body done, response not yet
    response.respond(204);
    expect(t.output()).toBe("HTTP/1.1 204 No Content\r\n\r\n");
    expect(t.readOperation()).toBe("read");
  });

  it("a chunked body with trailers", async () => {
    const { t, exchange } = server();
    t.feed("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\nX-Sum: 1\r\n\r\n");
    const { request } = exchange(0);
    expect(await request.body.text()).toBe("abc");
    expect(request.body.trailers).toEqual(["X-Sum", "1"]);
  });

  it("Connection: close: the response says so, then output and input close", () => {
    const { t, exchange } = server();
    t.feed("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    exchange(0).response.respond(200, {}, "bye");
    expect(t.output()).toBe("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 3\r\n\r\nbye");
    expect(t.writerState()).toBe("close");
    expect(t.readOperation()).toBe("close");
    expect(t.connection.isClosed()).toBe(true);
  });

  it("HTTP/1.0: closes by default, keeps alive when asked", () => {
    const plain = answering(200, "x");
    plain.t.feed("GET / HTTP/1.0\r\n\r\n");
    expect(plain.t.output()).toBe("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 1\r\n\r\nx");
    expect(plain.t.readOperation()).toBe("close");
    const kept = answering(200, "x");
    kept.t.feed("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
    expect(kept.t.output()).toBe("HTTP/1.1 200 OK\r\nConnection: keep-alive\r\nContent-Length: 1\r\n\r\nx");
    expect(kept.t.readOperation()).toBe("read");
  });

  it("HEAD, 204 and 304 carry no body; HEAD keeps the Content-Length", () => {
    const { t, exchange } = server();
    t.feed("HEAD / HTTP/1.1\r\nHost: x\r\n\r\n");
    exchange(0).response.respond(200, {}, "twelve bytes");
    expect(t.output()).toBe("HTTP/1.1 200 OK\r\nContent-Length: 12\r\n\r\n");
    t.feed("GET /304 HTTP/1.1\r\nHost: x\r\n\r\n");
    exchange(1).response.respond(304, { ETag: '"e"' });
    expect(t.output()).toBe('HTTP/1.1 304 Not Modified\r\nETag: "e"\r\n\r\n');
  });

  it("a streamed response is chunked, and ends with the last chunk", async () => {
    const { t, exchange } = server();
    t.feed("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    const { response } = exchange(0);
    response.writeHead(200);
    await response.write("ab");
    expect(t.output()).toBe("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\n");
    response.end("c");
    expect(t.output()).toBe("1\r\nc\r\n0\r\n\r\n");
    expect(t.readOperation()).toBe("read");
  });

  it("Expect: 100-continue is answered when the handler reads the body", async () => {
    const { t, exchange } = server();
    t.feed("POST / HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n");
    expect(t.output()).toBe("");
    const text = exchange(0).request.body.text();
    expect(t.output()).toBe("HTTP/1.1 100 Continue\r\n\r\n");
    t.feed("ok");
    expect(await text).toBe("ok");
  });

  it("Expect: 100-continue answered without reading: no 100, and the connection closes", () => {
    const { t, exchange } = server();
    t.feed("POST / HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n");
    exchange(0).response.respond(413, {}, "no");
    expect(t.output()).toBe("HTTP/1.1 413 Content Too Large\r\nConnection: close\r\nContent-Length: 2\r\n\r\nno");
    expect(t.writerState()).toBe("close");
  });

  it.each([
    [
      "a smuggling attempt (CL + TE)",
      400,
      "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n",
    ],
    ["obs-fold", 400, "GET / HTTP/1.1\r\nHost: a\r\nX: a\r\n b\r\n\r\n"],
    ["a bare CR", 400, "GET / HTTP/1.1\r\nHost: a\rX: b\r\n\r\n"],
    ["an unsupported transfer coding", 501, "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"],
    ["HTTP/2.0", 505, "GET / HTTP/2.0\r\nHost: a\r\n\r\n"],
    ["an unknown expectation", 417, "GET / HTTP/1.1\r\nHost: a\r\nExpect: x\r\n\r\n"],
    ["a long request line", 414, `GET /${"a".repeat(300)} HTTP/1.1\r\nHost: a\r\n\r\n`],
    ["too many headers", 431, `GET / HTTP/1.1\r\nHost: a\r\n${"X: y\r\n".repeat(20)}\r\n`],
    ["a large head", 431, `GET / HTTP/1.1\r\nHost: a\r\nX: ${"b".repeat(600)}\r\n\r\n`],
  ])("answers %s with %i, closes, and drops the rest of the input (lingers)", (_, status, raw) => {
    const errors: unknown[] = [];
    const { t, targets } = answering(200, "handler", {
      maxRequestLineBytes: 256,
      maxHeaderCount: 10,
      maxHeaderBytes: 512,
      onError: (error) => void errors.push(error),
    });
    // One byte at a time: the error is found at whatever boundary it becomes certain.
    for (const byte of raw) if (t.readOperation() === "read") t.feed(byte);
    expect(targets).toEqual([]);
    const out = t.output();
    expect(out.startsWith(`HTTP/1.1 ${status} `)).toBe(true);
    expect(out).toContain("\r\nConnection: close\r\n");
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(HttpParseError);
    expect((errors[0] as HttpParseError).status).toBe(status);
    expect(t.writerState()).toBe("close");
    // Lingering: more input is read and dropped, so the client reads the response, not a reset.
    expect(t.readOperation()).toBe("read");
    expect(t.feed("GET /next HTTP/1.1\r\nHost: a\r\n\r\n")).toBeGreaterThan(0);
    expect(targets).toEqual([]);
    t.feedEof();
    expect(t.readOperation()).toBe("close");
    expect(t.connection.isClosed()).toBe(true);
  });

  it("a handler that throws before responding gets 500; the connection carries on", () => {
    const t = new Transcript(
      createServerConnection(
        (request, response) => {
          if (request.target === "/boom") throw new Error("boom");
          response.respond(200, {}, "fine");
        },
        { date: false, onError: () => {} },
      ),
    );
    t.feed("GET /boom HTTP/1.1\r\nHost: x\r\n\r\n");
    expect(t.output()).toBe(
      "HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 21\r\n\r\nInternal Server Error",
    );
    t.feed("GET /ok HTTP/1.1\r\nHost: x\r\n\r\n");
    expect(t.output()).toBe("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nfine");
  });

  it("the peer closes mid-body: the body fails as incomplete", async () => {
    const { t, exchange } = server();
    t.feed("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc");
    const { request, response } = exchange(0);
    t.feedEof();
    const error = await request.body.text().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpParseError);
    expect((error as HttpParseError).code).toBe("incomplete-message");
    response.respond(400);
    expect(t.output().startsWith("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n")).toBe(true);
    expect(t.writerState()).toBe("close");
    expect(t.connection.isClosed()).toBe(true);
  });

  it("the peer stops reading: writes reject and onError hears it", async () => {
    const errors: unknown[] = [];
    const { t, exchange } = server({ onError: (error) => void errors.push(error) });
    t.feed("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    const { response } = exchange(0);
    response.writeHead(200);
    t.reportWriteClosed();
    await expect(response.write("x")).rejects.toBeInstanceOf(ConnectionClosedError);
    expect(response.aborted).toBe(true);
    expect(errors[0]).toBeInstanceOf(ConnectionClosedError);
    expect(t.readOperation()).toBe("close");
  });

  it("shutdown while idle closes at once; during an exchange, after the response", () => {
    const idle = server();
    idle.t.connection.shutdown();
    expect(idle.t.readOperation()).toBe("close");
    expect(idle.t.writerState()).toBe("close");

    const busy = server();
    busy.t.feed("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    busy.t.connection.shutdown();
    expect(busy.t.writerState()).toBe("yield");
    busy.exchange(0).response.respond(200, {}, "done");
    expect(busy.t.output()).toBe("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 4\r\n\r\ndone");
    expect(busy.t.writerState()).toBe("close");
    expect(busy.t.connection.isClosed()).toBe(true);
  });

  it("upgrade: 101, then the bytes after the request belong to the next protocol", () => {
    const { t, exchange } = server();
    t.feed("GET / HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: echo\r\n\r\nping");
    const { request, response } = exchange(0);
    expect(request.upgrade).toBe("echo");
    expect(t.unconsumed).toBe("ping");
    response.upgrade({ Upgrade: "echo" }, new EchoConnection());
    expect(t.output()).toBe("HTTP/1.1 101 Switching Protocols\r\nUpgrade: echo\r\nConnection: Upgrade\r\n\r\n");
    expect(t.feed()).toBe(4);
    expect(t.output()).toBe("ping");
  });
});

describe("client transcripts", () => {
  it("writes the request, reads the response, then is idle", async () => {
    const client = createClientConnection({ host: "example.test" });
    const t = new Transcript(client);
    const pending = client.request({ target: "/x" });
    expect(t.output()).toBe("GET /x HTTP/1.1\r\nHost: example.test\r\n\r\n");
    expect(client.outstanding).toBe(1);
    t.feed("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello");
    const response = await pending;
    expect(response.status).toBe(200);
    expect(await response.body.text()).toBe("hello");
    expect(client.outstanding).toBe(0);
    expect(t.readOperation()).toBe("read");
    expect(t.writerState()).toBe("yield");
  });

  it("by default sends one request, and pipelines only once keep-alive is proven", async () => {
    const client = createClientConnection({ host: "h" });
    const t = new Transcript(client);
    const first = client.request({ target: "/1" });
    const second = client.request({ target: "/2" });
    const third = client.request({ target: "/3" });
    expect(t.output()).toBe("GET /1 HTTP/1.1\r\nHost: h\r\n\r\n");
    t.feed("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n1");
    expect(await (await first).body.text()).toBe("1");
    expect(t.output()).toBe("GET /2 HTTP/1.1\r\nHost: h\r\n\r\nGET /3 HTTP/1.1\r\nHost: h\r\n\r\n");
    t.feed("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n2HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n3");
    expect(await (await second).body.text()).toBe("2");
    expect(await (await third).body.text()).toBe("3");
  });

  it("a POST body: bytes get Content-Length, a stream goes chunked", async () => {
    const client = createClientConnection({ host: "h", persistent: true });
    const t = new Transcript(client);
    void client.request({ method: "POST", target: "/b", body: "abc" });
    expect(t.output()).toBe("POST /b HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc");
    void client.request({ method: "PUT", target: "/s", body: [new Uint8Array([65, 66])] });
    await t.settle();
    expect(t.output()).toBe("PUT /s HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nAB\r\n0\r\n\r\n");
  });

  it("1xx responses are reported and skipped", async () => {
    const client = createClientConnection({ host: "h" });
    const t = new Transcript(client);
    const interim: number[] = [];
    const pending = client.request({ onInformational: (status) => interim.push(status) });
    t.output();
    t.feed("HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n");
    expect((await pending).status).toBe(204);
    expect(interim).toEqual([103]);
  });

  it("Connection: close in a response fails the queued requests as retryable, then closes", async () => {
    const client = createClientConnection({ host: "h", persistent: true });
    const t = new Transcript(client);
    const first = client.request({ target: "/1" });
    const second = client.request({ target: "/2" });
    t.output();
    t.feed("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 1\r\n\r\n1");
    expect(await (await first).body.text()).toBe("1");
    await expect(second).rejects.toBeInstanceOf(ConnectionClosedError);
    expect(t.readOperation()).toBe("close");
    expect(t.writerState()).toBe("close");
    expect(client.isClosed()).toBe(true);
  });

  it("a response body delimited by the close ends at EOF", async () => {
    const client = createClientConnection({ host: "h" });
    const t = new Transcript(client);
    const pending = client.request();
    t.output();
    t.feed("HTTP/1.0 200 OK\r\n\r\nuntil");
    const response = await pending;
    t.feedEof(" the end");
    expect(await response.body.text()).toBe("until the end");
    expect(t.readOperation()).toBe("close");
  });

  it("a malformed response rejects with HttpParseError", async () => {
    const client = createClientConnection({ host: "h" });
    const t = new Transcript(client);
    const pending = client.request();
    t.output();
    t.feed("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n");
    await expect(pending).rejects.toBeInstanceOf(HttpParseError);
    expect(t.readOperation()).toBe("close");
  });
});
