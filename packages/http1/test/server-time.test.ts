// Server timeouts and the response observer, as transcripts with a clock the test moves by hand.
import { TimeoutError } from "@sansio/runtime-api";
import { describe, expect, it } from "vitest";
import {
  createServerConnection,
  type Handler,
  HttpTimeoutError,
  type IncomingRequest,
  type ObservedResponseHead,
  type ResponseWriter,
  type ServerOptions,
} from "../src/index.js";
import { Transcript } from "./transcript.js";

/** A server connection recording each request and every error onError hears. */
function server(options: ServerOptions = {}, handler?: Handler) {
  const requests: { request: IncomingRequest; response: ResponseWriter }[] = [];
  const errors: unknown[] = [];
  const t = new Transcript(
    createServerConnection(handler ?? ((request, response) => void requests.push({ request, response })), {
      date: false,
      onError: (error) => void errors.push(error),
      ...options,
    }),
  );
  return { t, requests, errors };
}

/** The single timeout error onError heard. */
function timeoutOf(errors: unknown[]): HttpTimeoutError {
  expect(errors).toHaveLength(1);
  expect(errors[0]).toBeInstanceOf(HttpTimeoutError);
  return errors[0] as HttpTimeoutError;
}

describe("server timeouts", () => {
  it("slowloris: a head trickling in one byte every 5 s is cut at headersTimeout with 408", () => {
    const { t, requests, errors } = server({ headersTimeout: 60_000 });
    const head = "GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ".padEnd(200, "a");
    t.feed(head[0]);
    const start = t.clock.now();
    expect(t.deadline()).toBe(start + 60_000);
    let sent = 1;
    while (t.readOperation() === "read" && sent < head.length && errors.length === 0) {
      expect(t.advance(5000)).toBeLessThanOrEqual(1);
      if (errors.length === 0) t.feed(head[sent++]);
    }
    expect(t.clock.now() - start).toBe(60_000);
    expect(sent).toBe(12); // bytes at 0, 5, ..., 55 s; the 60 s tick fired first
    expect(timeoutOf(errors).timeout).toBe("headers");
    expect(requests).toHaveLength(0);
    expect(t.output()).toBe(
      "HTTP/1.1 408 Request Timeout\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\nContent-Length: 15\r\n\r\nRequest Timeout",
    );
    expect(t.writerState()).toBe("close");
  });

  it("the headers deadline runs from the first byte of each request, not from the last byte", () => {
    const { t, errors } = server({ headersTimeout: 1000 });
    t.feed("G");
    for (let i = 0; i < 9; i++) {
      t.advance(100);
      t.feed("E");
    }
    expect(t.deadline()).toBe(1000 + 1000);
    t.advance(100);
    expect(timeoutOf(errors).timeout).toBe("headers");
  });

  it("a new connection that sends nothing is closed at headersTimeout, without a response", () => {
    const { t, errors } = server({ headersTimeout: 2000 });
    expect(t.deadline()).toBe(t.clock.now() + 2000);
    expect(t.advance(1999)).toBe(0);
    expect(t.readOperation()).toBe("read");
    expect(t.advance(1)).toBe(1);
    expect(timeoutOf(errors).timeout).toBe("headers");
    expect(t.readOperation()).toBe("close");
    expect(t.writerState()).toBe("close");
    expect(t.output()).toBe("");
    expect(t.connection.isClosed()).toBe(true);
  });

  it("a keep-alive connection idles out at keepAliveTimeout after its last response", () => {
    const { t, requests, errors } = server({ keepAliveTimeout: 5000 });
    t.feed("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    // While the handler works, no timeout runs.
    expect(t.deadline()).toBeUndefined();
    t.advance(60_000);
    requests[0]?.response.respond(200, {}, "ok");
    expect(t.output()).toBe("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    expect(t.deadline()).toBe(t.clock.now() + 5000);
    expect(t.advance(4999)).toBe(0);
    // A byte of the next request: the keep-alive timeout stops, the headers timeout starts.
    t.feed("G");
    expect(t.deadline()).toBe(t.clock.now() + 60_000);
    t.feed("ET / HTTP/1.1\r\nHost: x\r\n\r\n");
    requests[1]?.response.respond(204);
    t.output();
    expect(t.advance(5000)).toBe(1);
    expect(timeoutOf(errors).timeout).toBe("keep-alive");
    expect(t.output()).toBe("");
    expect(t.writerState()).toBe("close");
    expect(t.readOperation()).toBe("close");
  });

  it("a slow but steady upload is not cut before requestTimeout", async () => {
    const { t, requests, errors } = server({ requestTimeout: 300_000, headersTimeout: 60_000 });
    t.feed("POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n");
    const { request, response } = requests[0] ?? expect.unreachable("no request");
    const text = request.body.text();
    for (let i = 0; i < 100; i++) {
      // 2.9 s per byte: 290 s in all, past headersTimeout, within requestTimeout.
      expect(t.advance(2900)).toBe(0);
      t.feed("u");
    }
    expect(await text).toBe("u".repeat(100));
    expect(t.deadline()).toBeUndefined();
    response.respond(200, {}, "got it");
    expect(t.output()).toBe("HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\ngot it");
    expect(errors).toEqual([]);
  });

  it("a request body still arriving at requestTimeout fails, and the client gets 408", async () => {
    const { t, requests, errors } = server({ requestTimeout: 10_000 });
    t.feed("POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nabc");
    const { request } = requests[0] ?? expect.unreachable("no request");
    const text = request.body.text();
    expect(t.advance(10_000)).toBe(1);
    const error = await text.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpTimeoutError);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ timeout: "request", ms: 10_000 });
    expect(timeoutOf(errors).timeout).toBe("request");
    expect(t.output().startsWith("HTTP/1.1 408 Request Timeout\r\n")).toBe(true);
    expect(t.writerState()).toBe("close");
  });

  it("a request timeout after the response began closes the connection after what was queued", async () => {
    const { t, requests, errors } = server({ requestTimeout: 10_000 });
    t.feed("POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nabc");
    const { request, response } = requests[0] ?? expect.unreachable("no request");
    response.writeHead(200);
    await response.write("partial");
    const body = request.body.text().catch((e: unknown) => e);
    expect(t.advance(10_000)).toBe(1);
    expect(await body).toBeInstanceOf(HttpTimeoutError);
    expect(timeoutOf(errors).timeout).toBe("request");
    expect(response.aborted).toBe(true);
    // The head and the chunk that were queued, no last chunk: the client sees a truncated response.
    expect(t.output()).toBe("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n7\r\npartial\r\n");
    expect(t.writerState()).toBe("close");
  });

  it("0 disables each timeout", () => {
    const { t, requests } = server({ keepAliveTimeout: 0, headersTimeout: 0, requestTimeout: 0 });
    expect(t.deadline()).toBeUndefined();
    t.feed("GET / HTTP/1.1\r\n");
    expect(t.deadline()).toBeUndefined();
    t.feed("Host: x\r\n\r\n");
    requests[0]?.response.respond(204);
    t.output();
    expect(t.deadline()).toBeUndefined();
    expect(t.advance(10 * 60_000)).toBe(0);
    expect(t.readOperation()).toBe("read");
  });

  it("lingering after an error response ends after a while even if the client keeps sending", () => {
    const { t } = server();
    t.feed("BAD\r\n\r\n");
    expect(t.output().startsWith("HTTP/1.1 400 ")).toBe(true);
    expect(t.readOperation()).toBe("read");
    t.feed("more");
    expect(t.advance(5000)).toBe(1);
    expect(t.readOperation()).toBe("close");
    expect(t.connection.isClosed()).toBe(true);
  });

  it("refuses a negative or non-finite timeout", () => {
    expect(() => createServerConnection(() => {}, { keepAliveTimeout: -1 })).toThrow(RangeError);
    expect(() => createServerConnection(() => {}, { headersTimeout: Number.NaN })).toThrow(RangeError);
  });
});

