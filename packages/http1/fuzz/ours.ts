// @sansio/http1's own server and client connections, driven in memory the way a runtime adapter
// drives them (read what is offered, readEof at the end of input, take every write, wait on the
// resumes), but with no sockets and no timers: one case costs microseconds.
import type { Connection } from "@sansio/runtime-api";
import { createClientConnection } from "../src/client-connection.js";
import { HttpParseError } from "../src/errors.js";
import { getHeaderAll, type HeaderList, hasToken } from "../src/headers.js";
import type { HttpVersion } from "../src/message.js";
import { createServerConnection } from "../src/server-connection.js";
import { latin1Text, type Message, type Outcome } from "./outcome.js";

/** Most driver steps for one case: a connection that needs more is stuck (reported as such). */
const MAX_STEPS = 100_000;

/** Whether the sender of a head with this version and these fields lets the connection stay open. */
function keepsAlive(version: HttpVersion, headers: HeaderList): boolean {
  const connection = getHeaderAll(headers, "connection").join(",");
  if (hasToken(connection, "close")) return false;
  return version === "HTTP/1.1" || hasToken(connection, "keep-alive");
}

/** How the connection ended, from the first error it reported and the input it left unread. */
function ending(messages: readonly Message[], error: unknown, unread: number, stuck: boolean): Outcome {
  if (stuck) return { messages, end: "rejected", reason: "STUCK: the connection stopped making progress" };
  if (error instanceof HttpParseError) {
    const end = error.code === "incomplete-message" ? "incomplete" : "rejected";
    return { messages, end, reason: `${error.code}: ${error.message}` };
  }
  if (error !== undefined) return { messages, end: "rejected", reason: `UNEXPECTED: ${String(error)}` };
  const last = messages[messages.length - 1];
  if (unread > 0 && (last === undefined || last.keepAlive)) {
    return { messages, end: "incomplete", reason: "the input ended inside a message" };
  }
  return { messages, end: "ok", reason: "" };
}

/**
 * Runs a connection over `input` like a driver whose peer sent `input` and then ended its side.
 * Returns the bytes left unread and whether it got stuck (neither closed nor woke up).
 */
async function drive(connection: Connection, input: Uint8Array): Promise<{ unread: number; stuck: boolean }> {
  let pos = 0;
  let eof = false;
  let woken = false;
  let readerWaiting = false;
  let writerWaiting = false;
  const resumeReader = (): void => {
    readerWaiting = false;
    woken = true;
  };
  const resumeWriter = (): void => {
    writerWaiting = false;
    woken = true;
  };
  for (let step = 0; step < MAX_STEPS; step++) {
    let writer = connection.nextWriteOperation();
    for (let n = 0; writer.kind === "write" && n < 1000; n++) {
      let total = 0;
      for (const iovec of writer.iovecs) total += iovec.length;
      connection.reportWriteResult(total);
      writer = connection.nextWriteOperation();
    }
    const reader = connection.nextReadOperation();
    if (reader === "close" && writer.kind === "close") return { unread: input.length - pos, stuck: false };
    if (reader === "read") {
      if (!eof && pos < input.length) {
        const n = connection.read(input, pos, input.length - pos);
        pos += n;
        if (n > 0) continue;
      }
      // Nothing more was consumed: everything the peer sent is here, so its end comes next.
      const before = pos;
      pos += connection.readEof(input, pos, input.length - pos);
      if (!eof || pos > before) {
        eof = true;
        continue;
      }
    }
    // Wait for a resume: the handler or the reader of a body runs on microtasks, then a macrotask.
    woken = false;
    if (reader !== "close" && !readerWaiting) {
      readerWaiting = true;
      connection.yieldReader(resumeReader);
    }
    if (writer.kind === "yield" && !writerWaiting) {
      writerWaiting = true;
      connection.yieldWriter(resumeWriter);
    }
    for (let turn = 0; turn < 20 && !woken; turn++) await null;
    if (!woken) await new Promise<void>((resolve) => setImmediate(resolve));
    if (!woken) {
      // One more macrotask turn for promise chains that span one.
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (!woken) return { unread: input.length - pos, stuck: reader !== "close" || writer.kind !== "close" };
    }
  }
  return { unread: input.length - pos, stuck: true };
}

/** What @sansio/http1's server makes of `input`: the requests its handler received whole, and how it ended. */
export async function ourRequests(input: Uint8Array): Promise<Outcome> {
  const messages: Message[] = [];
  let error: unknown;
  const connection = createServerConnection(
    async (request, response) => {
      const body = await request.body.bytes();
      messages.push({
        start: `${request.method} ${request.target}`,
        body: latin1Text(body),
        keepAlive: keepsAlive(request.version, request.headers),
      });
      response.respond(200);
    },
    {
      date: false,
      onError: (e) => {
        error ??= e;
      },
    },
  );
  const { unread, stuck } = await drive(connection, input);
  return ending(messages, error, unread, stuck);
}

/** Whether a response's body runs to the end of the connection (RFC 9112 §6.3), to GET. */
function closeDelimited(status: number, headers: HeaderList): boolean {
  if (status === 204 || status === 304) return false;
  const codings = getHeaderAll(headers, "transfer-encoding").join(",");
  if (codings.trim() !== "") return !/(?:^|,)[ \t]*chunked[ \t]*$/i.test(codings);
  return getHeaderAll(headers, "content-length").length === 0;
}

/**
 * What @sansio/http1's client makes of `input` as the responses to `requests` pipelined requests
 * (`methods[i]` for the i-th, GET when absent): the responses received whole, and how it ended.
 */
export async function ourResponses(
  input: Uint8Array,
  requests: number,
  methods: readonly string[] = [],
): Promise<Outcome> {
  const messages: Message[] = [];
  let error: unknown;
  const client = createClientConnection({ host: "a", persistent: true });
  const done: Promise<void>[] = [];
  let chain = Promise.resolve();
  for (let i = 0; i < requests; i++) {
    const method = methods[i] ?? "GET";
    const response = client.request({ method, target: `/${i}` });
    // Bodies are read in order, so messages are recorded in the order they arrived.
    chain = chain.then(async () => {
      try {
        const r = await response;
        const body = await r.body.bytes();
        messages.push({
          start: String(r.status),
          body: latin1Text(body),
          keepAlive: keepsAlive(r.version, r.headers) && (method === "HEAD" || !closeDelimited(r.status, r.headers)),
        });
      } catch (e) {
        if (e instanceof HttpParseError) error ??= e;
      }
    });
    done.push(chain);
  }
  const { unread, stuck } = await drive(client, input);
  await Promise.all(done);
  return ending(messages, error, unread, stuck);
}
