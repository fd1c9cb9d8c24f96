// The protocol cases of the matrix: our HTTP/2 client and our WebSocket client, on the runtime under
// test, against the servers of serve.mjs (on the same runtime or another). No node: imports: the same
// module runs on Node, Deno, Bun and, bundled, inside workerd. Each case opens its own connection and
// is bounded in time; results have the shape of the conformance suite's (pass / fail, never skipped).
import { Http2ClientConnection, Http2StreamError } from "@sansio/http2";
import { connectWebSocket } from "@sansio/websocket";
import { WS_MAX_MESSAGE } from "./serve.mjs";

const CASE_LIMIT_MS = 20_000;
const MIB = 1 << 20;

function check(condition, what) {
  if (!condition) throw new Error(`expected ${what}`);
}

/** `length` bytes of a pattern that depends on `seed` (so a shifted or mixed-up body cannot match). */
function pattern(length, seed) {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = (i * seed + (i >>> 10)) & 0xff;
  return bytes;
}

function sameBytes(a, b) {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

// ---- HTTP/2 (h2c by prior knowledge) ----

/** Runs `use(client)` on a fresh HTTP/2 connection, then shuts it down and waits for it to close. */
async function withH2(runtime, peer, use) {
  const client = new Http2ClientConnection({ authority: `127.0.0.1:${peer.h2Port}`, scheme: "http" });
  const session = await runtime.connect({ hostname: peer.hostname, port: peer.h2Port }, client);
  try {
    await use(client, session);
  } finally {
    client.shutdown();
    await session.closed;
  }
}

/** Expects `promise` to reject with a retryable `Http2StreamError` (the server will not process it). */
async function refusedRetryable(promise, what) {
  const error = await promise.then(
    () => undefined,
    (e) => e,
  );
  check(error instanceof Http2StreamError && error.retryable, `${what} rejected as retryable (got ${error})`);
}

const h2Cases = {
  "http2 h2c: GET": (runtime, peer) =>
    withH2(runtime, peer, async (client) => {
      const response = await client.request({ path: "/hello" });
      check(response.status === 200, `status 200 (got ${response.status})`);
      const text = await response.body.text();
      check(text === "path /hello", `the body "path /hello" (got ${JSON.stringify(text)})`);
    }),

  "http2 h2c: POST echo of 1 MiB": (runtime, peer) =>
    withH2(runtime, peer, async (client) => {
      const body = pattern(MIB, 31);
      const response = await client.request({ method: "POST", path: "/echo", body });
      const echoed = await response.body.bytes();
      check(sameBytes(echoed, body), `1 MiB echoed intact (got ${echoed.length} bytes)`);
    }),

  "http2 h2c: 20 concurrent streams": (runtime, peer) =>
    withH2(runtime, peer, async (client) => {
      const pending = Array.from({ length: 20 }, (_, i) => client.request({ path: `/stream/${i}` }));
      check(client.activeStreams + client.queuedRequests === 20, "20 requests in flight at once");
      const bodies = await Promise.all(pending.map(async (r) => (await r).body.text()));
      check(
        bodies.every((text, i) => text === `path /stream/${i}`),
        "each stream answered with its own path",
      );
    }),

  "http2 h2c: server shutdown sends GOAWAY, the stream in flight finishes": (runtime, peer) =>
    withH2(runtime, peer, async (client, session) => {
      const upload = client.stream({ method: "POST", path: "/echo" });
      const first = pattern(100_000, 7);
      await upload.write(first);
      const goaway = await client.request({ path: "/goaway" });
      await goaway.body.discard();
      await client.ping(); // its ACK comes after the server's GOAWAY
      await refusedRetryable(client.request({ path: "/after" }), "a request after the GOAWAY");
      upload.end(first);
      const echoed = await (await upload.response).body.bytes();
      check(echoed.length === 200_000, `the upload in flight answered in full (got ${echoed.length} bytes)`);
      await session.closed;
    }),

  "http2 h2c: client shutdown sends GOAWAY, the stream in flight finishes": (runtime, peer) =>
    withH2(runtime, peer, async (client, session) => {
      const upload = client.stream({ method: "POST", path: "/echo" });
      await upload.write(pattern(50_000, 3));
      client.shutdown();
      const refused = await client.request({ path: "/after" }).then(
        () => undefined,
        (e) => e,
      );
      check(refused instanceof Error, "a request after our GOAWAY refused");
      upload.end(pattern(50_000, 5));
      const echoed = await (await upload.response).body.bytes();
      check(echoed.length === 100_000, `the upload in flight answered in full (got ${echoed.length} bytes)`);
      await session.closed;
    }),
};

// ---- WebSocket ----

/** Runs `use(ws)` on a fresh WebSocket to the echo server, then closes it (if still open). */
async function withWs(runtime, peer, options, use) {
  const ws = await connectWebSocket(runtime, `ws://${peer.hostname}:${peer.wsPort}/`, {
    maxMessageSize: WS_MAX_MESSAGE,
    ...options,
  });
  const messages = ws[Symbol.asyncIterator]();
  const next = async () => {
    const result = await messages.next();
    if (result.done) throw new Error("the connection ended before a message came");
    return result.value;
  };
  try {
    await use(ws, next);
  } finally {
    if (ws.readyState === "open") ws.close(1000);
    await ws.closed;
  }
}

/** Expects the close handshake to end cleanly with 1000 and, when given, the peer's `reason`. */
async function expectCleanClose(ws, reason) {
  const event = await ws.closed;
  check(
    event.code === 1000 && event.wasClean && (reason === undefined || event.reason === reason),
    `a clean close 1000 "${reason ?? ""}" (got ${event.code} "${event.reason}" clean=${event.wasClean})`,
  );
}

const wsCases = {
  "websocket: text echo": (runtime, peer) =>
    withWs(runtime, peer, { deflate: false }, async (ws, next) => {
      await ws.send("hello ✓ matrix");
      const back = await next();
      check(back.type === "text" && back.data === "hello ✓ matrix", "the text echoed");
    }),

  "websocket: binary echo": (runtime, peer) =>
    withWs(runtime, peer, { deflate: false }, async (ws, next) => {
      const bytes = pattern(70_000, 11);
      await ws.send(bytes);
      const back = await next();
      check(back.type === "binary" && sameBytes(back.data, bytes), "the bytes echoed intact");
    }),

  "websocket: fragmented 1 MiB message": (runtime, peer) =>
    withWs(runtime, peer, { deflate: false }, async (ws, next) => {
      const whole = pattern(MIB, 13);
      const writer = ws.stream("binary");
      for (let at = 0; at < MIB; at += 64 * 1024) await writer.write(whole.subarray(at, at + 64 * 1024));
      await writer.end();
      const back = await next();
      check(back.type === "binary" && sameBytes(back.data, whole), "1 MiB in 16 fragments echoed intact");
    }),

  "websocket: permessage-deflate negotiated": (runtime, peer) =>
    withWs(runtime, peer, {}, async (ws, next) => {
      check(ws.extensions.includes("permessage-deflate"), `permessage-deflate (got "${ws.extensions}")`);
      const text = "compress this line, matrix. ".repeat(5_000);
      await ws.send(text);
      const back = await next();
      check(back.type === "text" && back.data === text, "a compressed message echoed intact");
    }),

  "websocket: close 1000 from the client": (runtime, peer) =>
    withWs(runtime, peer, {}, async (ws) => {
      ws.close(1000, "client bye");
      await expectCleanClose(ws); // the server answers with our code (its reason is its own)
    }),

  "websocket: close 1000 from the server": (runtime, peer) =>
    withWs(runtime, peer, {}, async (ws) => {
      await ws.send("close-me");
      await expectCleanClose(ws, "server bye");
    }),
};

async function runCase(name, run) {
  const started = Date.now();
  let timer;
  try {
    await Promise.race([
      run(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no result within ${CASE_LIMIT_MS} ms`)), CASE_LIMIT_MS);
      }),
    ]);
    return { name, status: "pass", ok: true, ms: Date.now() - started };
  } catch (error) {
    const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return { name, status: "fail", ok: false, error: text, ms: Date.now() - started };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Runs every protocol case with `runtime` as the client against the servers at `peer`
 * (`{ hostname, h2Port, wsPort }`), one after another; resolves with their results.
 */
export async function runProtocolCases(runtime, peer) {
  const results = [];
  for (const [name, run] of Object.entries({ ...h2Cases, ...wsCases })) {
    results.push(await runCase(name, () => run(runtime, peer)));
  }
  return results;
}
