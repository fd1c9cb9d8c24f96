// HTTP/2 and WebSocket against the `npm start` demo (examples/server) on Node, Deno and Bun: one plain
// port (HTTP/1.1, h2c by prior knowledge, h2c by upgrade) and one `--tls` port (ALPN h2 or http/1.1),
// with node:http2, node:https, `ws`, a raw socket, and curl and nghttp when installed.
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import http2 from "node:http2";
import https from "node:https";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TLSSocket } from "node:tls";
import { HpackDecoder, HpackEncoder } from "@sansio/http2";
import { eventually } from "@sansio/runtime-api/conformance";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import {
  curl,
  curlHasHttp2,
  type DemoProcess,
  type DemoRuntime,
  demoCommand,
  hasNghttp,
  payload,
  runTool,
  startDemo,
  startNpmStart,
  streamPattern,
} from "./demo-server.js";

const CURL_H2 = curlHasHttp2();
const NGHTTP = hasNghttp();
if (!CURL_H2)
  console.warn(
    "SKIPPED: curl with HTTP/2 is not installed; the curl cases below did not run (node:http2 and the raw-socket upgrade cover the same behaviours).",
  );
if (!NGHTTP)
  console.warn("SKIPPED: nghttp (Debian nghttp2-client) is not installed; the nghttp cases below did not run.");

interface H2Answer {
  readonly status: number;
  readonly headers: http2.IncomingHttpHeaders;
  readonly body: Buffer;
}

/** One request on a node:http2 session; resolves with the whole answer. */
function h2Request(
  session: http2.ClientHttp2Session,
  path: string,
  init: { method?: string; body?: Buffer } = {},
): Promise<H2Answer> {
  return new Promise((resolve, reject) => {
    const stream = session.request({ ":method": init.method ?? "GET", ":path": path }, { endStream: !init.body });
    const chunks: Buffer[] = [];
    let headers: http2.IncomingHttpHeaders = {};
    stream.on("response", (received) => {
      headers = received;
    });
    stream.on("data", (chunk: Buffer) => chunks.push(chunk));
    stream.on("end", () => resolve({ status: Number(headers[":status"]), headers, body: Buffer.concat(chunks) }));
    stream.on("error", reject);
    if (init.body) stream.end(init.body);
  });
}

/** A node:http2 session to `url`, connected (ALPN `h2` over TLS, trusting `ca`). */
function h2Connect(url: string, ca?: string): Promise<http2.ClientHttp2Session> {
  return new Promise((resolve, reject) => {
    const session = http2.connect(url, ca === undefined ? {} : { ca });
    session.once("connect", () => resolve(session));
    session.once("error", reject);
  });
}

function closeSession(session: http2.ClientHttp2Session): Promise<void> {
  return new Promise((resolve) => session.close(() => resolve()));
}

/** The access-log lines for a 431 whose head could not be decoded (request line `"-"`). */
function demo431Lines(demo: DemoProcess): RegExpMatchArray | null {
  return demo.output().match(/^\S+ \S+ "-" 431$/gm);
}

