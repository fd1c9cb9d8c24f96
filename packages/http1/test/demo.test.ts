// Real clients against the `npm start` demo (examples/server) on Node, Deno and Bun: Node's fetch,
// node:http, raw sockets, and curl when it is installed.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import http2 from "node:http2";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eventually } from "@sansio/runtime-api/conformance";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  curl,
  type DemoProcess,
  type DemoRuntime,
  demoCommand,
  hasCurl,
  payload,
  ROOT,
  startDemo,
  startNpmStart,
  streamPattern,
} from "./demo-server.js";

const CURL = hasCurl();
if (!CURL)
  console.warn(
    "curl is not installed: the curl cases below are SKIPPED (not run); the fetch cases cover the same behaviours.",
  );

const FIVE_MIB = 5 * 1024 * 1024;

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return (
    a.length === b.length &&
    Buffer.compare(Buffer.from(a.buffer, a.byteOffset, a.length), Buffer.from(b.buffer, b.byteOffset, b.length)) === 0
  );
}

/** Sends raw bytes on a fresh socket and returns everything received until the server closes (bounded). */
function rawRequest(url: string, raw: string, timeout = 10_000): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: hostname, port: Number(port) });
    let data = "";
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no close within ${timeout} ms; got ${JSON.stringify(data)}`));
    }, timeout);
    socket.on("connect", () => socket.write(raw));
    socket.on("data", (chunk) => {
      data += chunk.toString("latin1");
    });
    socket.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.on("close", () => {
      clearTimeout(timer);
      resolve(data);
    });
  });
}

/** GET with a keep-alive node:http agent; resolves with the body and whether the socket was reused. */
function agentGet(agent: http.Agent, url: string): Promise<{ body: string; reused: boolean }> {
  return new Promise((resolve, reject) => {
    const request = http.get(url, { agent }, (response) => {
      let body = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => {
        body += chunk;
      });
      response.on("end", () => resolve({ body, reused: request.reusedSocket }));
      response.on("error", reject);
    });
    request.on("error", reject);
  });
}

describe.each(["node", "deno", "bun"] as DemoRuntime[])("the npm start demo on %s", (runtime) => {
  let demo: DemoProcess;
  let scratch: string;

  beforeAll(async () => {
    const { command, args } = demoCommand(runtime);
    demo = await startDemo(command, args);
    scratch = mkdtempSync(join(tmpdir(), `sansio-demo-${runtime}-`));
  });

  afterAll(async () => {
    await demo?.stop();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it("prints one access-log line per response", async () => {
    const probe = `/?probe=${Math.random().toString(36).slice(2)}`;
    await (await fetch(`${demo.url}${probe}`)).text();
    const line = new RegExp(`^\\S+ 127\\.0\\.0\\.1 "GET ${probe.replace(/[?.]/g, "\\$&")} HTTP/1\\.1" 200$`, "m");
    await eventually(() => line.test(demo.output()), 5000, "the access-log line is printed");
    expect(demo.output().match(line)).toHaveLength(1);
  });

  it("GET / answers 200 with a short text naming the runtime", async () => {
    const response = await fetch(`${demo.url}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(await response.text()).toContain(`Hello from @sansio/http1 on ${runtime}`);
  });

  it("keeps connections alive: node:http reuses its socket, fetch sees no Connection: close", async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const first = await agentGet(agent, `${demo.url}/`);
      const second = await agentGet(agent, `${demo.url}/`);
      const third = await agentGet(agent, `${demo.url}/stream?bytes=10`);
      expect(first.reused).toBe(false);
      expect(second.reused).toBe(true);
      expect(third.reused).toBe(true);
      expect(third.body).toBe("abcdefghij");
    } finally {
      agent.destroy();
    }
    for (let i = 0; i < 3; i++) {
      const response = await fetch(`${demo.url}/`);
      expect(response.headers.get("connection")).not.toBe("close");
      await response.text();
    }
  });

  it("echoes a 5 MiB POST /echo (Content-Length) with fetch", async () => {
    const body = payload(FIVE_MIB, 1);
    const response = await fetch(`${demo.url}/echo`, { method: "POST", body });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-length")).toBe(String(FIVE_MIB));
    expect(equalBytes(new Uint8Array(await response.arrayBuffer()), body)).toBe(true);
  });

  it("echoes a chunked upload (a streamed fetch body) chunked", async () => {
    const body = payload(3 * 1024 * 1024 + 17, 2);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let at = 0; at < body.length; at += 100_000) controller.enqueue(body.slice(at, at + 100_000));
        controller.close();
      },
    });
    const response = await fetch(`${demo.url}/echo`, { method: "POST", body: stream, duplex: "half" } as RequestInit);
    expect(response.status).toBe(200);
    // The echo mirrors the framing: no Content-Length out means the upload came in chunked.
    expect(response.headers.get("content-length")).toBeNull();
    expect(equalBytes(new Uint8Array(await response.arrayBuffer()), body)).toBe(true);
  });

  it("GET /stream?bytes=N answers a chunked body of N bytes", async () => {
    const size = 1_000_003;
    const response = await fetch(`${demo.url}/stream?bytes=${size}`);
    expect(response.status).toBe(200);
    expect(response.headers.get("transfer-encoding")).toBe("chunked");
    expect(equalBytes(new Uint8Array(await response.arrayBuffer()), streamPattern(size))).toBe(true);
    const bad = await fetch(`${demo.url}/stream?bytes=-1`);
    expect(bad.status).toBe(400);
    await bad.text();
  });

  it("answers pipelined requests in order and refuses a smuggling attempt (raw socket)", async () => {
    const pipelined = await rawRequest(
      demo.url,
      "GET /stream?bytes=3 HTTP/1.1\r\nHost: a\r\n\r\nPOST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\n\r\nbodyGET /nope HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n",
    );
    const statuses = [...pipelined.matchAll(/HTTP\/1\.1 (\d{3})/g)].map((m) => m[1]);
    expect(statuses).toEqual(["200", "200", "404"]);
    expect(pipelined).toContain("\r\n\r\n3\r\nabc\r\n0\r\n\r\n");
    expect(pipelined).toContain("\r\n\r\nbody");
    const smuggle = await rawRequest(
      demo.url,
      "POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n",
    );
    expect(smuggle.startsWith("HTTP/1.1 400 Bad Request\r\n")).toBe(true);
    expect(smuggle.match(/HTTP\/1\.1/g)).toHaveLength(1);
  });

  it.skipIf(!CURL)("curl: reuses the connection for two URLs", async () => {
    const result = await curl(["--verbose", `${demo.url}/`, `${demo.url}/stream?bytes=5`]);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/Re-?using existing/i);
    expect(result.stdout.toString()).toMatch(/Hello from @sansio\/http1[\s\S]*abcde$/);
  });

  it.skipIf(!CURL)("curl: round-trips a 5 MiB POST /echo (curl sends Expect: 100-continue)", async () => {
    const input = join(scratch, "in.bin");
    const output = join(scratch, "out.bin");
    const body = payload(FIVE_MIB, 3);
    writeFileSync(input, body);
    const result = await curl(["--verbose", "--data-binary", `@${input}`, "-o", output, `${demo.url}/echo`]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain("100 Continue");
    expect(equalBytes(readFileSync(output), body)).toBe(true);
  });

  it.skipIf(!CURL)("curl: round-trips a chunked upload", async () => {
    const input = join(scratch, "chunked.bin");
    const output = join(scratch, "chunked.out");
    const body = payload(2 * 1024 * 1024 + 5, 4);
    writeFileSync(input, body);
    const result = await curl([
      "--verbose",
      "-H",
      "Transfer-Encoding: chunked",
      "--data-binary",
      `@${input}`,
      "-o",
      output,
      `${demo.url}/echo`,
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/transfer-encoding: chunked/i);
    expect(equalBytes(readFileSync(output), body)).toBe(true);
  });
});

