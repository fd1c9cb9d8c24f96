import { createMemoryRuntime } from "@sansio/runtime-api/testing";
import { describe, expect, it } from "vitest";
import { ErrorCode, FrameType } from "../src/frame/index.js";
import { dataFrame, pingFrame, rstStreamFrame, settingsFrame, windowUpdateFrame } from "../src/frame/serialize.js";
import { Http2ClientConnection, type Http2Handler, type Http2ServerOptions, http2Server } from "../src/index.js";
import { rawFrame } from "./helpers.js";
import { ScriptedPeer } from "./scripted-peer.js";

const hello: Http2Handler = (_request, response) => response.respond(200, {}, "hello");

const GET = (path = "/") => [":method", "GET", ":scheme", "http", ":authority", "x", ":path", path];

/** A server on a memory runtime; `peer()` connects a scripted client to it. */
async function serve(handler: Http2Handler = hello, options: Omit<Http2ServerOptions, "session"> = {}) {
  const runtime = createMemoryRuntime();
  const listener = await runtime.listen({}, http2Server(handler, options));
  const port = listener.address.transport === "tcp" ? listener.address.port : 0;
  return {
    runtime,
    async peer(): Promise<ScriptedPeer> {
      const peer = new ScriptedPeer("client");
      await runtime.connect({ port }, peer);
      return peer;
    },
    /** A real client on another connection still gets answers. */
    async stillServes(): Promise<void> {
      const client = new Http2ClientConnection({ authority: "x", scheme: "http" });
      await runtime.connect({ port }, client);
      const response = await client.request();
      expect(await response.body.text()).toBe("hello");
      client.shutdown();
    },
    close: () => listener.close({ timeout: 500 }),
  };
}

async function expectGoaway(peer: ScriptedPeer, code: keyof typeof ErrorCode): Promise<void> {
  const goaway = await peer.waitFor((f) => f.type === "goaway", "GOAWAY");
  expect(goaway.type === "goaway" && goaway.errorCode).toBe(ErrorCode[code]);
  await peer.waitClosed();
}