/** Escapes `text` for a RegExp. */
function literal(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Waits for exactly one access-log line for `request` (e.g. `GET /x HTTP/2`) with `status`. */
async function expectLogLine(demo: DemoProcess, request: string, status: number): Promise<void> {
  const line = new RegExp(`^\\S+ 127\\.0\\.0\\.1 "${literal(request)}" ${status}$`, "gm");
  await eventually(() => line.test(demo.output()), 5000, `the access-log line for ${request} is printed`);
  expect(demo.output().match(line)).toHaveLength(1);
}

/** A frame read off the wire by {@link RawH2}. */
interface Frame {
  readonly type: number;
  readonly flags: number;
  readonly streamId: number;
  readonly payload: Buffer;
}

const FRAME = { DATA: 0, HEADERS: 1, SETTINGS: 4, CONTINUATION: 9 } as const;
const FLAG = { END_STREAM: 0x1, ACK: 0x1, END_HEADERS: 0x4 } as const;

function frame(type: number, flags: number, streamId: number, payload: Uint8Array): Buffer {
  const head = Buffer.alloc(9);
  head.writeUIntBE(payload.length, 0, 3);
  head[3] = type;
  head[4] = flags;
  head.writeUInt32BE(streamId, 5);
  return Buffer.concat([head, payload]);
}

/** The upgrade header fields (`HTTP2-Settings`: MAX_CONCURRENT_STREAMS 100, INITIAL_WINDOW_SIZE 65535). */
const UPGRADE_FIELDS = "Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQAAP__\r\n";
const UPGRADE_GET = `GET /stream?bytes=5 HTTP/1.1\r\nHost: demo\r\n${UPGRADE_FIELDS}\r\n`;

/** Runs `talk` on a raw TCP socket to `url` that collects what it receives; destroys it afterwards. */
async function withRawSocket<T>(
  url: string,
  talk: (socket: net.Socket, received: () => Buffer) => Promise<T>,
): Promise<T> {
  const { hostname, port } = new URL(url);
  const socket = net.connect({ host: hostname, port: Number(port) });
  let received = Buffer.alloc(0);
  socket.on("data", (chunk: Buffer) => {
    received = Buffer.concat([received, chunk]);
  });
  socket.on("error", () => {}); // the checks report what went wrong
  try {
    await new Promise((resolve, reject) => {
      socket.once("connect", resolve);
      socket.once("error", reject);
    });
    return await talk(socket, () => received);
  } finally {
    socket.destroy();
  }
}

/** The client connection preface with an empty SETTINGS frame. */
const PREFACE = Buffer.concat([
  Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", "latin1"),
  frame(FRAME.SETTINGS, 0, 0, new Uint8Array(0)),
]);

/**
 * Reads the server's HTTP/2 frames from byte `at` of what `received()` holds (ACKing its SETTINGS) until
 * every stream of `streams` has ended; the responses, header blocks decoded in order with one decoder.
 */
async function readResponses(
  socket: net.Socket,
  received: () => Buffer,
  at: number,
  streams: readonly number[],
): Promise<Map<number, H2Answer>> {
  const decoder = new HpackDecoder();
  const answers = new Map<number, { status: number; headers: Record<string, string>; body: Buffer[] }>();
  const ended = new Set<number>();
  const readFrames = (): void => {
    const bytes = received();
    while (bytes.length - at >= 9) {
      const length = bytes.readUIntBE(at, 3);
      if (bytes.length - at < 9 + length) return;
      const f: Frame = {
        type: bytes[at + 3] as number,
        flags: bytes[at + 4] as number,
        streamId: bytes.readUInt32BE(at + 5) & 0x7fffffff,
        payload: bytes.subarray(at + 9, at + 9 + length),
      };
      at += 9 + length;
      if (f.type === FRAME.SETTINGS && !(f.flags & FLAG.ACK))
        socket.write(frame(FRAME.SETTINGS, FLAG.ACK, 0, new Uint8Array(0)));
      if (f.type === FRAME.HEADERS) {
        expect(f.flags & FLAG.END_HEADERS).toBe(FLAG.END_HEADERS); // no CONTINUATION for these small heads
        const fields = decoder.decode(f.payload).headers;
        const headers: Record<string, string> = {};
        for (let i = 0; i + 1 < fields.length; i += 2) headers[fields[i] as string] = fields[i + 1] as string;
        answers.set(f.streamId, { status: Number(headers[":status"]), headers, body: [] });
      }
      if (f.type === FRAME.DATA) answers.get(f.streamId)?.body.push(f.payload);
      if ((f.type === FRAME.DATA || f.type === FRAME.HEADERS) && f.flags & FLAG.END_STREAM) ended.add(f.streamId);
    }
  };
  await eventually(
    () => {
      readFrames();
      return streams.every((id) => ended.has(id));
    },
    10_000,
    `streams ${streams.join(", ")} end`,
  );
  const responses = new Map<number, H2Answer>();
  for (const [id, answer] of answers) {
    responses.set(id, { status: answer.status, headers: answer.headers, body: Buffer.concat(answer.body) });
  }
  return responses;
}

/**
 * The h2c upgrade written by hand on a raw socket (RFC 7540 §3.2): the HTTP/1.1 request with `Upgrade:
 * h2c` and `HTTP2-Settings`, the 101, then our preface and SETTINGS, a second request on stream 3, and
 * the frames of both responses.
 */
function rawUpgrade(
  url: string,
  upgradeRequest: string | Buffer = UPGRADE_GET,
): Promise<{ head: string; responses: Map<number, H2Answer> }> {
  return withRawSocket(url, async (socket, received) => {
    socket.write(upgradeRequest);
    await eventually(() => received().includes("\r\n\r\n"), 10_000, "the server answers the upgrade request");
    const headEnd = received().indexOf("\r\n\r\n") + 4;
    const head = received().subarray(0, headEnd).toString("latin1");
    if (!head.startsWith("HTTP/1.1 101 ")) return { head, responses: new Map() };
    const request = new HpackEncoder().encode([
      ":method",
      "GET",
      ":scheme",
      "http",
      ":authority",
      "demo",
      ":path",
      "/",
    ]);
    socket.write(Buffer.concat([PREFACE, frame(FRAME.HEADERS, FLAG.END_HEADERS | FLAG.END_STREAM, 3, request)]));
    return { head, responses: await readResponses(socket, received, headEnd, [1, 3]) };
  });
}

/** One request by prior knowledge on a raw socket, its header block as given (it may break the limits). */
function rawRequest(url: string, fields: readonly string[]): Promise<H2Answer | undefined> {
  return withRawSocket(url, async (socket, received) => {
    // The header block in HEADERS + CONTINUATION frames of at most 16384 bytes (the default frame size).
    const block = new HpackEncoder().encode(fields);
    const frames: Buffer[] = [PREFACE];
    for (let start = 0; start < block.length; start += 16384) {
      const last = start + 16384 >= block.length;
      const type = start === 0 ? FRAME.HEADERS : FRAME.CONTINUATION;
      const flags = (last ? FLAG.END_HEADERS : 0) | (start === 0 ? FLAG.END_STREAM : 0);
      frames.push(frame(type, flags, 1, block.subarray(start, start + 16384)));
    }
    socket.write(Buffer.concat(frames));
    return (await readResponses(socket, received, 0, [1])).get(1);
  });
}

/** A `ws` client on `url`, open; `sockets` collects its socket (to count the bytes on the wire). */
function openWebSocket(url: string, sockets: net.Socket[], ca?: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, ca === undefined ? {} : { ca });
    ws.once("upgrade", (response) => sockets.push(response.socket));
    ws.once("open", () => resolve(ws));
    ws.once("error", reject);
  });
}

