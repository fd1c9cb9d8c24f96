import net from "node:net";
import { http1Server } from "@sansio/http1";
import { runtime } from "@sansio/node";
import { createMemoryRuntime } from "@sansio/runtime-api/testing";
import { afterEach, describe, expect, it } from "vitest";
import { CONNECTION_PREFACE, readFrame } from "../src/frame/index.js";
import { headersFrames, settingsFrame } from "../src/frame/serialize.js";
import {
  connectH2c,
  HpackDecoder,
  HpackEncoder,
  type Http2Handler,
  parseHttp2Settings,
  upgradeToHttp2,
} from "../src/index.js";
import { curl, curlHasHttp2, warnIfNoCurl } from "./curl-peer.js";
import { IO_PLANS } from "./helpers.js";

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

const h2Handler: Http2Handler = async (request, response) => {
  const body = await request.body.text();
  response.respond(200, { "x-version": request.version }, `h2 ${request.method} ${request.path} [${body}]`);
};

/** One port: HTTP/1.1, upgraded to HTTP/2 when the client asks for h2c. */
async function listen(): Promise<number> {
  const listener = await runtime.listen(
    { hostname: "127.0.0.1" },
    http1Server(async (request, response) => {
      if (await upgradeToHttp2(request, response, h2Handler)) return;
      response.respond(200, {}, `h1 ${request.method} ${request.target}`);
    }),
  );
  cleanups.push(() => listener.close({ timeout: 1000 }));
  return listener.address.transport === "tcp" ? listener.address.port : 0;
}

