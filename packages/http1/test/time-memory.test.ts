// HTTP/1.1 timeouts through the in-memory runtime with a virtual clock: the real driver keeps the
// time, the test moves it, nothing sleeps. (The same timeouts over real sockets: demo.test.ts.)
import type { Connection, ReadOperation, WriteOperation, WriteResult } from "@sansio/runtime-api";
import { createMemoryRuntime, type MemoryRuntime } from "@sansio/runtime-api/testing";
import { describe, expect, it } from "vitest";
import { createClientConnection, HttpTimeoutError, http1Server, type ServerOptions } from "../src/index.js";
import { closedWithin, concatBytes, decoder, encoder, within } from "./helpers.js";

/** A raw client that sends what the test gives it, when it gives it, and collects the reply until EOF. */
class Trickler implements Connection {
  received = "";
  readonly done: Promise<string>;
  #resolve!: (text: string) => void;
  #out: Uint8Array = new Uint8Array(0);
  #writer: (() => void) | undefined;
  #eof = false;
  #outputClosed = false;

  constructor() {
    this.done = new Promise((resolve) => {
      this.#resolve = resolve;
    });
  }

  /** True once the server closed its side. */
  get ended(): boolean {
    return this.#eof;
  }

  send(text: string): void {
    this.#out = concatBytes([this.#out, encoder.encode(text)]);
    const writer = this.#writer;
    this.#writer = undefined;
    writer?.();
  }

  nextReadOperation(): ReadOperation {
    return this.#eof ? "close" : "read";
  }
  read(buffer: Uint8Array, offset: number, length: number): number {
    this.received += decoder.decode(buffer.subarray(offset, offset + length));
    return length;
  }
  readEof(buffer: Uint8Array, offset: number, length: number): number {
    this.read(buffer, offset, length);
    this.#eof = true;
    this.#outputClosed = true;
    this.#resolve(this.received);
    this.send("");
    return length;
  }
  yieldReader(): void {}
  nextWriteOperation(): WriteOperation {
    if (this.#outputClosed) return { kind: "close" };
    if (this.#out.length > 0) return { kind: "write", iovecs: [this.#out] };
    return { kind: "yield" };
  }
  reportWriteResult(result: WriteResult): void {
    if (result === "closed") this.#outputClosed = true;
    else this.#out = this.#out.subarray(result);
  }
  yieldWriter(resume: () => void): void {
    this.#writer = resume;
  }
  reportError(): void {
    this.#eof = true;
    this.#outputClosed = true;
    this.#resolve(this.received);
  }
  isClosed(): boolean {
    return this.#eof && this.#outputClosed;
  }
  shutdown(): void {
    this.#outputClosed = true;
    this.send("");
  }
}

/** A memory runtime on a virtual clock, listening with an http1 server whose errors are recorded. */
async function serve(options: ServerOptions, handler = http1Echo) {
  const runtime: MemoryRuntime = createMemoryRuntime({ clock: "virtual" });
  const errors: unknown[] = [];
  const listener = await runtime.listen(
    {},
    http1Server(handler, { date: false, onError: (error) => void errors.push(error), ...options }),
  );
  const port = listener.address.transport === "tcp" ? listener.address.port : 0;
  return { runtime, clock: runtime.clock, port, errors, close: () => listener.close({ timeout: 1000 }) };
}

/** Reads the whole request body and answers with its length. */
const http1Echo: Parameters<typeof http1Server>[0] = async (request, response) => {
  const body = await request.body.bytes();
  response.respond(200, {}, `${request.method} ${body.length}`);
};

describe("HTTP/1.1 timeouts on the memory runtime (virtual clock)", () => {
  it("slowloris: one byte every 5 virtual seconds is cut at headersTimeout (60 s) with 408", async () => {
    const { runtime, clock, port, errors, close } = await serve({});
    const client = new Trickler();
    const session = await runtime.connect({ port }, client);
    const head = `GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ${"a".repeat(100)}\r\n\r\n`;
    const start = clock.now();
    let sent = 0;
    while (!client.ended && sent < head.length) {
      client.send(head[sent++] as string);
      await clock.advance(5000);
    }
    expect(clock.now() - start).toBe(60_000);
    expect(sent).toBe(12);
    expect(client.received.startsWith("HTTP/1.1 408 Request Timeout\r\n")).toBe(true);
    expect(client.received).toContain("\r\nConnection: close\r\n");
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ timeout: "headers", ms: 60_000 });
    await closedWithin(session.closed);
    await close();
    expect(clock.pendingTimers).toBe(0);
  });

  it("a kept-alive connection idles out at keepAliveTimeout (5 s)", async () => {
    const { runtime, clock, port, errors, close } = await serve({});
    const client = createClientConnection({ host: "x", keepAliveTimeout: 0 });
    const session = await runtime.connect({ port }, client);
    const response = await client.request({ target: "/" });
    expect(await response.body.text()).toBe("GET 0");
    await clock.advance(4999);
    expect(client.isClosed()).toBe(false);
    const closed = client.notify();
    await clock.advance(1);
    await within(closed, 2000, "the client hears the close");
    await closedWithin(session.closed);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(HttpTimeoutError);
    expect(errors[0]).toMatchObject({ timeout: "keep-alive" });
    await close();
  });

  it("a slow but steady upload (290 s) is not cut before requestTimeout (300 s)", async () => {
    const { runtime, clock, port, errors, close } = await serve({});
    const client = createClientConnection({ host: "x", responseHeadTimeout: 0, keepAliveTimeout: 0 });
    await runtime.connect({ port }, client);
    let next!: () => void;
    async function* slowBody() {
      for (let i = 0; i < 100; i++) {
        yield encoder.encode("u");
        await new Promise<void>((resolve) => {
          next = resolve;
        });
      }
    }
    const pending = client.request({ method: "POST", target: "/", body: slowBody() });
    for (let i = 0; i < 100; i++) {
      await clock.advance(2900);
      next();
    }
    const response = await within(pending, 2000, "the response arrives");
    expect(response.status).toBe(200);
    expect(await response.body.text()).toBe("POST 100");
    expect(errors).toEqual([]);
    client.close();
    await close();
  });

  it("the client's response-head timeout fails a request the server never answers, as retryable", async () => {
    const { runtime, clock, port, close } = await serve({}, () => {});
    const client = createClientConnection({ host: "x", responseHeadTimeout: 10_000 });
    const session = await runtime.connect({ port }, client);
    const pending = client.request({ target: "/" }).catch((error: unknown) => error);
    await clock.advance(9999);
    await clock.advance(1);
    const error = await within(pending, 2000, "the request fails");
    expect(error).toBeInstanceOf(HttpTimeoutError);
    expect(error).toMatchObject({ timeout: "response-head", retryable: true });
    await closedWithin(session.closed);
    await close();
  });
});