/** The next message on `ws`, with whether it was binary. */
function nextMessage(ws: WebSocket): Promise<{ data: Buffer; binary: boolean }> {
  return new Promise((resolve, reject) => {
    ws.once("message", (data: Buffer, binary: boolean) => resolve({ data, binary }));
    ws.once("close", (code) => reject(new Error(`closed (${code}) before a message`)));
  });
}

function closeWebSocket(ws: WebSocket): Promise<{ code: number }> {
  return new Promise((resolve) => {
    ws.once("close", (code: number) => resolve({ code }));
    ws.close(1000, "done");
  });
}

/** Text, binary and a large compressible message through the echo; checks permessage-deflate was agreed. */
async function echoChecks(ws: WebSocket): Promise<void> {
  expect(ws.extensions).toMatch(/^permessage-deflate/);
  ws.send("héllo ✓");
  const text = await nextMessage(ws);
  expect(text.binary).toBe(false);
  expect(text.data.toString("utf8")).toBe("héllo ✓");
  const bytes = payload(70_000, 9);
  ws.send(bytes);
  const binary = await nextMessage(ws);
  expect(binary.binary).toBe(true);
  expect(binary.data.equals(bytes)).toBe(true);
}

describe.each(["node", "deno", "bun"] as DemoRuntime[])(
  "HTTP/2 and WebSocket from the npm start demo on %s",
  (runtime) => {
    let plain: DemoProcess;
    let secure: DemoProcess;
    let scratch: string;
    let caFile: string;
    let ca: string;

    beforeAll(async () => {
      scratch = mkdtempSync(join(tmpdir(), `sansio-demo-h2-${runtime}-`));
      caFile = join(scratch, "ca.pem");
      const { command, args } = demoCommand(runtime);
      plain = await startDemo(command, args);
      const tls = demoCommand(runtime, caFile);
      secure = await startDemo(tls.command, [...tls.args, "--tls", "--ca-out", caFile]);
      ca = readFileSync(caFile, "utf8");
    });

    afterAll(async () => {
      await plain?.stop();
      await secure?.stop();
      if (scratch) rmSync(scratch, { recursive: true, force: true });
    });

    describe("plain port", () => {
      it("node:http2 by prior knowledge: greeting, an echoed upload, a stream and a 404, at once on one connection", async () => {
        const session = await h2Connect(plain.url);
        try {
          const upload = payload(2 * 1024 * 1024 + 3, 1);
          const [greeting, echo, stream, missing] = await Promise.all([
            h2Request(session, "/"),
            h2Request(session, "/echo", { method: "POST", body: upload }),
            h2Request(session, "/stream?bytes=1000003"),
            h2Request(session, "/nope"),
          ]);
          expect(greeting.status).toBe(200);
          expect(greeting.headers["content-type"]).toBe("text/plain; charset=utf-8");
          expect(greeting.body.toString()).toContain(`Hello from @sansio/http2 on ${runtime}`);
          expect(greeting.body.toString()).toContain("(HTTP/2)");
          expect(echo.status).toBe(200);
          expect(echo.body.equals(upload)).toBe(true);
          expect(stream.status).toBe(200);
          expect(stream.body.equals(streamPattern(1_000_003))).toBe(true);
          expect(missing.status).toBe(404);
        } finally {
          await closeSession(session);
        }
      });

      it("prints one access-log line per HTTP/2 response", async () => {
        const probe = `/?probe=${Math.random().toString(36).slice(2)}`;
        const session = await h2Connect(plain.url);
        try {
          expect((await h2Request(session, probe)).status).toBe(200);
        } finally {
          await closeSession(session);
        }
        await expectLogLine(plain, `GET ${probe} HTTP/2`, 200);
      });

      it("logs the 431 the HTTP/2 connection answers itself to an oversized header list", async () => {
        const before = (demo431Lines(plain) ?? []).length;
        // 3000 one-letter fields: ~30 KB of HPACK in three frames, but over the 64 KiB list limit as RFC 9113 counts it
        // (32 bytes per field on top of name and value). A raw socket, since node:http2 refuses to send it.
        const fields = [":method", "GET", ":scheme", "http", ":authority", "demo", ":path", "/too-many-fields"];
        for (let i = 0; i < 3000; i++) fields.push(`x-field-${i}`, "v");
        const answer = await rawRequest(plain.url, fields);
        expect(answer?.status).toBe(431);
        expect(answer?.body.toString()).toBe("request header fields too large\n");
        await eventually(() => (demo431Lines(plain) ?? []).length === before + 1, 5000, "the 431 is logged");
      });

      it("h2c upgrade by hand on a raw socket: 101, the request answered on stream 1, then stream 3 over HTTP/2", async () => {
        const { head, responses } = await rawUpgrade(plain.url);
        expect(head).toMatch(/^HTTP\/1\.1 101 Switching Protocols\r\n/);
        expect(head.toLowerCase()).toContain("\r\nupgrade: h2c\r\n");
        const first = responses.get(1);
        expect(first?.status).toBe(200);
        expect(first?.body.toString()).toBe("abcde");
        const second = responses.get(3);
        expect(second?.status).toBe(200);
        expect(second?.body.toString()).toContain(`Hello from @sansio/http2 on ${runtime}`);
        await expectLogLine(plain, "GET /stream?bytes=5 HTTP/1.1", 101);
        await expectLogLine(plain, "GET /stream?bytes=5 HTTP/2", 200);
      });

      it("the WebSocket echo at /ws: text, binary, permessage-deflate agreed and used, a clean close", async () => {
        const sockets: net.Socket[] = [];
        const ws = await openWebSocket(`${plain.url.replace(/^http/, "ws")}/ws`, sockets);
        await echoChecks(ws);
        // 512 KiB of repeated text comes back compressed: far fewer bytes on the wire than the message.
        const socket = sockets[0] as net.Socket;
        const before = socket.bytesRead;
        const big = "the same words again and again ".repeat(16 * 1024 + 100).slice(0, 512 * 1024);
        ws.send(big);
        const echoed = await nextMessage(ws);
        expect(echoed.data.toString()).toBe(big);
        expect(socket.bytesRead - before).toBeLessThan(big.length / 10);
        expect((await closeWebSocket(ws)).code).toBe(1000);
        await expectLogLine(plain, "GET /ws HTTP/1.1", 101);
      });

      it.each([
        [
          "a message inflating past the 1 MiB default limit (1 MiB + 1 zeros, ~1 KiB deflated)",
          Buffer.alloc(1024 * 1024 + 1),
        ],
        [
          "an incompressible 1 MiB + 1 message, refused at its frame header while most of it is in flight",
          payload(1024 * 1024 + 1, 9),
        ],
      ])("%s closes the WebSocket with 1009; the demo carries on", async (_what, message) => {
        const ws = await openWebSocket(`${plain.url.replace(/^http/, "ws")}/ws`, []);
        const closed = new Promise<number>((resolve) => ws.once("close", (code: number) => resolve(code)));
        ws.on("error", () => {}); // the close code is the check
        // The server lingers after failing the connection, reading and dropping what is still in
        // flight, so its close frame arrives instead of being lost to a reset.
        ws.send(message);
        expect(await closed).toBe(1009);
        const response = await fetch(`${plain.url}/`);
        expect(response.status).toBe(200);
        await response.text();
      });

      it("serves /ws.html (over HTTP/1.1 and HTTP/2); /ws without the upgrade is 426", async () => {
        const page = await fetch(`${plain.url}/ws.html`);
        expect(page.status).toBe(200);
        expect(page.headers.get("content-type")).toBe("text/html; charset=utf-8");
        const html = await page.text();
        expect(html).toContain(
          'new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/ws")',
        );
        const session = await h2Connect(plain.url);
        try {
          const overH2 = await h2Request(session, "/ws.html");
          expect(overH2.status).toBe(200);
          expect(overH2.body.toString()).toBe(html);
          expect((await h2Request(session, "/ws")).status).toBe(426);
        } finally {
          await closeSession(session);
        }
        const notUpgraded = await fetch(`${plain.url}/ws`);
        expect(notUpgraded.status).toBe(426);
        expect(notUpgraded.headers.get("sec-websocket-version")).toBe("13");
        await notUpgraded.text();
      });

      it("an h2c upgrade carrying a body over 64 KiB (Content-Length or chunked) is answered over HTTP/1.1; a small one upgrades", async () => {
        const big = payload(100_000, 7);
        const withLength = await rawUpgrade(
          plain.url,
          Buffer.concat([
            Buffer.from(`POST /echo HTTP/1.1\r\nHost: demo\r\n${UPGRADE_FIELDS}Content-Length: ${big.length}\r\n\r\n`),
            big,
          ]),
        );
        expect(withLength.head).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
        expect(withLength.head).toContain(`\r\nContent-Length: ${big.length}\r\n`);
        // A chunked body is read until it passes maxUpgradeBodySize, then given back to the HTTP/1.1 echo.
        const bigChunked = await rawUpgrade(
          plain.url,
          Buffer.concat([
            Buffer.from(`POST /echo HTTP/1.1\r\nHost: demo\r\n${UPGRADE_FIELDS}Transfer-Encoding: chunked\r\n\r\n`),
            Buffer.from(`${big.length.toString(16)}\r\n`),
            big,
            Buffer.from("\r\n0\r\n\r\n"),
          ]),
        );
        expect(bigChunked.head).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
        const smallChunked = await rawUpgrade(
          plain.url,
          `POST /echo HTTP/1.1\r\nHost: demo\r\n${UPGRADE_FIELDS}Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n`,
        );
        expect(smallChunked.head).toMatch(/^HTTP\/1\.1 101 /);
        expect(smallChunked.responses.get(1)?.body.toString()).toBe("abc");
        const small = await rawUpgrade(
          plain.url,
          `POST /echo HTTP/1.1\r\nHost: demo\r\n${UPGRADE_FIELDS}Content-Length: 3\r\n\r\nabc`,
        );
        expect(small.head).toMatch(/^HTTP\/1\.1 101 /);
        expect(small.responses.get(1)?.body.toString()).toBe("abc");
      });

      it("the /ws.html page's script, run against the demo with Node's WebSocket, shows the echoes", async () => {
        const html = await (await fetch(`${plain.url}/ws.html`)).text();
        const script = /<script>([\s\S]*)<\/script>/.exec(html)?.[1] as string;
        // A stand-in for the page's few elements: the browser part is the DOM, the WebSocket is real.
        interface Element {
          textContent: string;
          value: string;
          onsubmit?: (event: { preventDefault(): void }) => void;
          onclick?: () => void;
        }
        const element = (value = ""): Element => ({ textContent: "", value });
        const page = {
          state: element(),
          text: element("from the page"),
          log: element(),
          form: element(),
          binary: element(),
        };
        const document = { getElementById: (id: keyof typeof page) => page[id] };
        const location = { protocol: "http:", host: new URL(plain.url).host };
        const sockets: { close(): void }[] = [];
        class TrackedWebSocket extends globalThis.WebSocket {
          constructor(url: string) {
            super(url);
            sockets.push(this);
          }
        }
        new Function("document", "location", "WebSocket", script)(document, location, TrackedWebSocket);
        try {
          await eventually(() => page.state.textContent.startsWith("open"), 5000, "the page's socket opens");
          page.form.onsubmit?.({ preventDefault() {} });
          page.binary.onclick?.();
          await eventually(
            () => page.log.textContent === "text back: from the page\nbinary back: [1, 2, 3, 255]\n",
            5000,
            "both echoes are shown",
          );
        } finally {
          for (const socket of sockets) socket.close();
        }
      });

      it.skipIf(!CURL_H2)("curl --http2-prior-knowledge: GET / and a POST /echo", async () => {
        const greeting = await curl(["--http2-prior-knowledge", "--verbose", `${plain.url}/`]);
        expect(greeting.code, greeting.stderr).toBe(0);
        expect(greeting.stderr).toMatch(/< HTTP\/2 200/);
        expect(greeting.stdout.toString()).toContain(`Hello from @sansio/http2 on ${runtime}`);
        const echo = await curl(["--http2-prior-knowledge", "--data-binary", "sans-io", `${plain.url}/echo`]);
        expect(echo.code, echo.stderr).toBe(0);
        expect(echo.stdout.toString()).toBe("sans-io");
      });

      it.skipIf(!CURL_H2)("curl --http2 upgrades from HTTP/1.1 (101, then HTTP/2 200)", async () => {
        const result = await curl(["--http2", "--verbose", `${plain.url}/stream?bytes=7`]);
        expect(result.code, result.stderr).toBe(0);
        expect(result.stderr).toMatch(/< HTTP\/1\.1 101 Switching Protocols/);
        expect(result.stderr).toMatch(/< HTTP\/2 200/);
        expect(result.stdout.toString()).toBe("abcdefg");
      });

      it.skipIf(!NGHTTP)("nghttp by prior knowledge and by upgrade (-u)", async () => {
        for (const flags of [[], ["-u"]]) {
          const result = await runTool("nghttp", [...flags, "-t", "10", `${plain.url}/`]);
          expect(result.code, result.stderr).toBe(0);
          expect(result.stdout.toString()).toContain(`Hello from @sansio/http2 on ${runtime}`);
        }
      });
    });

    describe("--tls port", () => {
      it("prints the certificate's SHA-256 fingerprint; node:http2 trusting the saved CA gets h2 by ALPN", async () => {
        const printed = /SHA-256 fingerprint ([0-9A-F:]{95})/.exec(secure.output())?.[1];
        expect(printed).toBeDefined();
        expect(secure.output()).toContain(`CA certificate saved to ${caFile}`);
        const session = await h2Connect(secure.url, ca);
        try {
          expect(session.alpnProtocol).toBe("h2");
          expect((session.socket as TLSSocket).getPeerCertificate().fingerprint256).toBe(printed);
          const greeting = await h2Request(session, "/");
          expect(greeting.body.toString()).toContain(`Hello from @sansio/http2 on ${runtime}`);
          const upload = payload(300_000, 2);
          const echo = await h2Request(session, "/echo", { method: "POST", body: upload });
          expect(echo.body.equals(upload)).toBe(true);
        } finally {
          await closeSession(session);
        }
        await expectLogLine(secure, "POST /echo HTTP/2", 200);
      });

      it("node:https choosing http/1.1 by ALPN, and without ALPN, is served HTTP/1.1", async () => {
        for (const ALPNProtocols of [["http/1.1"], undefined]) {
          const { body, alpn } = await new Promise<{ body: string; alpn: string | false | null }>((resolve, reject) => {
            const request = https.get(
              `${secure.url}/`,
              { ca, agent: false, ...(ALPNProtocols ? { ALPNProtocols } : {}) },
              (response) => {
                const alpn = (response.socket as TLSSocket).alpnProtocol;
                let text = "";
                response.setEncoding("utf8");
                response.on("data", (chunk: string) => {
                  text += chunk;
                });
                response.on("end", () => resolve({ body: text, alpn }));
              },
            );
            request.on("error", reject);
          });
          expect(alpn).toBe(ALPNProtocols ? "http/1.1" : false);
          expect(body).toContain(`Hello from @sansio/http1 on ${runtime}`);
        }
      });

      it("wss:// echo at /ws trusting the saved CA", async () => {
        const ws = await openWebSocket(`${secure.url.replace(/^http/, "ws")}/ws`, [], ca);
        await echoChecks(ws);
        expect((await closeWebSocket(ws)).code).toBe(1000);
      });

      it.skipIf(!CURL_H2)("curl --cacert: HTTP/2 by ALPN, and --http1.1", async () => {
        const h2 = await curl(["--cacert", caFile, "--verbose", `${secure.url}/`]);
        expect(h2.code, h2.stderr).toBe(0);
        expect(h2.stderr).toMatch(/ALPN.*h2/);
        expect(h2.stdout.toString()).toContain(`Hello from @sansio/http2 on ${runtime}`);
        const h1 = await curl(["--cacert", caFile, "--http1.1", `${secure.url}/`]);
        expect(h1.code, h1.stderr).toBe(0);
        expect(h1.stdout.toString()).toContain(`Hello from @sansio/http1 on ${runtime}`);
      });

      it.skipIf(!NGHTTP)(
        "nghttp over TLS (it does not verify the certificate: it only checks the protocol)",
        async () => {
          const result = await runTool("nghttp", ["-t", "10", `${secure.url}/`]);
          expect(result.code, result.stderr).toBe(0);
          expect(result.stdout.toString()).toContain(`Hello from @sansio/http2 on ${runtime}`);
        },
      );
    });
  },
);