/**
 * Sends `head` one byte every `interval` ms on a fresh socket, until the server closes it or the head
 * is sent; resolves with what the server sent, how many bytes went out, and the ms until the close.
 */
function trickle(url: string, head: string, interval: number): Promise<{ reply: string; sent: number; ms: number }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: hostname, port: Number(port) });
    let reply = "";
    let sent = 0;
    let started = 0;
    let timer: ReturnType<typeof setInterval> | undefined;
    const guard = setTimeout(() => {
      socket.destroy();
      reject(new Error(`the server did not close within 20 s; sent ${sent} bytes, got ${JSON.stringify(reply)}`));
    }, 20_000);
    socket.on("connect", () => {
      started = performance.now();
      timer = setInterval(() => {
        if (sent < head.length && !socket.destroyed) socket.write(head[sent++] as string);
      }, interval);
    });
    socket.on("data", (chunk) => {
      reply += chunk.toString("latin1");
    });
    socket.on("error", () => {}); // a reset after the reply is fine: the close below settles
    socket.on("close", () => {
      clearInterval(timer);
      clearTimeout(guard);
      resolve({ reply, sent, ms: performance.now() - started });
    });
  });
}

describe.each(["node", "deno", "bun"] as DemoRuntime[])("HTTP/1.1 timeouts over real sockets on %s", (runtime) => {
  let demo: DemoProcess;
  const HEADERS_TIMEOUT = 1500;
  const KEEP_ALIVE_TIMEOUT = 700;

  beforeAll(async () => {
    const { command, args } = demoCommand(runtime);
    demo = await startDemo(command, [
      ...args,
      "--quiet",
      "--headers-timeout",
      String(HEADERS_TIMEOUT),
      "--keep-alive-timeout",
      String(KEEP_ALIVE_TIMEOUT),
    ]);
  });

  afterAll(async () => {
    await demo?.stop();
  });

  it("slowloris: a head sent one byte every 100 ms is answered 408 and closed at headersTimeout", async () => {
    const head = `GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ${"a".repeat(200)}\r\n\r\n`;
    const { reply, sent, ms } = await trickle(demo.url, head, 100);
    expect(reply.startsWith("HTTP/1.1 408 Request Timeout\r\n")).toBe(true);
    expect(reply).toContain("\r\nConnection: close\r\n");
    // Cut well before the whole head went out, and not before the timeout.
    expect(sent).toBeLessThan(head.length);
    expect(ms).toBeGreaterThanOrEqual(HEADERS_TIMEOUT - 20);
  });

  it("an idle kept-alive connection is closed at keepAliveTimeout, without a response", async () => {
    const { reply, ms } = await trickle(demo.url, "GET / HTTP/1.1\r\nHost: x\r\n\r\n", 0);
    const responses = reply.split("HTTP/1.1 ").length - 1;
    expect(reply.startsWith("HTTP/1.1 200 OK\r\n")).toBe(true);
    expect(responses).toBe(1);
    expect(ms).toBeGreaterThanOrEqual(KEEP_ALIVE_TIMEOUT - 20);
  });

  it("--quiet prints no access log, for HTTP/1.1 or HTTP/2", async () => {
    await (await fetch(`${demo.url}/`)).text();
    const session = http2.connect(demo.url);
    try {
      await new Promise<void>((resolve, reject) => {
        const stream = session.request({ ":path": "/" });
        stream.on("error", reject);
        stream.on("end", resolve).resume();
      });
    } finally {
      session.close();
    }
    expect(demo.output()).not.toMatch(/" 200$/m);
  });
});

describe("npm start (examples/server/start.mjs)", () => {
  it.each(["node", "bun"] as DemoRuntime[])("starts the demo on %s and stops it on SIGTERM", async (runtime) => {
    const demo = await startNpmStart(["--runtime", runtime]);
    const response = await fetch(`${demo.url}/`);
    expect(await response.text()).toContain(`on ${runtime}`);
    await demo.stop();
    // The runtime child got the signal too: nothing listens any more.
    await expect(fetch(`${demo.url}/`)).rejects.toThrow();
  });

  // `npm start` finds Node 24 first on PATH (node_modules/.bin); run directly by an older Node, start.mjs
  // runs the demo under node_modules/.bin/node instead. The system Node here is 20.
  const OLD_NODE = "/usr/bin/node";
  const oldNodeVersion = existsSync(OLD_NODE)
    ? spawnSync(OLD_NODE, ["-p", "process.features.typescript ? '' : process.version"], {
        encoding: "utf8",
      }).stdout.trim()
    : "";
  if (oldNodeVersion === "")
    console.warn(
      `SKIPPED: no Node without TypeScript support at ${OLD_NODE}; the start.mjs fallback case did not run.`,
    );
  it.skipIf(oldNodeVersion === "")(
    `run by a Node that cannot run TypeScript (${oldNodeVersion || "none here"}), runs the demo under node_modules/.bin/node`,
    async () => {
      const demo = await startNpmStart(["--runtime", "node"], OLD_NODE);
      try {
        const text = await (await fetch(`${demo.url}/`)).text();
        const binNode = join(ROOT, "node_modules", ".bin", "node");
        const version = spawnSync(binNode, ["-p", "process.versions.node"], { encoding: "utf8" }).stdout.trim();
        expect(text).toContain(`on node ${version} (HTTP/1.1)`);
      } finally {
        await demo.stop();
      }
      await expect(fetch(`${demo.url}/`)).rejects.toThrow();
    },
  );

  it("refuses an unknown runtime with a usage message", async () => {
    await expect(startNpmStart(["--runtime", "rhino"], process.execPath, 10_000)).rejects.toThrow(/unknown --runtime/);
  });
});
