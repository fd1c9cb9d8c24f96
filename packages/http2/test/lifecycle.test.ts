import { TimeoutError } from "@sansio/runtime-api";
import { createMemoryRuntime } from "@sansio/runtime-api/testing";
import { describe, expect, it } from "vitest";
import { ErrorCode } from "../src/frame/index.js";
import { goawayFrame, pingFrame } from "../src/frame/serialize.js";
import { Http2ClientConnection, Http2ConnectionError, Http2StreamError } from "../src/index.js";
import { h2Memory, sleep } from "./helpers.js";
import { ScriptedPeer } from "./scripted-peer.js";

/** Our client connected to a scripted server on a memory runtime. */
async function clientWithScriptedServer(
  options: ConstructorParameters<typeof Http2ClientConnection>[0] = {},
  virtual = false,
  peerOptions: { autoAckSettings?: boolean } = {},
) {
  const runtime = createMemoryRuntime(virtual ? { clock: "virtual" } : {});
  const peer = new ScriptedPeer("server", peerOptions);
  const listener = await runtime.listen({}, () => peer);
  const port = listener.address.transport === "tcp" ? listener.address.port : 0;
  const client = new Http2ClientConnection({ authority: "x", scheme: "http", ...options });
  await runtime.connect({ port }, client);
  return { runtime, peer, client, close: () => listener.close({ timeout: 200 }) };
}

describe("shutdown and GOAWAY", () => {
  it("client.shutdown(): in-flight requests finish, new ones are refused, then the connection closes", async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { connect, close } = await h2Memory(async (_request, response) => {
      await gate;
      response.respond(200, {}, "late");
    });
    const client = await connect();
    const inFlight = client.request();
    await sleep(10);
    client.shutdown();
    await expect(client.request()).rejects.toBeInstanceOf(Http2StreamError);
    release();
    expect(await (await inFlight).body.text()).toBe("late");
    await close();
  });

  it("listener.close(): the server sends GOAWAY, lets the slow response finish, then closes", async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { connect, close } = await h2Memory(async (_request, response) => {
      response.writeHead(200);
      await response.write("part 1, ");
      await gate;
      response.end("part 2");
    });
    const client = await connect();
    const response = await client.request();
    const closing = close();
    await sleep(10);
    await expect(client.request()).rejects.toMatchObject({ name: "Http2StreamError", retryable: true });
    release();
    expect(await response.body.text()).toBe("part 1, part 2");
    await closing;
    expect(client.isClosed()).toBe(true);
  });

  it("a GOAWAY naming a lower last-stream-id rejects the streams above it as safe to retry, lets the others finish", async () => {
    const { peer, client, close } = await clientWithScriptedServer();
    const first = client.request({ path: "/1" });
    const second = client.request({ path: "/2" });
    await peer.waitFor((f) => f.type === "headers" && f.streamId === 3);
    peer.send(goawayFrame(1, "NO_ERROR"));
    const refused = await second.catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(Http2StreamError);
    expect(refused).toMatchObject({ code: "REFUSED_STREAM", streamId: 3, retryable: true, remote: true });
    peer.sendHeaders(1, [":status", "200"], true);
    expect((await first).status).toBe(200);
    await expect(client.request()).rejects.toMatchObject({ retryable: true });
    await close();
  });

  it("a GOAWAY with an error code rejects every open request with a typed connection error", async () => {
    const { peer, client, close } = await clientWithScriptedServer();
    const requests = [client.request(), client.request()];
    await peer.waitFor((f) => f.type === "headers" && f.streamId === 3);
    peer.send(goawayFrame(3, "INTERNAL_ERROR", "bye"));
    for (const result of await Promise.allSettled(requests)) {
      expect(result.status).toBe("rejected");
      const error = (result as PromiseRejectedResult).reason;
      expect(error).toBeInstanceOf(Http2ConnectionError);
      expect(error).toMatchObject({ code: "INTERNAL_ERROR", remote: true });
    }
    await close();
  });
});