describe("npm start -- --tls (examples/server/start.mjs)", () => {
  it("on Deno: saves the CA certificate to a temporary file it may write, serves HTTPS, removes the file at exit", async () => {
    const demo = await startNpmStart(["--runtime", "deno", "--tls"]);
    try {
      const caPath = /CA certificate saved to (\S+):/.exec(demo.output())?.[1] as string;
      expect(caPath).toMatch(/sansio-demo-.*ca\.pem$/);
      const session = await h2Connect(demo.url, readFileSync(caPath, "utf8"));
      try {
        expect((await h2Request(session, "/")).body.toString()).toContain("Hello from @sansio/http2 on deno");
      } finally {
        await closeSession(session);
      }
      await demo.stop();
      expect(existsSync(caPath)).toBe(false);
    } finally {
      await demo.stop();
    }
  });
});

describe.each(["node", "deno", "bun"] as DemoRuntime[])("graceful stop of the demo on %s", (runtime) => {
  it("SIGTERM: an open WebSocket gets close 1001, an HTTP/2 connection GOAWAY NO_ERROR, and the demo exits 0", async () => {
    const { command, args } = demoCommand(runtime);
    const demo = await startDemo(command, [...args, "--quiet"]);
    const ws = await openWebSocket(`${demo.url.replace(/^http/, "ws")}/ws`, []);
    const wsClosed = new Promise<number>((resolve) => ws.once("close", (code: number) => resolve(code)));
    const session = await h2Connect(demo.url);
    try {
      const goaway = new Promise<number>((resolve) => session.once("goaway", (code: number) => resolve(code)));
      session.on("error", () => {}); // the GOAWAY is the check
      expect((await h2Request(session, "/")).status).toBe(200);
      const exit = await demo.stop();
      expect(exit).toEqual({ code: 0, signal: null });
      expect(await wsClosed).toBe(1001);
      expect(await goaway).toBe(http2.constants.NGHTTP2_NO_ERROR);
    } finally {
      session.destroy();
      ws.terminate();
      await demo.stop();
    }
  });
});