describe("limits and attacks, each answered as the RFC says while other connections carry on", () => {
  it("announces the defaults: 100 concurrent streams, 64 KiB header list, push off", async () => {
    const server = await serve();
    const peer = await server.peer();
    const settings = await peer.waitFor((f) => f.type === "settings" && !f.ack);
    expect(settings.type === "settings" && settings.settings).toEqual([
      { id: 2, value: 0 },
      { id: 3, value: 100 },
      { id: 6, value: 65536 },
    ]);
    await server.close();
  });

  it("refuses the 101st concurrent stream with REFUSED_STREAM and serves the first 100", async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const server = await serve(async (_request, response) => {
      await gate;
      response.respond(200, {}, "hello");
    });
    const peer = await server.peer();
    for (let i = 0; i < 101; i++) peer.sendHeaders(1 + 2 * i, GET(), true);
    const refused = await peer.waitFor((f) => f.type === "rst_stream", "RST_STREAM");
    expect(refused.type === "rst_stream" && [refused.streamId, refused.errorCode]).toEqual([
      201,
      ErrorCode.REFUSED_STREAM,
    ]);
    release();
    await eventuallyCount(peer, 100);
    expect(peer.ofType("goaway")).toEqual([]);
    await server.close();
  });

  it("answers a header list over 64 KiB (counted with 32 octets per field) with 431, connection intact", async () => {
    const server = await serve();
    const peer = await server.peer();
    // 2100 empty fields: tiny on the wire, 2100 * 33 > 65536 as RFC 9113 counts them.
    const fields = GET();
    for (let i = 0; i < 2100; i++) fields.push("x", "");
    peer.sendHeaders(1, fields, true);
    const response = await peer.waitFor((f) => f.type === "headers" && f.streamId === 1);
    expect(response.headers?.slice(0, 2)).toEqual([":status", "431"]);
    peer.sendHeaders(3, GET(), true);
    const ok = await peer.waitFor((f) => f.type === "headers" && f.streamId === 3);
    expect(ok.headers?.slice(0, 2)).toEqual([":status", "200"]);
    await server.close();
  });

  it("ends a CONTINUATION flood with GOAWAY ENHANCE_YOUR_CALM", async () => {
    const server = await serve();
    const peer = await server.peer();
    peer.send(rawFrame(FrameType.HEADERS, 0, 1, Uint8Array.of(0x82)));
    for (let i = 0; i < 50; i++)
      peer.send(rawFrame(FrameType.CONTINUATION, 0, 1, Uint8Array.of(0x40, 1, 0x61, 1, 0x62)));
    await expectGoaway(peer, "ENHANCE_YOUR_CALM");
    await server.stillServes();
    await server.close();
  });

  it("ends a rapid reset attack (CVE-2023-44487) with GOAWAY ENHANCE_YOUR_CALM", async () => {
    // Requests to /hang are never answered: the attacker resets each one right after opening it.
    const server = await serve((request, response) =>
      request.path === "/hang" ? undefined : hello(request, response),
    );
    const peer = await server.peer();
    for (let i = 0; i < 300; i++) {
      peer.sendHeaders(1 + 2 * i, GET("/hang"), false);
      peer.send(rstStreamFrame(1 + 2 * i, "CANCEL"));
    }
    await expectGoaway(peer, "ENHANCE_YOUR_CALM");
    await server.stillServes();
    await server.close();
  });

  it("ends a flood of server-caused resets (MadeYouReset, CVE-2025-8671) with GOAWAY ENHANCE_YOUR_CALM", async () => {
    const server = await serve(() => {});
    const peer = await server.peer();
    for (let i = 0; i < 300; i++) {
      peer.sendHeaders(1 + 2 * i, GET(), false);
      peer.send(windowUpdateFrame(1 + 2 * i, 0)); // a stream error the server must answer with RST_STREAM
    }
    await expectGoaway(peer, "ENHANCE_YOUR_CALM");
    await server.close();
  });

  it("ends a PING flood (CVE-2019-9512) and a SETTINGS flood (CVE-2019-9515) with GOAWAY ENHANCE_YOUR_CALM", async () => {
    const server = await serve();
    const pinger = await server.peer();
    for (let i = 0; i < 200; i++) pinger.send(pingFrame(new Uint8Array(8).fill(i), false));
    await expectGoaway(pinger, "ENHANCE_YOUR_CALM");
    expect(pinger.ofType("ping").length).toBeGreaterThanOrEqual(49);
    const settler = await server.peer();
    for (let i = 0; i < 200; i++) settler.send(settingsFrame([{ id: 3, value: 100 + i }]));
    await expectGoaway(settler, "ENHANCE_YOUR_CALM");
    await server.stillServes();
    await server.close();
  });

  it("ends an empty-frame flood (CVE-2019-9518) with GOAWAY ENHANCE_YOUR_CALM", async () => {
    const server = await serve(async (request, response) => response.respond(200, {}, await request.body.text()));
    const peer = await server.peer();
    peer.sendHeaders(1, [":method", "POST", ":scheme", "http", ":authority", "x", ":path", "/"], false);
    for (let i = 0; i < 200; i++) peer.send(...dataFrame(1, new Uint8Array(0), false));
    await expectGoaway(peer, "ENHANCE_YOUR_CALM");
    await server.close();
  });

  it("answers HPACK garbage with GOAWAY COMPRESSION_ERROR", async () => {
    const server = await serve();
    const peer = await server.peer();
    peer.send(rawFrame(FrameType.HEADERS, 0x5, 1, Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff, 0x7f)));
    await expectGoaway(peer, "COMPRESSION_ERROR");
    await server.stillServes();
    await server.close();
  });

  it("never lets the peer's DATA exceed the window it was given (FLOW_CONTROL_ERROR)", async () => {
    const server = await serve(() => {});
    const peer = await server.peer();
    peer.sendHeaders(1, [":method", "POST", ":scheme", "http", ":authority", "x", ":path", "/"], false);
    for (let i = 0; i < 5; i++) peer.send(...dataFrame(1, new Uint8Array(16384), false));
    const reset = await peer.waitFor((f) => f.type === "rst_stream");
    expect(reset.type === "rst_stream" && reset.errorCode).toBe(ErrorCode.FLOW_CONTROL_ERROR);
    await server.close();
  });
});

async function eventuallyCount(peer: ScriptedPeer, n: number): Promise<void> {
  await peer.waitFor(() => peer.ofType("headers").length >= n, `${n} responses`);
}