describe("h2c upgrade from the @sansio/http1 server", () => {
  it("parses HTTP2-Settings (base64url of a SETTINGS payload) and refuses malformed ones", () => {
    expect(parseHttp2Settings("AAMAAABkAAQAoAAAAAIAAAAA")).toEqual([
      { id: 3, value: 100 },
      { id: 4, value: 0xa00000 },
      { id: 2, value: 0 },
    ]);
    expect(parseHttp2Settings("")).toEqual([]);
    expect(parseHttp2Settings("AAM")).toBeNull(); // not a multiple of 6 octets
    expect(parseHttp2Settings("AAIAAAAC")).toBeNull(); // ENABLE_PUSH = 2
    expect(parseHttp2Settings("not base64!")).toBeNull();
  });

  it("answers 101, then the request on stream 1 over HTTP/2, then serves the client's next streams", async () => {
    const port = await listen();
    const socket = net.connect(port, "127.0.0.1");
    cleanups.push(() => socket.destroy());
    let received = Buffer.alloc(0);
    socket.on("data", (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
    });
    await new Promise((resolve) => socket.once("connect", resolve));
    socket.write(
      "POST /up HTTP/1.1\r\nHost: example\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\n" +
        "HTTP2-Settings: AAMAAABkAAQAAP__\r\nContent-Length: 4\r\n\r\nbody",
    );
    const until = async (check: () => boolean): Promise<void> => {
      for (let i = 0; i < 400 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
      expect(check()).toBe(true);
    };
    await until(() => received.includes("\r\n\r\n"));
    const head = received.subarray(0, received.indexOf("\r\n\r\n") + 4).toString("latin1");
    expect(head).toMatch(/^HTTP\/1\.1 101 Switching Protocols\r\n/);
    expect(head.toLowerCase()).toContain("upgrade: h2c");
    socket.write(CONNECTION_PREFACE);
    socket.write(settingsFrame([]));

    const frames: { type: string; streamId: number; headers?: string[]; data?: string; endStream?: boolean }[] = [];
    const parse = (): void => {
      frames.length = 0;
      const bytes = new Uint8Array(received.subarray(head.length));
      const local = new HpackDecoder();
      let at = 0;
      for (;;) {
        const result = readFrame(bytes, at, bytes.length, 1 << 24);
        if (result.kind !== "frame") break;
        at += result.size;
        const f = result.frame;
        if (f.type === "headers")
          frames.push({ type: f.type, streamId: f.streamId, headers: local.decode(f.fragment).headers });
        else if (f.type === "data")
          frames.push({
            type: f.type,
            streamId: f.streamId,
            data: Buffer.from(f.data).toString(),
            endStream: f.endStream,
          });
        else frames.push({ type: f.type, streamId: "streamId" in f ? f.streamId : 0 });
      }
    };
    await until(() => {
      parse();
      return frames.some((f) => f.type === "data" && f.streamId === 1 && f.endStream === true);
    });
    expect(frames[0]?.type).toBe("settings");
    const response = frames.find((f) => f.type === "headers" && f.streamId === 1);
    expect(response?.headers?.slice(0, 4)).toEqual([":status", "200", "x-version", "HTTP/2"]);
    const body = frames
      .filter((f) => f.type === "data" && f.streamId === 1)
      .map((f) => f.data)
      .join("");
    expect(body).toBe("h2 POST /up [body]");

    // The connection is HTTP/2 now: the client's own streams start at 3.
    const block = new HpackEncoder().encode([
      ":method",
      "GET",
      ":scheme",
      "http",
      ":authority",
      "example",
      ":path",
      "/next",
    ]);
    for (const iovec of headersFrames(3, block, true, 16384)) socket.write(iovec);
    await until(() => {
      parse();
      return frames.some((f) => f.type === "data" && f.streamId === 3 && f.endStream === true);
    });
    expect(
      frames
        .filter((f) => f.type === "data" && f.streamId === 3)
        .map((f) => f.data)
        .join(""),
    ).toBe("h2 GET /next []");
  });

  warnIfNoCurl("the curl --http2 upgrade test");

  it.skipIf(!curlHasHttp2)(
    "curl --http2 on http:// upgrades and gets its answers over HTTP/2; plain HTTP/1.1 still works",
    async () => {
      const port = await listen();
      const upgraded = await curl(["--http2", "--include", `http://127.0.0.1:${port}/a`]);
      expect(upgraded).toMatch(/^HTTP\/1\.1 101 Switching Protocols\r\n/);
      expect(upgraded).toMatch(/HTTP\/2 200 ?\r\n/);
      expect(upgraded.endsWith("h2 GET /a []")).toBe(true);
      expect(await curl(["--http1.1", `http://127.0.0.1:${port}/b`])).toBe("h1 GET /b");
    },
  );
});

describe.each(IO_PLANS)("connectH2c: the client side of the upgrade ($name)", ({ options }) => {
  it("switches to HTTP/2: the first response on stream 1, then more requests on the same connection", async () => {
    const runtime = createMemoryRuntime(options);
    const listener = await runtime.listen(
      {},
      http1Server(async (request, response) => {
        if (await upgradeToHttp2(request, response, h2Handler)) return;
        response.respond(200, {}, `h1 ${request.method} ${request.target}`);
      }),
    );
    const port = listener.address.transport === "tcp" ? listener.address.port : 0;
    const result = await connectH2c(runtime, { port }, { method: "POST", path: "/first", body: "data" });
    expect(result.protocol).toBe("h2");
    if (result.protocol !== "h2") return;
    expect([result.response.streamId, await result.response.body.text()]).toEqual([1, "h2 POST /first [data]"]);
    const next = await result.client.request({ path: "/second" });
    expect([next.streamId, await next.body.text()]).toEqual([3, "h2 GET /second []"]);
    result.client.shutdown();
    await listener.close({ timeout: 500 });
  });

  it("a server that does not switch answers over HTTP/1.1, and the result says the connection stayed HTTP/1.1", async () => {
    const runtime = createMemoryRuntime(options);
    const listener = await runtime.listen(
      {},
      http1Server((request, response) => response.respond(200, {}, `h1 ${request.target}`)),
    );
    const port = listener.address.transport === "tcp" ? listener.address.port : 0;
    const result = await connectH2c(runtime, { port }, { path: "/plain" });
    expect(result.protocol).toBe("http/1.1");
    expect([result.response.status, await result.response.body.text()]).toEqual([200, "h1 /plain"]);
    if (result.protocol === "http/1.1") {
      const again = await result.client.request({ target: "/again" });
      expect(await again.body.text()).toBe("h1 /again");
      result.client.shutdown();
    }
    await listener.close({ timeout: 500 });
  });
});
