// STARTTLS on the real Deno binary: `session.startTls()` through `Deno.startTls` (client side only).
import {
  type Connection,
  type ReadOperation,
  SansioError,
  UnsupportedError,
  type WriteOperation,
  type WriteResult,
} from "@sansio/runtime-api";
import { concatBytes, EchoConnection, Exchange, SendAndCollect } from "@sansio/runtime-api/conformance";
import { runtime } from "../src/index.ts";
import {
  assert,
  bytes,
  deferred,
  eventually,
  pattern,
  portOf,
  rejection,
  testCertificates,
  text,
  within,
} from "./support.ts";

const LIMIT = 15_000;
const GREETING = "READY\r\n";

/**
 * Client side of a tiny STARTTLS protocol: sends "STARTTLS\r\n", reads "READY\r\n", then yields its
 * reader and writer until `secure()` is called (after `session.startTls()`); then it sends `payload`,
 * half-closes, and collects the (encrypted) echo until EOF.
 */
class StartTlsClient implements Connection {
  readonly errors: unknown[] = [];
  readonly ready = deferred();
  readonly echoed = deferred<Uint8Array>();
  #phase: "ask" | "wait" | "paused" | "secure" | "done" = "ask";
  #request = bytes("STARTTLS\r\n");
  #greeting = "";
  #payload: Uint8Array;
  #received: Uint8Array[] = [];
  #writeClosed = false;
  #readResume: (() => void) | undefined;
  #writeResume: (() => void) | undefined;

  constructor(payload: Uint8Array) {
    this.#payload = payload;
  }

  /** The session is TLS now: send the payload and read the echo. */
  secure(): void {
    this.#phase = "secure";
    this.#wake();
  }

