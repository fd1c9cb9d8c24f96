// The Deno adapter on the real Deno binary over real loopback sockets: `deno test -A packages/deno/test/`.
import {
  AbortedError,
  ConnectionClosedError,
  ConnectionLostError,
  ReadBufferOverflowError,
  TimeoutError,
  UnsupportedError,
} from "@sansio/runtime-api";
import { EchoConnection, Exchange, SendAndCollect } from "@sansio/runtime-api/conformance";
import { drive, runtime } from "../src/index.ts";
import {
  assert,
  bytes,
  eventually,
  pattern,
  portOf,
  rejection,
  Stubborn,
  testCertificates,
  text,
  within,
} from "./support.ts";

const LIMIT = 15_000;

function assertEqual<T>(actual: T, expected: T, what: string): void {
  if (actual !== expected) throw new Error(`${what}: expected ${String(expected)}, got ${String(actual)}`);
}

function assertBytes(actual: Uint8Array, expected: Uint8Array, what: string): void {
  assertEqual(actual.length, expected.length, `${what} length`);
  for (let i = 0; i < expected.length; i++) {
    if (actual[i] !== expected[i]) throw new Error(`${what}: first difference at byte ${i}`);
  }
}

Deno.test("runtime is named deno", () => {
  assertEqual(runtime.name, "deno", "name");
});

Deno.test("TCP echo: 8 MiB in one write (Deno writes it partially), with half-close", async () => {
  const servers: EchoConnection[] = [];
  await using listener = await runtime.listen({}, () => {
    const echo = new EchoConnection();
    servers.push(echo);
    return echo;
  });
  assert(listener.address.transport === "tcp", "tcp address");
  assertEqual(listener.address.hostname, "127.0.0.1", "default hostname");
  assert(listener.address.port > 0, "a real port");
  const payload = pattern(8 * 1024 * 1024);
  const client = new SendAndCollect(payload, { writeSize: payload.length });
  const session = await runtime.connect({ port: portOf(listener) }, client);
  assert(session.remote.transport === "tcp" && session.remote.port === portOf(listener), "remote address");
  assert(session.local.transport === "tcp" && session.local.port > 0, "local address");
  assertEqual(session.alpnProtocol, null, "no ALPN without TLS");
  assertBytes(await within(client.done, LIMIT, "echo"), payload, "echoed bytes");
  await within(session.closed, LIMIT, "client closed");
  assertEqual(client.errors.length, 0, "client errors");
  assertEqual(servers.length, 1, "one accepted connection");
  assertEqual(servers[0]?.errors.length, 0, "server errors");
});

