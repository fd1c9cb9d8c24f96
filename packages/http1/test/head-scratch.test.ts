// The response head buffers one http1Server's connections share: a connection borrows one for the head
// it writes and gives it back once that head was written, so an idle keep-alive connection holds no
// head memory (issue 15) and no connection's queued bytes are ever written over by another's.
import type { Connection, Session } from "@sansio/runtime-api";
import { describe, expect, it } from "vitest";
import { http1Server } from "../src/index.js";
import { Transcript } from "./transcript.js";

const GET = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
const latin1 = new TextDecoder("latin1");
/** No runtime here: the connections are driven by hand, and no handler reads `request.session`. */
const NO_SESSION = {} as Session;

/** Two connections of one server; each answers every request with its own name as the body. */
function twoConnections(header = ""): [Transcript, Transcript] {
  const accept = http1Server(
    (request, response) => response.respond(200, header ? { "X-Long": header } : {}, request.header("x-name") ?? "?"),
    { date: false },
  );
  return [new Transcript(accept(NO_SESSION) as Connection), new Transcript(accept(NO_SESSION) as Connection)];
}

const request = (name: string) => `GET / HTTP/1.1\r\nHost: x\r\nX-Name: ${name}\r\n\r\n`;
const answer = (name: string) => `HTTP/1.1 200 OK\r\ncontent-length: ${name.length}\r\n\r\n${name}`;

/** The next write operation's iovecs, not reported yet (as a driver holds them while the socket writes). */
function takeUnreported(t: Transcript): [Uint8Array, ...Uint8Array[]] {
  const op = t.writeOperation();
  if (op.kind !== "write") throw new Error(`expected a write, got ${op.kind}`);
  const [first, ...rest] = op.iovecs;
  if (first === undefined) throw new Error("a write of no iovecs");
  return [first, ...rest];
}

describe("shared head buffers", () => {
  it("a head still being written is not overwritten by another connection's response", () => {
    const [a, b] = twoConnections();
    a.feed(request("A"));
    const queued = takeUnreported(a);
    const before = latin1.decode(queued[0]);
    b.feed(request("BBBB"));
    expect(b.output().toLowerCase()).toBe(answer("BBBB").toLowerCase());
    expect(latin1.decode(queued[0])).toBe(before);
    a.connection.reportWriteResult(queued.reduce((n, iovec) => n + iovec.length, 0));
    expect(before.toLowerCase()).toBe(answer("A").toLowerCase());
  });

  it("a written head's buffer goes back to the server: the next response (on another connection) reuses it", () => {
    const [a, b] = twoConnections();
    a.feed(request("A"));
    const first = takeUnreported(a)[0];
    a.connection.reportWriteResult(first.length);
    // `a` is idle now and holds no head buffer: `b` writes its head into the same memory.
    b.feed(request("B"));
    const second = takeUnreported(b)[0];
    expect(second.buffer).toBe(first.buffer);
    expect(latin1.decode(second).toLowerCase()).toBe(answer("B").toLowerCase());
    b.connection.reportWriteResult(second.length);
  });

  it("heads larger than a new buffer get a larger one, and smaller heads after them are still right", () => {
    const long = "x".repeat(5000);
    const [a, b] = twoConnections(long);
    a.feed(request("A"));
    const big = a.output();
    expect(big).toContain(long);
    expect(big.endsWith("\r\n\r\nA")).toBe(true);
    b.feed(GET);
    expect(b.output().endsWith("\r\n\r\n?")).toBe(true);
  });
});