  nextReadOperation(): ReadOperation {
    if (this.errors.length > 0 || this.#phase === "done") return "close";
    return this.#phase === "paused" || this.#phase === "ask" ? "yield" : "read";
  }
  read(buffer: Uint8Array, offset: number, length: number): number {
    if (this.#phase === "wait") {
      // Consume the greeting byte by byte: nothing after it may be taken as plaintext.
      const need = GREETING.length - this.#greeting.length;
      const n = Math.min(need, length);
      this.#greeting += text(buffer.subarray(offset, offset + n));
      if (this.#greeting === GREETING) {
        this.#phase = "paused";
        this.ready.resolve();
      }
      return n;
    }
    this.#received.push(buffer.slice(offset, offset + length));
    return length;
  }
  readEof(buffer: Uint8Array, offset: number, length: number): number {
    if (this.#phase === "secure") {
      if (length > 0) this.#received.push(buffer.slice(offset, offset + length));
      this.echoed.resolve(concatBytes(this.#received));
    }
    this.#phase = "done";
    this.#wake();
    return length;
  }
  yieldReader(resume: () => void): void {
    this.#readResume = resume;
  }
  nextWriteOperation(): WriteOperation {
    if (this.#writeClosed || this.errors.length > 0 || this.#phase === "done") return { kind: "close" };
    if (this.#phase === "ask") {
      if (this.#request.length > 0) return { kind: "write", iovecs: [this.#request] };
      this.#phase = "wait";
      this.#wake();
      return { kind: "yield" };
    }
    if (this.#phase !== "secure") return { kind: "yield" };
    if (this.#payload.length > 0) return { kind: "write", iovecs: [this.#payload] };
    return { kind: "close" };
  }
  reportWriteResult(result: WriteResult): void {
    if (result === "closed") this.#writeClosed = true;
    else if (this.#phase === "ask") this.#request = this.#request.subarray(result);
    else this.#payload = this.#payload.subarray(result);
  }
  yieldWriter(resume: () => void): void {
    this.#writeResume = resume;
  }
  reportError(error: unknown): void {
    this.errors.push(error);
    this.#wake();
  }
  isClosed(): boolean {
    return this.#phase === "done" && this.#writeClosed;
  }
  shutdown(): void {
    this.#phase = "done";
    this.#wake();
  }

  #wake(): void {
    const read = this.#readResume;
    this.#readResume = undefined;
    read?.();
    const write = this.#writeResume;
    this.#writeResume = undefined;
    write?.();
  }
}

/** Copies `from` to `to` until EOF, then half-closes `to`. */
async function pipe(from: Deno.Conn, to: Deno.Conn): Promise<void> {
  const buffer = new Uint8Array(64 * 1024);
  try {
    for (;;) {
      const n = await from.read(buffer);
      if (n === null) break;
      let at = 0;
      while (at < n) at += await to.write(buffer.subarray(at, n));
    }
    await to.closeWrite();
  } catch {
    // One side went away; the other is closed below.
  }
}

/**
 * A STARTTLS front: answers "STARTTLS\r\n" with "READY\r\n" in plain text, then forwards the raw bytes
 * to a TLS listener (Deno has no server-side STARTTLS, so the TLS end is a `listenTls` server behind it).
 */
async function startTlsFront(tlsPort: number): Promise<{ port: number; done: Promise<void>; close(): void }> {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const serve = async (): Promise<void> => {
    const conn = await listener.accept();
    const request = "STARTTLS\r\n";
    let got = "";
    const one = new Uint8Array(1);
    while (got.length < request.length) {
      const n = await conn.read(one);
      if (n === null) throw new Error("front: EOF before STARTTLS");
      got += text(one.subarray(0, n));
    }
    if (got !== request) throw new Error(`front: unexpected request ${JSON.stringify(got)}`);
    await conn.write(bytes(GREETING));
    const backend = await Deno.connect({ hostname: "127.0.0.1", port: tlsPort });
    await Promise.all([pipe(conn, backend), pipe(backend, conn)]);
    conn.close();
    backend.close();
  };
  const done = serve().finally(() => listener.close());
  return { port: listener.addr.port, done, close: () => listener.close() };
}

Deno.test("startTls upgrades a plain client session in place, with ALPN", async () => {
  const { ca, cert, key } = await testCertificates();
  const backendAlpn: (string | null)[] = [];
  await using backend = await runtime.listen({ tls: { cert, key, alpnProtocols: ["smtp", "x"] } }, (session) => {
    backendAlpn.push(session.alpnProtocol);
    return new EchoConnection();
  });
  const front = await startTlsFront(portOf(backend));
  const payload = pattern(500_000);
  const client = new StartTlsClient(payload);
  const session = await runtime.connect({ port: front.port }, client);
  await within(client.ready.promise, LIMIT, "STARTTLS greeting");
  assert(session.alpnProtocol === null, "no ALPN before TLS");
  await within(session.startTls({ ca, serverName: "localhost", alpnProtocols: ["x"] }), LIMIT, "startTls");
  assert(session.alpnProtocol === "x", `ALPN after startTls: ${session.alpnProtocol}`);
  client.secure();
  const echoed = await within(client.echoed.promise, LIMIT, "echo over TLS");
  assert(echoed.length === payload.length, `echoed ${echoed.length} of ${payload.length} bytes`);
  for (let i = 0; i < payload.length; i++) assert(echoed[i] === payload[i], `byte ${i} differs`);
  await within(session.closed, LIMIT, "client closed");
  await within(front.done, LIMIT, "front finished");
  assert(client.errors.length === 0, `client errors: ${client.errors.map(String).join(", ")}`);
  assert(backendAlpn[0] === "x", `backend ALPN ${backendAlpn[0]}`);
});

Deno.test("startTls that fails verification rejects and closes the session", async () => {
  const { cert, key } = await testCertificates();
  await using backend = await runtime.listen({ tls: { cert, key } }, () => new EchoConnection());
  const front = await startTlsFront(portOf(backend));
  const client = new StartTlsClient(bytes("never sent"));
  const session = await runtime.connect({ port: front.port }, client);
  await within(client.ready.promise, LIMIT, "STARTTLS greeting");
  const error = await rejection(session.startTls({ serverName: "localhost" }));
  assert(error instanceof SansioError, `untrusted certificate: ${String(error)}`);
  await within(session.closed, LIMIT, "session closed after a failed handshake");
  await within(front.done, LIMIT, "front finished");
  assert(client.errors.length === 1, "the connection heard the failure");
});

Deno.test("startTls is refused while a read is in flight; the session keeps working", async () => {
  await using listener = await runtime.listen({}, () => new EchoConnection());
  const client = new Exchange({ send: [[bytes("ping")]], halfClose: false });
  const session = await runtime.connect({ port: portOf(listener) }, client);
  await eventually(() => client.receivedBytes >= "ping".length, LIMIT, "first echo");
  assert(text(client.bytes()) === "ping", `first echo: ${text(client.bytes())}`);
  // The client's writer has yielded and its reader waits on the socket: a read is in flight.
  const error = await rejection(session.startTls({ serverName: "localhost" }));
  assert(error instanceof SansioError, `refused: ${String(error)}`);
  assert(/read is in flight/.test((error as Error).message), `message: ${(error as Error).message}`);
  // The plain session still works: the server's FIN after shutdown arrives and the session settles.
  await listener.close();
  await within(session.closed, LIMIT, "closed");
  assert(client.errors.length === 0, `client errors: ${client.errors.map(String).join(", ")}`);
});

Deno.test("what Deno cannot do is UnsupportedError, and the connection stays usable", async () => {
  const { ca, cert, key } = await testCertificates();
  const serverSide = deferred<unknown>();
  await using listener = await runtime.listen({}, (session) => {
    serverSide.resolve(rejection(session.startTls({ isServer: true, cert, key })));
    return new EchoConnection();
  });
  const client = new SendAndCollect(bytes("still plain"));
  const session = await runtime.connect({ port: portOf(listener) }, client);
  const error = await within(serverSide.promise, LIMIT, "server-side startTls");
  assert(error instanceof UnsupportedError, `server-side startTls: ${String(error)}`);
  const skip = await rejection(session.startTls({ insecureSkipVerify: true }));
  assert(skip instanceof UnsupportedError, `insecureSkipVerify: ${String(skip)}`);
  assert(text(await within(client.done, LIMIT, "echo")) === "still plain", "echo after the refusals");
  await within(session.closed, LIMIT, "closed");

  await using tls = await runtime.listen({ tls: { cert, key } }, () => new EchoConnection());
  const overTls = new SendAndCollect(bytes("tls"));
  const tlsSession = await runtime.connect({ port: portOf(tls), tls: { ca } }, overTls);
  const again = await rejection(tlsSession.startTls({ ca }));
  assert(again instanceof UnsupportedError, `startTls on TLS: ${String(again)}`);
  await within(overTls.done, LIMIT, "tls echo");
  await within(tlsSession.closed, LIMIT, "tls closed");

  const dir = await Deno.makeTempDir({ prefix: "sansio-deno-" });
  try {
    const unix = await runtime.listen({ path: `${dir}/s.sock` }, () => new EchoConnection());
    const overUnix = new SendAndCollect(bytes("unix"));
    const unixSession = await runtime.connect({ path: `${dir}/s.sock` }, overUnix);
    const onUnix = await rejection(unixSession.startTls({ ca }));
    assert(onUnix instanceof UnsupportedError, `startTls on unix: ${String(onUnix)}`);
    await within(overUnix.done, LIMIT, "unix echo");
    await within(unixSession.closed, LIMIT, "unix closed");
    await unix.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
