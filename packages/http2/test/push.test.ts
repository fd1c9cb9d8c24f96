import http2 from "node:http2";
import type { AddressInfo } from "node:net";
import { runtime } from "@sansio/node";
import { afterEach, describe, expect, it } from "vitest";
import { Http2ClientConnection, type Http2Push } from "../src/index.js";

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A node:http2 server that pushes /style.css with every response to /. */
async function pushingServer(): Promise<{ port: number; pushErrors: string[] }> {
  const pushErrors: string[] = [];
  const server = http2.createServer();
  server.on("stream", (stream) => {
    stream.on("error", () => {});
    if (!stream.pushAllowed) {
      pushErrors.push("push disabled by the client");
      stream.respond({ ":status": 200 });
      stream.end("<html>");
      return;
    }
    stream.pushStream({ ":path": "/style.css" }, (error, push) => {
      if (error) {
        pushErrors.push(error.message);
      } else {
        push.on("error", (e) => pushErrors.push(e.message));
        push.on("close", () => {
          if (push.rstCode !== 0) pushErrors.push(`reset ${push.rstCode}`);
        });
        push.respond({ ":status": 200, "content-type": "text/css" });
        // The body a little later, so a refusal (RST_STREAM) finds the pushed stream still open.
        setTimeout(() => {
          if (!push.destroyed) push.end("body { color: red }");
        }, 30);
      }
      stream.respond({ ":status": 200 });
      stream.end("<html>");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  cleanups.push(() => new Promise((resolve) => server.close(resolve)));
  return { port: (server.address() as AddressInfo).port, pushErrors };
}

async function connect(
  port: number,
  onPush?: (push: Http2Push) => boolean | undefined,
): Promise<Http2ClientConnection> {
  const client = new Http2ClientConnection({
    authority: `127.0.0.1:${port}`,
    scheme: "http",
    ...(onPush ? { onPush } : {}),
  });
  const session = await runtime.connect({ hostname: "127.0.0.1", port }, client);
  cleanups.push(() => {
    client.shutdown();
    return session.closed;
  });
  return client;
}

describe("server push, against node:http2", () => {
  it("is off by default: node:http2 cannot push, the response arrives", async () => {
    const { port, pushErrors } = await pushingServer();
    const client = await connect(port);
    const response = await client.request();
    expect(await response.body.text()).toBe("<html>");
    expect(pushErrors).toEqual(["push disabled by the client"]);
  });

  it("with onPush: the pushed response is received with the promised request", async () => {
    const { port } = await pushingServer();
    const pushes: Http2Push[] = [];
    const client = await connect(port, (push) => {
      pushes.push(push);
      return true;
    });
    const response = await client.request();
    expect(await response.body.text()).toBe("<html>");
    expect(pushes.map((p) => [p.method, p.path, p.associatedStreamId, p.streamId % 2])).toEqual([
      ["GET", "/style.css", 1, 0],
    ]);
    const pushed = await (pushes[0] as Http2Push).response;
    expect([pushed.status, pushed.header("content-type"), await pushed.body.text()]).toEqual([
      200,
      "text/css",
      "body { color: red }",
    ]);
  });

  it("onPush returning false refuses it with RST_STREAM CANCEL; the connection carries on", async () => {
    const { port, pushErrors } = await pushingServer();
    const client = await connect(port, () => false);
    const first = await client.request();
    expect(await first.body.text()).toBe("<html>");
    const second = await client.request();
    expect(await second.body.text()).toBe("<html>");
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(pushErrors).toContain(`reset ${http2.constants.NGHTTP2_CANCEL}`);
  });
});