describe("PING, SETTINGS and keep-alive on the driver's clock", () => {
  it("ping() resolves with the round-trip time on the virtual clock", async () => {
    const { runtime, peer, client, close } = await clientWithScriptedServer({}, true);
    const rtt = client.ping(Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8));
    const ping = await peer.waitFor((f) => f.type === "ping" && !f.ack);
    await runtime.clock.advance(25);
    peer.send(pingFrame(ping.type === "ping" ? ping.payload : new Uint8Array(8), true));
    expect(await rtt).toBe(25);
    await close();
  });

  it("ping() rejects when the connection ends first", async () => {
    const { peer, client, close } = await clientWithScriptedServer();
    const rtt = client.ping();
    await peer.waitFor((f) => f.type === "ping");
    peer.send(goawayFrame(0, "PROTOCOL_ERROR"));
    await expect(rtt).rejects.toBeInstanceOf(Http2ConnectionError);
    await close();
  });

  it("SETTINGS not acknowledged within settingsTimeout: GOAWAY SETTINGS_TIMEOUT", async () => {
    const { runtime, peer, client, close } = await clientWithScriptedServer({ settingsTimeout: 1000 }, true, {
      autoAckSettings: false,
    });
    const request = client.request();
    await peer.waitFor((f) => f.type === "headers");
    await runtime.clock.advance(999);
    expect(peer.ofType("goaway")).toEqual([]);
    await runtime.clock.advance(1);
    const goaway = await peer.waitFor((f) => f.type === "goaway");
    expect(goaway.type === "goaway" && goaway.errorCode).toBe(ErrorCode.SETTINGS_TIMEOUT);
    await expect(request).rejects.toMatchObject({ code: "SETTINGS_TIMEOUT", remote: false });
    await close();
  });

  it("keep-alive: a PING after the idle interval; no answer within the timeout closes the dead connection", async () => {
    const { runtime, peer, client, close } = await clientWithScriptedServer(
      { keepAliveInterval: 5000, keepAliveTimeout: 2000 },
      true,
    );
    const request = client.request();
    await peer.waitFor((f) => f.type === "headers");
    await runtime.clock.advance(5000);
    await peer.waitFor((f) => f.type === "ping" && !f.ack, "keep-alive PING");
    // The peer answers the first one: the connection lives on.
    peer.autoAck = true;
    const first = peer.ofType("ping")[0];
    peer.send(pingFrame(first?.payload ?? new Uint8Array(8), true));
    await runtime.clock.advance(3000);
    expect(client.isClosed()).toBe(false);
    // Then it goes silent.
    await runtime.clock.advance(5000);
    await runtime.clock.advance(2000);
    await expect(request).rejects.toBeInstanceOf(TimeoutError);
    await close();
  });
});

describe("stream errors stay on their stream", () => {
  it("a malformed response (upper-case header name) rejects that request only, with PROTOCOL_ERROR", async () => {
    const { peer, client, close } = await clientWithScriptedServer();
    const bad = client.request({ path: "/bad" });
    const good = client.request({ path: "/good" });
    await peer.waitFor((f) => f.type === "headers" && f.streamId === 3);
    peer.sendHeaders(1, [":status", "200", "X-Upper", "1"], true);
    peer.sendHeaders(3, [":status", "200"], true);
    await expect(bad).rejects.toMatchObject({ name: "Http2StreamError", code: "PROTOCOL_ERROR", remote: false });
    expect((await good).status).toBe(200);
    const reset = await peer.waitFor((f) => f.type === "rst_stream");
    expect(reset.type === "rst_stream" && [reset.streamId, reset.errorCode]).toEqual([1, ErrorCode.PROTOCOL_ERROR]);
    await close();
  });

  it("a body longer than its content-length fails the body with PROTOCOL_ERROR", async () => {
    const { peer, client, close } = await clientWithScriptedServer();
    const pending = client.request();
    await peer.waitFor((f) => f.type === "headers");
    peer.sendHeaders(1, [":status", "200", "content-length", "3"], false);
    const response = await pending;
    const { dataFrame } = await import("../src/frame/serialize.js");
    peer.send(...dataFrame(1, Uint8Array.of(1, 2, 3, 4), true));
    await expect(response.body.bytes()).rejects.toMatchObject({ code: "PROTOCOL_ERROR" });
    await close();
  });

  it("cancel(): the server's handler sees the stream aborted and its body fail; the client's request rejects with CANCEL", async () => {
    let aborted: Promise<boolean> | undefined;
    const { connect, close } = await h2Memory(async (request, response) => {
      response.writeHead(200);
      aborted = request.body.text().then(
        () => false,
        () => response.aborted,
      );
    });
    const client = await connect();
    const stream = client.stream({ method: "POST" });
    await stream.write("some");
    const response = await stream.response;
    stream.cancel();
    await expect(response.body.text()).rejects.toMatchObject({ code: "CANCEL" });
    await sleep(20);
    expect(await aborted).toBe(true);
    client.shutdown();
    await close();
  });

  it("a handler that throws answers 500 and the connection carries on", async () => {
    const { connect, close } = await h2Memory(
      (request, response) => {
        if (request.path === "/throw") throw new Error("boom");
        response.respond(200, {}, "fine");
      },
      { onError: () => {} },
    );
    const client = await connect();
    expect((await client.request({ path: "/throw" })).status).toBe(500);
    expect(await (await client.request()).body.text()).toBe("fine");
    client.shutdown();
    await close();
  });

  it("a slow reader stalls only its own stream", async () => {
    const size = 500_000;
    const { connect, close } = await h2Memory(async (request, response) => {
      response.writeHead(200);
      const chunk = new Uint8Array(10_000).fill(request.path === "/a" ? 1 : 2);
      for (let sent = 0; sent < size; sent += chunk.length) await response.write(chunk);
      response.end();
    });
    const client = await connect();
    const unread = await client.request({ path: "/a" });
    const read = await client.request({ path: "/b" });
    expect((await read.body.bytes()).length).toBe(size);
    // The unread one holds at most its window (64 KiB by default), not the whole body.
    expect((unread.body as unknown as { buffered: number }).buffered).toBeLessThanOrEqual(65535);
    expect((await unread.body.bytes()).length).toBe(size);
    client.shutdown();
    await close();
  });
});
