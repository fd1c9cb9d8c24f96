// Keeps the in-memory llhttp model of fuzz/llhttp.ts honest: a slice of the fuzz cases sent over real
// loopback sockets to a real node:http server (default settings) and, as responses, to a real
// node:http client. What the server's handler receives, and what the client reads, must be what the
// model says node:http makes of the same bytes.
import { once } from "node:events";
import { createServer, request as httpRequest, type IncomingMessage } from "node:http";
import { type AddressInfo, connect, createServer as createTcpServer, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { escapeBytes, requestCase, responseCase } from "../fuzz/cases.js";
import { llhttpRequests, llhttpResponses } from "../fuzz/llhttp.js";

const SEED = 7;
const CASES = 300;

/** The start line and body of a message, as the model reports them. */
interface Seen {
  start: string;
  body: string;
}

/** Resolves `promise`, or `fallback` after `ms` (every wait in this file is bounded). */
function within<T>(promise: Promise<T>, ms: number, fallback: T): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(fallback), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function readBody(message: IncomingMessage): Promise<string | null> {
  return new Promise((resolve) => {
    const parts: Buffer[] = [];
    message.on("data", (chunk: Buffer) => parts.push(chunk));
    message.on("end", () => resolve(Buffer.concat(parts).toString("latin1")));
    // A message is whole once node:http's parser completed it, even if the socket is then destroyed
    // (the client destroys it when bytes follow the one response it expects).
    const settle = () => resolve(message.complete ? Buffer.concat(parts).toString("latin1") : null);
    message.on("error", settle);
    message.on("aborted", settle);
    message.on("close", settle);
  });
}

describe("the llhttp model matches node:http over real sockets", () => {
  /** Requests each server-side connection delivered to the handler whole, by connection number. */
  const received = new Map<number, Seen[]>();
  const closed = new Map<number, Promise<unknown>>();
  let connections = 0;
  const server = createServer((request, response) => {
    const id = (request.socket as Socket & { fuzzId: number }).fuzzId;
    void readBody(request).then((body) => {
      if (body !== null) received.get(id)?.push({ start: `${request.method} ${request.url}`, body });
      if (!response.headersSent) response.end("ok");
    });
  });
  server.on("connection", (socket: Socket & { fuzzId: number }) => {
    socket.fuzzId = connections++;
    received.set(socket.fuzzId, []);
    closed.set(socket.fuzzId, once(socket, "close"));
  });
  server.on("clientError", (_error, socket) => socket.destroy());
  let port = 0;

  beforeAll(async () => {
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    server.closeAllConnections();
    server.close();
    await within(once(server, "close"), 5000, undefined);
  });

  it(`requests: ${CASES} cases, the handler receives what the model accepts`, async () => {
    let compared = 0;
    for (let index = 0; index < CASES; index++) {
      const fuzzCase = requestCase(SEED, index);
      const model = llhttpRequests(fuzzCase.bytes);
      if (model.end === "skipped") continue;
      const id = connections;
      const socket = connect(port, "127.0.0.1");
      socket.on("error", () => {});
      socket.on("data", () => {});
      await once(socket, "connect");
      socket.end(fuzzCase.bytes);
      await within(once(socket, "close"), 5000, undefined);
      await within(closed.get(id) ?? Promise.resolve(), 5000, undefined);
      // Let the handlers' body promises settle.
      await new Promise((resolve) => setImmediate(resolve));
      const real = received.get(id) ?? [];
      const expected = model.messages.map(({ start, body }) => ({ start, body }));
      const context = `case ${SEED}/${index}: "${escapeBytes(fuzzCase.bytes)}" model ${JSON.stringify(model)}`;
      if (model.reason.startsWith("node:http:")) {
        // The model stops at node:http's own refusal (no Host, unknown Expect); the server may go on.
        expect(real.slice(0, expected.length), context).toEqual(expected);
      } else {
        expect(real, context).toEqual(expected);
      }
      compared++;
    }
    expect(compared).toBeGreaterThan(CASES * 0.9);
  });

  it(`responses: ${CASES} cases, node:http's client reads the first response the model reads`, async () => {
    let payload: Uint8Array = new Uint8Array(0);
    const peer = createTcpServer((socket) => {
      socket.on("error", () => {});
      // Answer once the request head arrived, then end: the response bytes are the fuzz case.
      socket.once("data", () => socket.end(payload));
    });
    peer.listen(0, "127.0.0.1");
    await once(peer, "listening");
    const peerPort = (peer.address() as AddressInfo).port;
    let withResponse = 0;
    try {
      for (let index = 0; index < CASES; index++) {
        const fuzzCase = responseCase(SEED, index);
        const model = llhttpResponses(fuzzCase.bytes, fuzzCase.methods);
        if (model.end === "skipped") continue;
        payload = fuzzCase.bytes;
        const real = await within(
          new Promise<Seen | null>((resolve) => {
            let answered = false;
            const method = fuzzCase.methods[0] ?? "GET";
            const options = { host: "127.0.0.1", port: peerPort, path: "/", method, agent: false };
            const request = httpRequest(options, (response) => {
              answered = true;
              void readBody(response).then((body) =>
                resolve(body === null ? null : { start: String(response.statusCode), body }),
              );
            });
            // Bytes after the response can fail the request once the response is under way: the
            // response itself then settles on its own.
            request.on("error", () => {
              if (!answered) resolve(null);
            });
            request.end();
          }),
          5000,
          null,
        );
        const first = model.messages[0];
        const context = `case ${SEED}/${index}: "${escapeBytes(fuzzCase.bytes)}" model ${JSON.stringify(model)}`;
        // The client reads one response per request: the model's first, when it has one whole.
        const complete = first !== undefined && (model.messages.length > 1 || model.end === "ok");
        if (complete) {
          expect(real, context).toEqual({ start: first.start, body: first.body });
          withResponse++;
        } else if (first === undefined) {
          expect(real, context).toBeNull();
        }
      }
    } finally {
      peer.close();
    }
    expect(withResponse).toBeGreaterThan(CASES * 0.1);
  });
});