Deno.test("unix socket echo, and the socket file is gone after close", async () => {
  const dir = await Deno.makeTempDir({ prefix: "sansio-deno-" });
  const path = `${dir}/echo.sock`;
  try {
    const listener = await runtime.listen({ path }, () => new EchoConnection());
    assert(listener.address.transport === "unix" && listener.address.path === path, "unix address");
    const payload = pattern(300_000);
    const client = new SendAndCollect(payload);
    const session = await runtime.connect({ path }, client);
    assert(session.remote.transport === "unix", "unix remote");
    assertBytes(await within(client.done, LIMIT, "unix echo"), payload, "echoed bytes");
    await within(session.closed, LIMIT, "client closed");
    await within(listener.close(), LIMIT, "listener close");
    const exists = await Deno.lstat(path).then(
      () => true,
      () => false,
    );
    assertEqual(exists, false, "socket file exists after close");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("TLS echo with ALPN; the server's preference wins and both ends see it", async () => {
  const { ca, cert, key } = await testCertificates();
  const serverAlpn: (string | null)[] = [];
  await using listener = await runtime.listen({ tls: { cert, key, alpnProtocols: ["h2", "http/1.1"] } }, (session) => {
    serverAlpn.push(session.alpnProtocol);
    return new EchoConnection();
  });
  const payload = pattern(1024 * 1024);
  const client = new SendAndCollect(payload);
  const session = await runtime.connect(
    { port: portOf(listener), tls: { ca, alpnProtocols: ["http/1.1", "h2"] } },
    client,
  );
  assertEqual(session.alpnProtocol, "h2", "client ALPN");
  assertBytes(await within(client.done, LIMIT, "TLS echo"), payload, "echoed bytes");
  await within(session.closed, LIMIT, "client closed");
  assertEqual(serverAlpn[0], "h2", "server ALPN");
});

Deno.test("TLS verifies certificates by default; serverName is checked", async () => {
  const { ca, cert, key } = await testCertificates();
  await using listener = await runtime.listen({ tls: { cert, key } }, () => new EchoConnection());
  const port = portOf(listener);

  const untrusted = await rejection(runtime.connect({ port, tls: true }, new EchoConnection()));
  assert(untrusted instanceof ConnectionLostError, `untrusted CA: ${String(untrusted)}`);
  assert(untrusted.cause instanceof Deno.errors.InvalidData, "Deno's error is the cause");

  const wrongName = await rejection(
    runtime.connect({ port, tls: { ca, serverName: "example.com" } }, new EchoConnection()),
  );
  assert(wrongName instanceof ConnectionLostError, `wrong serverName: ${String(wrongName)}`);

  const byName = new SendAndCollect(bytes("by name"));
  const session = await runtime.connect({ port, tls: { ca: bytes(ca), serverName: "localhost" } }, byName);
  assertEqual(text(await within(byName.done, LIMIT, "echo by name")), "by name", "echo by serverName");
  await within(session.closed, LIMIT, "closed");

  const skip = await rejection(runtime.connect({ port, tls: { insecureSkipVerify: true } }, new EchoConnection()));
  assert(skip instanceof UnsupportedError, `insecureSkipVerify: ${String(skip)}`);
});

Deno.test("a TLS listener drops clients that fail the handshake and keeps serving", async () => {
  const { ca, cert, key } = await testCertificates();
  let accepted = 0;
  await using listener = await runtime.listen({ tls: { cert, key } }, () => {
    accepted++;
    return new EchoConnection();
  });
  const port = portOf(listener);
  const plain = new Exchange({ send: [[bytes("GET / HTTP/1.0\r\n\r\n")]] });
  const raw = await runtime.connect({ port }, plain);
  await within(raw.closed, LIMIT, "plain client dropped");
  assertEqual(accepted, 0, "the client that failed the handshake was never accepted");
  const good = new SendAndCollect(bytes("still serving"));
  await runtime.connect({ port, tls: { ca } }, good);
  assertEqual(text(await within(good.done, LIMIT, "echo")), "still serving", "echo after a bad client");
  assertEqual(accepted, 1, "only the good client was accepted");
});

Deno.test("half-close: the server sends and FINs first, then still reads the client's reply", async () => {
  let server: Exchange | undefined;
  await using listener = await runtime.listen({}, () => {
    server = new Exchange({ send: [[bytes("greeting")]] });
    return server;
  });
  const client = new Exchange({ send: [[bytes("reply after your FIN")]], sendAfterEof: true });
  const session = await runtime.connect({ port: portOf(listener) }, client);
  await within(session.closed, LIMIT, "client closed");
  assertEqual(text(client.bytes()), "greeting", "client got the greeting");
  assert(server, "server connection made");
  await within(server.finished, LIMIT, "server saw EOF");
  assertEqual(text(server.bytes()), "reply after your FIN", "server read after its own FIN");
  assertEqual(client.errors.length + server.errors.length, 0, "no errors");
});

Deno.test("refused connect rejects with ConnectionLostError carrying Deno's error", async () => {
  const listener = await runtime.listen({}, () => new EchoConnection());
  const port = portOf(listener);
  await listener.close();
  const error = await rejection(runtime.connect({ port }, new EchoConnection()));
  assert(error instanceof ConnectionLostError, `refused: ${String(error)}`);
  assert(error.cause instanceof Deno.errors.ConnectionRefused, "cause is Deno.errors.ConnectionRefused");
  assert(error.code === "ECONNREFUSED" || error.code === "ConnectionRefused", `code ${error.code}`);
});

Deno.test("listen on a busy port rejects with ConnectionLostError", async () => {
  await using listener = await runtime.listen({}, () => new EchoConnection());
  const error = await rejection(runtime.listen({ port: portOf(listener) }, () => new EchoConnection()));
  assert(error instanceof ConnectionLostError, `busy: ${String(error)}`);
  assert(error.cause instanceof Deno.errors.AddrInUse, "cause is Deno.errors.AddrInUse");
});

Deno.test("abort: an aborted signal rejects with AbortedError; aborting a hanging TLS connect too", async () => {
  const before = await rejection(runtime.connect({ port: 1, signal: AbortSignal.abort() }, new EchoConnection()));
  assert(before instanceof AbortedError, `already aborted: ${String(before)}`);

  // A plain listener that never answers the TLS ClientHello: the handshake hangs until the abort.
  const { ca } = await testCertificates();
  const silent = await runtime.listen({}, () => new Exchange({ halfClose: false }));
  const controller = new AbortController();
  const attempt = runtime.connect(
    { port: portOf(silent), tls: { ca }, signal: controller.signal },
    new EchoConnection(),
  );
  setTimeout(() => controller.abort(new Error("stop")), 50);
  const during = await rejection(attempt);
  assert(during instanceof AbortedError, `aborted during handshake: ${String(during)}`);
  await within(silent.close({ timeout: 1000 }), LIMIT, "listener close");
});

Deno.test("signal closes an established session", async () => {
  await using listener = await runtime.listen({}, () => new Exchange({ halfClose: false }));
  const controller = new AbortController();
  const client = new Exchange({ halfClose: false });
  const session = await runtime.connect({ port: portOf(listener), signal: controller.signal }, client);
  controller.abort();
  await within(session.closed, LIMIT, "closed by signal");
  assert(client.errors[0] instanceof ConnectionClosedError, `client error: ${String(client.errors[0])}`);
});

Deno.test("idle timeout closes a silent connection with TimeoutError", async () => {
  let server: Exchange | undefined;
  await using listener = await runtime.listen({ idleTimeout: 100 }, () => {
    server = new Exchange({ halfClose: false });
    return server;
  });
  const client = new Exchange({ halfClose: false });
  const session = await runtime.connect({ port: portOf(listener) }, client);
  await within(session.closed, LIMIT, "client sees the server go");
  assert(server, "server connection made");
  assert(server.errors[0] instanceof TimeoutError, `server error: ${String(server.errors[0])}`);
  assertEqual(listener.connections, 0, "no connections left");
});

Deno.test("listener close: shuts connections down, waits, aborts what is left, then refuses", async () => {
  const listener = await runtime.listen({}, () => new EchoConnection());
  // The stubborn server ignores shutdown(): only the abort after the timeout ends it.
  const stubborn = await runtime.listen({}, () => new Stubborn());
  const polite = new Exchange({ halfClose: false });
  const politeSession = await runtime.connect({ port: portOf(listener) }, polite);
  const waiting = new Exchange({ halfClose: false });
  const waitingSession = await runtime.connect({ port: portOf(stubborn) }, waiting);
  await eventually(() => listener.connections === 1 && stubborn.connections === 1, LIMIT, "both accepted");
  assertEqual(listener.connections, 1, "one connection before close");
  assertEqual(stubborn.connections, 1, "one stubborn connection before close");
  await within(listener.close(), LIMIT, "graceful close");
  assertEqual(listener.connections, 0, "drained");
  await within(politeSession.closed, LIMIT, "client saw the shutdown");
  await within(stubborn.close({ timeout: 100 }), LIMIT, "close with timeout");
  assertEqual(stubborn.connections, 0, "aborted after the timeout");
  await within(waitingSession.closed, LIMIT, "stubborn client closed");
  const error = await rejection(runtime.connect({ port: portOf(listener) }, new EchoConnection()));
  assert(error instanceof ConnectionLostError, "refused after close");
});

Deno.test("a protocol exception reaches reportError, the socket closes, the listener keeps serving", async () => {
  const servers: EchoConnection[] = [];
  await using listener = await runtime.listen({}, () => {
    const echo = new EchoConnection({ throwAfter: servers.length === 0 ? 10 : undefined });
    servers.push(echo);
    return echo;
  });
  const first = new Exchange({ send: [[pattern(100)]], halfClose: false });
  const session = await runtime.connect({ port: portOf(listener) }, first);
  await within(session.closed, LIMIT, "client closed after the server threw");
  assert(servers[0]?.errors[0] instanceof Error, "server connection heard its own exception");
  const second = new SendAndCollect(bytes("again"));
  await runtime.connect({ port: portOf(listener) }, second);
  assertEqual(text(await within(second.done, LIMIT, "second echo")), "again", "listener still serves");
});

Deno.test("read buffer overflow: a protocol that consumes nothing gets ReadBufferOverflowError", async () => {
  let server: Exchange | undefined;
  await using listener = await runtime.listen({ readBufferSize: 1024, maxReadBufferSize: 4096 }, () => {
    // Consumes nothing, whatever is offered.
    server = new Exchange({ needBytes: Number.POSITIVE_INFINITY, halfClose: false });
    return server;
  });
  const client = new Exchange({ send: [[pattern(64 * 1024)]], halfClose: false });
  const session = await runtime.connect({ port: portOf(listener) }, client);
  await within(session.closed, LIMIT, "client closed");
  assert(server, "server made");
  assert(server.errors[0] instanceof ReadBufferOverflowError, `server error: ${String(server.errors[0])}`);
});

Deno.test("session.close() is abortive: the connection hears ConnectionClosedError", async () => {
  await using listener = await runtime.listen({}, () => new Exchange({ halfClose: false }));
  const client = new Exchange({ halfClose: false });
  const session = await runtime.connect({ port: portOf(listener) }, client);
  session.close();
  session.close();
  await within(session.closed, LIMIT, "closed");
  assert(client.errors[0] instanceof ConnectionClosedError, `client error: ${String(client.errors[0])}`);
});

Deno.test("drive() runs a connection over a Deno.Conn the caller opened", async () => {
  await using listener = await runtime.listen({}, () => new EchoConnection());
  const conn = await Deno.connect({ hostname: "127.0.0.1", port: portOf(listener) });
  const client = new SendAndCollect(pattern(200_000));
  const session = drive(conn, client);
  assert(session.remote.transport === "tcp" && session.remote.port === portOf(listener), "remote");
  assertBytes(await within(client.done, LIMIT, "echo"), pattern(200_000), "echoed bytes");
  await within(session.closed, LIMIT, "closed");
});

Deno.test("a peer that vanishes mid-write: the writer hears 'closed' once and the session settles", async () => {
  let server: Exchange | undefined;
  await using listener = await runtime.listen({}, () => {
    server = new Stubborn();
    return server;
  });
  const client = new Exchange({ send: [[pattern(32 * 1024 * 1024)]], halfClose: false });
  const session = await runtime.connect({ port: portOf(listener) }, client);
  await eventually(() => listener.connections > 0, LIMIT, "accepted");
  assert(server, "server connection made");
  await within(listener.close({ timeout: 0 }), LIMIT, "server aborted");
  await within(session.closed, LIMIT, "client session settled");
  const closedReports = client.writeResults.filter((result) => result === "closed").length;
  assert(closedReports <= 1, `'closed' reported ${closedReports} times`);
  assert(closedReports === 1 || client.errors.length > 0, "the client learnt that the peer is gone");
});

Deno.test("TLS over a unix socket is UnsupportedError on both ends", async () => {
  const { ca, cert, key } = await testCertificates();
  const dir = await Deno.makeTempDir({ prefix: "sansio-deno-" });
  try {
    const path = `${dir}/tls.sock`;
    const listen = await rejection(runtime.listen({ path, tls: { cert, key } }, () => new EchoConnection()));
    assert(listen instanceof UnsupportedError, `listen: ${String(listen)}`);
    const connect = await rejection(runtime.connect({ path, tls: { ca } }, new EchoConnection()));
    assert(connect instanceof UnsupportedError, `connect: ${String(connect)}`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("bad buffer or timeout options reject before any socket is opened", async () => {
  const listen = await rejection(runtime.listen({ idleTimeout: -1 }, () => new EchoConnection()));
  assert(listen instanceof RangeError, `listen: ${String(listen)}`);
  await using listener = await runtime.listen({}, () => new EchoConnection());
  const connect = await rejection(
    runtime.connect({ port: portOf(listener), readBufferSize: 1024, maxReadBufferSize: 10 }, new EchoConnection()),
  );
  assert(connect instanceof RangeError, `connect: ${String(connect)}`);
  assertEqual(listener.connections, 0, "nothing connected");
});
