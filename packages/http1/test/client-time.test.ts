// Client timeouts, the request observer and cohttp's Connection hooks (notify, finalise, isClosed),
// as transcripts with a clock the test moves by hand.
import { ConnectionClosedError } from "@sansio/runtime-api";
import { describe, expect, it } from "vitest";
import {
  type ClientConnection,
  createClientConnection,
  HttpTimeoutError,
  type ObservedRequestHead,
} from "../src/index.js";
import { Transcript } from "./transcript.js";

describe("client timeouts", () => {
  it("a response head that does not come within responseHeadTimeout fails the request as retryable", async () => {
    const client = createClientConnection({ host: "h", responseHeadTimeout: 10_000, persistent: true });
    const t = new Transcript(client);
    const first = client.request({ target: "/1" });
    const second = client.request({ target: "/2" });
    t.output();
    expect(t.deadline()).toBe(t.clock.now() + 10_000);
    expect(t.advance(9_999)).toBe(0);
    expect(t.advance(1)).toBe(1);
    const error = await first.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpTimeoutError);
    expect(error).toMatchObject({ timeout: "response-head", retryable: true, ms: 10_000 });
    // The one behind it was never answered: ConnectionClosedError, with the timeout as its cause.
    const behind = await second.catch((e: unknown) => e);
    expect(behind).toBeInstanceOf(ConnectionClosedError);
    expect((behind as Error).cause).toBe(error);
    expect(t.writerState()).toBe("close");
    expect(client.isClosed()).toBe(true);
  });

  it("a response head that started arriving is not retryable", async () => {
    const client = createClientConnection({ host: "h", responseHeadTimeout: 1000 });
    const t = new Transcript(client);
    const pending = client.request();
    t.output();
    t.feed("HTTP/1.1 200 OK\r\nX-Part");
    t.advance(1000);
    await expect(pending).rejects.toMatchObject({ timeout: "response-head", retryable: false });
  });

  it("pipelined: each response head's wait starts when the response before it completed", async () => {
    const client = createClientConnection({ host: "h", responseHeadTimeout: 1000, persistent: true });
    const t = new Transcript(client);
    const first = client.request({ target: "/1" });
    const second = client.request({ target: "/2" });
    t.output();
    t.advance(900);
    t.feed("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n1");
    expect(await (await first).body.text()).toBe("1");
    expect(t.advance(900)).toBe(0);
    t.feed("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n2");
    expect((await second).status).toBe(200);
  });

  it("an idle connection closes at keepAliveTimeout; a request in between restarts it", async () => {
    const client = createClientConnection({ host: "h", keepAliveTimeout: 4000 });
    const t = new Transcript(client);
    expect(t.advance(3000)).toBe(0);
    const pending = client.request();
    t.output();
    expect(t.advance(3000)).toBe(0);
    t.feed("HTTP/1.1 204 No Content\r\n\r\n");
    await pending;
    expect(t.deadline()).toBe(t.clock.now() + 4000);
    const closed = client.notify();
    expect(t.advance(4000)).toBe(1);
    await closed;
    expect(t.writerState()).toBe("close");
    expect(client.isClosed()).toBe(true);
    await expect(client.request()).rejects.toBeInstanceOf(ConnectionClosedError);
  });

  it("0 disables both timeouts", () => {
    const client = createClientConnection({ host: "h", keepAliveTimeout: 0, responseHeadTimeout: 0 });
    const t = new Transcript(client);
    expect(t.deadline()).toBeUndefined();
    void client.request();
    t.output();
    expect(t.deadline()).toBeUndefined();
  });

  it("a streamed request body: the response-head wait starts once the body is sent", async () => {
    const client = createClientConnection({ host: "h", responseHeadTimeout: 1000 });
    const t = new Transcript(client);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    async function* body() {
      yield new Uint8Array([1]);
      await gate;
      yield new Uint8Array([2]);
    }
    void client.request({ method: "POST", body: body() }).catch(() => {});
    await t.settle();
    t.output();
    expect(t.deadline()).toBeUndefined();
    t.advance(5000);
    release();
    await t.settle();
    t.output();
    expect(t.deadline()).toBe(t.clock.now() + 1000);
  });
});

describe("client hooks", () => {
  it("notify() settles when outstanding changes and when the connection closes", async () => {
    const client = createClientConnection({ host: "h" });
    const t = new Transcript(client);
    let notified = 0;
    const watch = () => client.notify().then(() => notified++);
    const queued = watch();
    const pending = client.request();
    await queued;
    expect(notified).toBe(1);
    expect(client.outstanding).toBe(1);
    const answered = watch();
    t.output();
    t.feed("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
    await pending;
    await answered;
    expect(notified).toBe(2);
    expect(client.outstanding).toBe(0);
    const closing = watch();
    client.close();
    await closing;
    expect(notified).toBe(3);
    await client.notify(); // closed: at once
  });

  it("finalise runs once when the connection closes, before the waiting requests are failed", async () => {
    const order: string[] = [];
    let seen: ClientConnection | undefined;
    const client = createClientConnection({
      host: "h",
      persistent: true,
      finalise: (c) => {
        seen = c;
        order.push(`finalise with ${c.outstanding} outstanding`);
      },
    });
    const t = new Transcript(client);
    const waiting = client.request().catch(() => order.push("request failed"));
    t.output();
    t.feedEof();
    await waiting;
    client.close();
    expect(seen).toBe(client);
    expect(order).toEqual(["finalise with 1 outstanding", "request failed"]);
  });

  it("finalise also runs on a graceful shutdown", () => {
    let finalised = 0;
    const client = createClientConnection({ host: "h", finalise: () => finalised++ });
    const t = new Transcript(client);
    client.shutdown();
    expect(t.writerState()).toBe("close");
    expect(finalised).toBe(1);
  });

  it("the request observer sees each head before it is written; one that throws changes nothing", async () => {
    const seen: { head: ObservedRequestHead; text: string }[] = [];
    const client = createClientConnection({
      host: "h",
      persistent: true,
      onRequestHead: (head) => {
        seen.push({ head, text: new TextDecoder().decode(head.bytes) });
        if (head.target === "/throws") throw new Error("observer bug");
      },
    });
    const t = new Transcript(client);
    void client.request({ target: "/a", headers: { "X-A": "1" } });
    void client.request({ target: "/throws", method: "POST", body: "x" });
    expect(t.output()).toBe(
      "GET /a HTTP/1.1\r\nHost: h\r\nX-A: 1\r\n\r\nPOST /throws HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\n\r\nx",
    );
    expect(seen.map((s) => [s.head.method, s.head.target])).toEqual([
      ["GET", "/a"],
      ["POST", "/throws"],
    ]);
    expect(seen[0]?.head.headers).toEqual(["X-A", "1"]);
    expect(seen[1]?.text).toBe("POST /throws HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\n\r\n");
  });
});
