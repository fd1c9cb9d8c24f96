import net from "node:net";
import { http1Server } from "@sansio/http1";
import { runtime } from "@sansio/node";
import { afterEach, describe, expect, it } from "vitest";
import { connectH2c, type Http2Handler, type UpgradeOptions, upgradeToHttp2 } from "../src/index.js";
import { planUpgradeBody } from "../src/message/upgrade-body.js";

// The h2c upgrade reads the request body into memory before switching: `maxUpgradeBodySize` bounds
// what it holds, and a request over it is answered by the caller over HTTP/1.1, body intact.

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

const LIMIT = 4096;
const SETTINGS = "AAMAAABkAAQAAP__";

const h2Handler: Http2Handler = async (request, response) => {
  const body = await request.body.bytes();
  response.respond(200, {}, `h2 ${body.length}`);
};

/** What the HTTP/1.1 fallback saw of each request it answered. */
interface Fallback {
  /** Bytes the declined upgrade had read and `request.body` gave back first (0 when it read none). */
  readonly held: number;
}

/** One port, HTTP/1.1 upgraded to h2c under `options`; `seen` collects what the fallback saw. */
async function listen(
  seen: Fallback[],
  answer: "echo-length" | "refuse" = "echo-length",
  options: UpgradeOptions = { maxUpgradeBodySize: LIMIT },
): Promise<number> {
  const listener = await runtime.listen(
    { hostname: "127.0.0.1" },
    http1Server(async (request, response) => {
      if (await upgradeToHttp2(request, response, h2Handler, options)) return;
      const held = "held" in request.body ? (request.body.held as number) : 0;
      seen.push({ held });
      if (answer === "refuse") {
        response.respond(413, { connection: "close" }, "too large\n");
        return;
      }
      const body = await request.body.bytes();
      response.respond(200, {}, `h1 ${body.length} ${checksum(body)}`);
    }),
  );
  cleanups.push(() => listener.close({ timeout: 1000 }));
  return listener.address.transport === "tcp" ? listener.address.port : 0;
}

function checksum(bytes: Uint8Array): number {
  let sum = 0;
  for (const byte of bytes) sum = (sum * 31 + byte) >>> 0;
  return sum;
}

function pattern(size: number): Uint8Array {
  return Uint8Array.from({ length: size }, (_, i) => (i * 7) % 251);
}

/** A raw client socket collecting everything the server sends. */
async function rawClient(port: number): Promise<{ socket: net.Socket; received: () => string }> {
  const socket = net.connect(port, "127.0.0.1");
  cleanups.push(() => socket.destroy());
  socket.on("error", () => {});
  let received = "";
  socket.on("data", (chunk: Buffer) => {
    received += chunk.toString("latin1");
  });
  await new Promise((resolve) => socket.once("connect", resolve));
  return { socket, received: () => received };
}

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  expect(check()).toBe(true);
}

function chunkedUpgradeHead(): string {
  return (
    "POST /up HTTP/1.1\r\nHost: example\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\n" +
    `HTTP2-Settings: ${SETTINGS}\r\nTransfer-Encoding: chunked\r\n\r\n`
  );
}

function chunk(bytes: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from(`${bytes.length.toString(16)}\r\n`), Buffer.from(bytes), Buffer.from("\r\n")]);
}

describe("planUpgradeBody: what the upgrade does with a body, from its Content-Length", () => {
  it.each([
    [0, "read"],
    [LIMIT - 1, "read"],
    [LIMIT, "read"],
    [LIMIT + 1, "decline"],
    [Number.MAX_SAFE_INTEGER, "decline"],
    [null, "read-bounded"],
  ] as const)("Content-Length %s under a limit of 4096: %s", (length, plan) => {
    expect(planUpgradeBody(length, LIMIT)).toBe(plan);
  });
});

