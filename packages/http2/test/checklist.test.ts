import { createMemoryRuntime } from "@sansio/runtime-api/testing";
import { describe, expect, it } from "vitest";
import { ErrorCode, FrameType } from "../src/frame/index.js";
import {
  dataFrame,
  goawayFrame,
  pingFrame,
  rstStreamFrame,
  settingsFrame,
  windowUpdateFrame,
} from "../src/frame/serialize.js";
import { type Http2Handler, http2Server } from "../src/index.js";
import { rawFrame } from "./helpers.js";
import { ScriptedPeer } from "./scripted-peer.js";

/**
 * A checklist after the sections h2spec covers, written here: each case scripts what a client sends
 * to our server and names what the RFC says must come back.
 */

const echo: Http2Handler = async (request, response) => {
  response.respond(200, { "x-path": request.path }, await request.body.bytes());
};
const GET = (path = "/"): string[] => [":method", "GET", ":scheme", "http", ":authority", "x", ":path", path];
const POST = (path = "/"): string[] => [":method", "POST", ":scheme", "http", ":authority", "x", ":path", path];

async function connect(
  handler: Http2Handler = echo,
  peerOptions: { sendSettings?: boolean; autoAckSettings?: boolean } = {},
  prefix?: Uint8Array,
) {
  const runtime = createMemoryRuntime();
  const listener = await runtime.listen({}, http2Server(handler));
  const port = listener.address.transport === "tcp" ? listener.address.port : 0;
  const peer =
    prefix === undefined
      ? new ScriptedPeer("client", peerOptions)
      : new ScriptedPeer("client", { sendSettings: false, sendPreface: false });
  if (prefix !== undefined) peer.send(prefix);
  await runtime.connect({ port }, peer);
  return { peer, close: () => listener.close({ timeout: 200 }) };
}

type Expect = { goaway: keyof typeof ErrorCode } | { rst: keyof typeof ErrorCode; stream: number };

async function expectAnswer(peer: ScriptedPeer, expected: Expect): Promise<void> {
  if ("goaway" in expected) {
    const goaway = await peer.waitFor((f) => f.type === "goaway", "GOAWAY");
    expect(goaway.type === "goaway" && goaway.errorCode).toBe(ErrorCode[expected.goaway]);
    await peer.waitClosed();
  } else {
    const reset = await peer.waitFor((f) => f.type === "rst_stream", "RST_STREAM");
    expect(reset.type === "rst_stream" && [reset.streamId, reset.errorCode]).toEqual([
      expected.stream,
      ErrorCode[expected.rst],
    ]);
    // The connection carries on: another request is answered.
    peer.sendHeaders(101, GET("/after"), true);
    const ok = await peer.waitFor((f) => f.type === "headers" && f.streamId === 101);
    expect(ok.headers?.slice(0, 2)).toEqual([":status", "200"]);
  }
}

