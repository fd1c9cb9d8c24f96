import { createClientConnection, http1Server } from "@sansio/http1";
import { runtime as nodeRuntime } from "@sansio/node";
import { SendAndCollect } from "@sansio/runtime-api/conformance";
import { createMemoryRuntime } from "@sansio/runtime-api/testing";
import { describe, expect, it } from "vitest";
import { Http2ClientConnection, type Http2Handler, http2Server, upgradeToHttp2 } from "../src/index.js";
import { curl, curlHasHttp2, warnIfNoCurl } from "./curl-peer.js";
import { IO_PLANS } from "./helpers.js";

const h2Handler: Http2Handler = (request, response) => response.respond(200, {}, `h2 ${request.path}`);
const accept = http2Server(h2Handler, {
  http1: http1Server(async (request, response) => {
    if (await upgradeToHttp2(request, response, h2Handler)) return;
    response.respond(200, {}, `h1 ${request.target}`);
  }),
});

describe.each(IO_PLANS)("one plain port for HTTP/1.1 and HTTP/2 by prior knowledge ($name)", ({ options }) => {
  it("the first bytes choose the protocol", async () => {
    const runtime = createMemoryRuntime(options);
    const listener = await runtime.listen({}, accept);
    const port = listener.address.transport === "tcp" ? listener.address.port : 0;

    const h2 = new Http2ClientConnection({ authority: "x", scheme: "http" });
    await runtime.connect({ port }, h2);
    const h1 = createClientConnection({ host: "x" });
    await runtime.connect({ port }, h1);

    const [a, b] = await Promise.all([h2.request({ path: "/a" }), h1.request({ target: "/b" })]);
    expect(await a.body.text()).toBe("h2 /a");
    expect(await b.body.text()).toBe("h1 /b");
    h2.shutdown();
    h1.shutdown();
    await listener.close({ timeout: 500 });
  });

  it("a connection that sent nothing yet is closed cleanly when the listener closes", async () => {
    // A virtual clock: the listener's abort timeout cannot fire, so only a graceful close ends the test.
    const runtime = createMemoryRuntime({ ...options, clock: "virtual" });
    const listener = await runtime.listen({}, accept);
    const port = listener.address.transport === "tcp" ? listener.address.port : 0;
    const silent = new SendAndCollect(new Uint8Array(0), { halfClose: false });
    await runtime.connect({ port }, silent);
    await listener.close({ timeout: 1000 });
    expect((await silent.done).length).toBe(0);
  });
});

warnIfNoCurl("the one-port curl test");

describe.skipIf(!curlHasHttp2)("one plain port with curl", () => {
  it("HTTP/1.1, h2c by prior knowledge and h2c by upgrade", async () => {
    const listener = await nodeRuntime.listen({ hostname: "127.0.0.1" }, accept);
    const url = `http://127.0.0.1:${listener.address.transport === "tcp" ? listener.address.port : 0}`;
    try {
      expect(await curl(["--http1.1", `${url}/1`])).toBe("h1 /1");
      expect(await curl(["--http2-prior-knowledge", `${url}/2`])).toBe("h2 /2");
      const upgraded = await curl(["--http2", "--include", `${url}/3`]);
      expect(upgraded).toMatch(/^HTTP\/1\.1 101 /);
      expect(upgraded.endsWith("h2 /3")).toBe(true);
    } finally {
      await listener.close({ timeout: 1000 });
    }
  });
});