describe("server response observer", () => {
  it("sees each response head (status, headers, encoded bytes) just before it is written", async () => {
    const seen: { head: ObservedResponseHead; text: string; target: string | undefined }[] = [];
    const observer = (head: ObservedResponseHead, request: IncomingRequest | undefined) => {
      seen.push({
        head: { ...head, bytes: head.bytes.slice() },
        text: new TextDecoder().decode(head.bytes),
        target: request?.target,
      });
    };
    const t = new Transcript(
      createServerConnection(
        async (request, response) => {
          if (request.target === "/stream") {
            response.writeHead(201, { "X-S": "1" });
            await response.write("a");
            response.end();
          } else response.respond(200, ["X-A", "b"], "body");
        },
        { date: false, onResponseHead: observer },
      ),
    );
    t.feed("GET /one HTTP/1.1\r\nHost: x\r\n\r\n");
    expect(t.output()).toBe("HTTP/1.1 200 OK\r\nX-A: b\r\nContent-Length: 4\r\n\r\nbody");
    t.feed("GET /stream HTTP/1.1\r\nHost: x\r\n\r\n");
    await t.settle();
    t.output();
    t.feed("NOT HTTP\r\n\r\n");
    expect(seen.map((s) => [s.head.status, s.target])).toEqual([
      [200, "/one"],
      [201, "/stream"],
      [400, undefined],
    ]);
    expect(seen[0]?.head.headers).toEqual(["X-A", "b"]);
    expect(seen[0]?.text).toBe("HTTP/1.1 200 OK\r\nX-A: b\r\nContent-Length: 4\r\n\r\n");
    expect(seen[1]?.text).toBe("HTTP/1.1 201 Created\r\nX-S: 1\r\nTransfer-Encoding: chunked\r\n\r\n");
  });

  it("an observer that throws does not break the exchange; onError hears it", () => {
    const errors: unknown[] = [];
    const t = new Transcript(
      createServerConnection((_, response) => response.respond(200, {}, "fine"), {
        date: false,
        onResponseHead: () => {
          throw new Error("observer bug");
        },
        onError: (error) => void errors.push(error),
      }),
    );
    t.feed("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    expect(t.output()).toBe("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nfine");
    expect(errors).toMatchObject([{ message: "observer bug" }]);
    expect(t.readOperation()).toBe("read");
  });
});