describe("maxUpgradeBodySize: the body an h2c upgrade may hold", () => {
  it("a body of exactly the limit upgrades: answered on stream 1 over HTTP/2", async () => {
    const seen: Fallback[] = [];
    const port = await listen(seen);
    const result = await connectH2c(runtime, { hostname: "127.0.0.1", port }, { method: "POST", body: pattern(LIMIT) });
    expect(result.protocol).toBe("h2");
    expect(await result.response.body.text()).toBe(`h2 ${LIMIT}`);
    result.client.shutdown();
    expect(seen).toEqual([]);
  });

  it("one byte over: no 101, the caller answers over HTTP/1.1 and reads the whole body, none of it read before", async () => {
    const seen: Fallback[] = [];
    const port = await listen(seen);
    const body = pattern(LIMIT + 1);
    const result = await connectH2c(runtime, { hostname: "127.0.0.1", port }, { method: "POST", body });
    expect(result.protocol).toBe("http/1.1");
    expect([result.response.status, await result.response.body.text()]).toEqual([
      200,
      `h1 ${LIMIT + 1} ${checksum(body)}`,
    ]);
    result.client.shutdown();
    expect(seen).toEqual([{ held: 0 }]);
  });

  it("the default is 64 KiB: 65536 bytes upgrade, 65537 stay HTTP/1.1", async () => {
    const seen: Fallback[] = [];
    const port = await listen(seen, "echo-length", {});
    const at = await connectH2c(runtime, { hostname: "127.0.0.1", port }, { method: "POST", body: pattern(65536) });
    expect(at.protocol).toBe("h2");
    at.client.shutdown();
    const over = await connectH2c(runtime, { hostname: "127.0.0.1", port }, { method: "POST", body: pattern(65537) });
    expect(over.protocol).toBe("http/1.1");
    expect(await over.response.body.text()).toBe(`h1 65537 ${checksum(pattern(65537))}`);
    over.client.shutdown();
  });

  it("a chunked body within the limit upgrades", async () => {
    const seen: Fallback[] = [];
    const port = await listen(seen);
    const { socket, received } = await rawClient(port);
    socket.write(chunkedUpgradeHead());
    socket.write(chunk(pattern(LIMIT / 2)));
    socket.write(chunk(pattern(LIMIT / 2)));
    socket.write("0\r\n\r\n");
    await until(() => received().includes("\r\n\r\n"));
    expect(received()).toMatch(/^HTTP\/1\.1 101 Switching Protocols\r\n/);
    expect(seen).toEqual([]);
  });

  it("a chunked body past the limit: the caller answers over HTTP/1.1 and still reads every byte, in order", async () => {
    const seen: Fallback[] = [];
    const port = await listen(seen);
    const { socket, received } = await rawClient(port);
    const parts = [pattern(3000), pattern(3000), pattern(3000)];
    socket.write(chunkedUpgradeHead());
    for (const part of parts) socket.write(chunk(part));
    socket.write("0\r\n\r\n");
    await until(() => /\r\n\r\nh1 /.test(received()));
    const all = Buffer.concat(parts);
    expect(received()).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(received().endsWith(`h1 9000 ${checksum(all)}`)).toBe(true);
    expect(seen).toHaveLength(1);
    expect(seen[0]?.held).toBeGreaterThan(LIMIT);
  });

  it("a chunked body that keeps growing is not held past the limit (plus the chunk that crossed it)", async () => {
    const seen: Fallback[] = [];
    const port = await listen(seen, "refuse");
    const { socket, received } = await rawClient(port);
    socket.write(chunkedUpgradeHead());
    // Up to 8 MiB in 1 KiB chunks, stopping once the server answered: the server answers long before.
    let sent = 0;
    for (let i = 0; i < 8192 && !received().includes("\r\n\r\n"); i++) {
      if (!socket.write(chunk(pattern(1024)))) await new Promise((resolve) => setTimeout(resolve, 2));
      sent += 1024;
      if (i % 64 === 63) await new Promise((resolve) => setImmediate(resolve));
    }
    await until(() => received().includes("\r\n\r\n"));
    expect(received()).toMatch(/^HTTP\/1\.1 413 /);
    expect(seen).toHaveLength(1);
    const held = seen[0]?.held ?? 0;
    // Held: past the limit (that is why it declined) by at most one read from the socket (64 KiB).
    expect(held).toBeGreaterThan(LIMIT);
    expect(held).toBeLessThanOrEqual(LIMIT + 64 * 1024);
    expect(sent).toBeGreaterThan(held);
  });

  it("refuses a limit that is not a size", async () => {
    const seen: Fallback[] = [];
    const port = await listen(seen, "echo-length", { maxUpgradeBodySize: -1 });
    const result = await connectH2c(runtime, { hostname: "127.0.0.1", port }, { method: "POST", body: "x" });
    // The handler threw RangeError: the HTTP/1.1 server answers 500.
    expect(result.response.status).toBe(500);
    result.client.shutdown();
  });
});