describe("h2spec-style checklist against our server", () => {
  it("§3.4 an invalid connection preface → GOAWAY PROTOCOL_ERROR", async () => {
    const { peer, close } = await connect(echo, {}, new TextEncoder().encode("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
    await expectAnswer(peer, { goaway: "PROTOCOL_ERROR" });
    await close();
  });

  it("§3.4 a first frame other than SETTINGS → GOAWAY PROTOCOL_ERROR", async () => {
    // No SETTINGS, and no automatic ACK of the server's either: the PING is the first frame.
    const { peer, close } = await connect(echo, { sendSettings: false, autoAckSettings: false });
    peer.send(pingFrame(new Uint8Array(8), false));
    await expectAnswer(peer, { goaway: "PROTOCOL_ERROR" });
    await close();
  });

  it.each<[string, (peer: ScriptedPeer) => void, Expect]>([
    [
      "§4.2 a frame larger than SETTINGS_MAX_FRAME_SIZE",
      (p) => p.send(...dataFrame(1, new Uint8Array(16385), true)),
      { goaway: "FRAME_SIZE_ERROR" },
    ],
    [
      "§5.1 DATA on an idle stream",
      (p) => p.send(...dataFrame(1, Uint8Array.of(1), true)),
      { goaway: "PROTOCOL_ERROR" },
    ],
    ["§5.1 RST_STREAM on an idle stream", (p) => p.send(rstStreamFrame(1, "CANCEL")), { goaway: "PROTOCOL_ERROR" }],
    ["§5.1 WINDOW_UPDATE on an idle stream", (p) => p.send(windowUpdateFrame(1, 1)), { goaway: "PROTOCOL_ERROR" }],
    [
      "§5.1 DATA on a half-closed (remote) stream",
      (p) => {
        p.sendHeaders(1, POST(), true);
        p.send(...dataFrame(1, Uint8Array.of(1), true));
      },
      { rst: "STREAM_CLOSED", stream: 1 },
    ],
    [
      "§5.1.1 a stream identifier lower than a previous one",
      (p) => {
        p.sendHeaders(5, GET(), true);
        p.sendHeaders(3, GET(), true);
      },
      { goaway: "PROTOCOL_ERROR" },
    ],
    [
      "§5.1.1 an even stream identifier from a client",
      (p) => p.sendHeaders(2, GET(), true),
      { goaway: "PROTOCOL_ERROR" },
    ],
    [
      "§6.9 a WINDOW_UPDATE overflowing the connection window",
      (p) => p.send(windowUpdateFrame(0, 0x7fffffff)),
      { goaway: "FLOW_CONTROL_ERROR" },
    ],
    [
      "§6.10 another frame inside a header block",
      (p) => {
        p.send(rawFrame(FrameType.HEADERS, 0, 1, [0x82]));
        p.send(pingFrame(new Uint8Array(8), false));
      },
      { goaway: "PROTOCOL_ERROR" },
    ],
    [
      "§6.10 CONTINUATION of another stream",
      (p) => {
        p.send(rawFrame(FrameType.HEADERS, 0, 1, [0x82]));
        p.send(rawFrame(FrameType.CONTINUATION, 4, 3, [0x84]));
      },
      { goaway: "PROTOCOL_ERROR" },
    ],
    [
      "§8.4 PUSH_PROMISE from a client",
      (p) => p.send(rawFrame(FrameType.PUSH_PROMISE, 4, 1, [0, 0, 0, 2, 0x82])),
      { goaway: "PROTOCOL_ERROR" },
    ],
    [
      "§6.5.2 SETTINGS_ENABLE_PUSH of 2",
      (p) => p.send(settingsFrame([{ id: 2, value: 2 }])),
      { goaway: "PROTOCOL_ERROR" },
    ],
    [
      "§8.2.1 an upper-case field name",
      (p) => p.sendHeaders(1, [...GET(), "X-Upper", "1"], true),
      { rst: "PROTOCOL_ERROR", stream: 1 },
    ],
    [
      "§8.2.2 a connection-specific field",
      (p) => p.sendHeaders(1, [...GET(), "connection", "keep-alive"], true),
      { rst: "PROTOCOL_ERROR", stream: 1 },
    ],
    [
      "§8.2.2 te other than trailers",
      (p) => p.sendHeaders(1, [...GET(), "te", "gzip"], true),
      { rst: "PROTOCOL_ERROR", stream: 1 },
    ],
    [
      "§8.3.1 no :path",
      (p) => p.sendHeaders(1, [":method", "GET", ":scheme", "http"], true),
      { rst: "PROTOCOL_ERROR", stream: 1 },
    ],
    [
      "§8.3.1 an unknown pseudo-header",
      (p) => p.sendHeaders(1, [...GET(), ":foo", "1"].slice(0, 8).concat([":foo", "1"]), true),
      { rst: "PROTOCOL_ERROR", stream: 1 },
    ],
    [
      "§8.3.1 a pseudo-header after a regular field",
      (p) => p.sendHeaders(1, ["accept", "*/*", ...GET()], true),
      { rst: "PROTOCOL_ERROR", stream: 1 },
    ],
    [
      "§8.3.1 a duplicate :method",
      (p) => p.sendHeaders(1, [...GET(), ":method", "POST"].slice(0, 8).concat([":method", "GET"]), true),
      { rst: "PROTOCOL_ERROR", stream: 1 },
    ],
    [
      "§8.3.1 a pseudo-header in trailers",
      (p) => {
        p.sendHeaders(1, POST(), false);
        p.sendHeaders(1, [":path", "/x"], true);
      },
      { rst: "PROTOCOL_ERROR", stream: 1 },
    ],
    [
      "§8.1.1 DATA longer than content-length",
      (p) => {
        p.sendHeaders(1, [...POST(), "content-length", "1"], false);
        p.send(...dataFrame(1, Uint8Array.of(1, 2), true));
      },
      { rst: "PROTOCOL_ERROR", stream: 1 },
    ],
    [
      "§8.1.1 DATA shorter than content-length",
      (p) => {
        p.sendHeaders(1, [...POST(), "content-length", "3"], false);
        p.send(...dataFrame(1, Uint8Array.of(1, 2), true));
      },
      { rst: "PROTOCOL_ERROR", stream: 1 },
    ],
    [
      "§5.1 DATA after the client reset the stream",
      (p) => {
        p.sendHeaders(1, POST(), false);
        p.send(rstStreamFrame(1, "CANCEL"));
        p.send(...dataFrame(1, Uint8Array.of(1), false));
      },
      { rst: "STREAM_CLOSED", stream: 1 },
    ],
  ])("%s", async (_name, script, expected) => {
    const { peer, close } = await connect();
    script(peer);
    await expectAnswer(peer, expected);
    await close();
  });

  it("§6.7 a PING is answered with an ACK carrying the same payload", async () => {
    const { peer, close } = await connect();
    peer.send(pingFrame(Uint8Array.of(8, 7, 6, 5, 4, 3, 2, 1), false));
    const ack = await peer.waitFor((f) => f.type === "ping" && f.ack);
    expect(ack.type === "ping" && Array.from(ack.payload)).toEqual([8, 7, 6, 5, 4, 3, 2, 1]);
    await close();
  });

  it("§5.5 frames of unknown types are ignored, even inside a request", async () => {
    const { peer, close } = await connect();
    peer.send(rawFrame(0xee, 0xff, 0, [1, 2, 3]));
    peer.sendHeaders(1, POST(), false);
    peer.send(rawFrame(0xee, 0, 1, [4]));
    peer.send(...dataFrame(1, Uint8Array.of(65), true));
    const response = await peer.waitFor((f) => f.type === "headers" && f.streamId === 1);
    expect(response.headers?.slice(0, 2)).toEqual([":status", "200"]);
    await close();
  });

  it("§6.9.2 SETTINGS_INITIAL_WINDOW_SIZE changes apply to open streams: 0 stops DATA, a larger value resumes it", async () => {
    const { peer, close } = await connect(async (_request, response) => {
      response.writeHead(200);
      await response.write(new Uint8Array(50_000).fill(7));
      response.end();
    });
    peer.send(settingsFrame([{ id: 4, value: 0 }]));
    peer.sendHeaders(1, GET(), true);
    await peer.waitFor((f) => f.type === "headers" && f.streamId === 1);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(peer.ofType("data").length).toBe(0);
    peer.send(settingsFrame([{ id: 4, value: 100_000 }]));
    await peer.waitFor((f) => f.type === "data" && f.endStream, "the whole body");
    const total = peer.ofType("data").reduce((n, f) => n + f.data.length, 0);
    expect(total).toBe(50_000);
    await close();
  });

  it("§6.8 a client's GOAWAY: the server finishes what is open, then closes", async () => {
    const { peer, close } = await connect();
    peer.sendHeaders(1, POST(), false);
    peer.send(goawayFrame(0, "NO_ERROR"));
    peer.send(...dataFrame(1, Uint8Array.of(66), true));
    const response = await peer.waitFor((f) => f.type === "data" && f.streamId === 1 && f.endStream);
    expect(response.type === "data" && Array.from(response.data)).toEqual([66]);
    await peer.waitClosed();
    await close();
  });
});
