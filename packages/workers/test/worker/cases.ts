import { connect } from "cloudflare:sockets";
import type { ClientTlsOptions, ConnectOptions, Runtime, Session } from "@sansio/runtime-api";
import {
  concatBytes,
  Exchange,
  PrefixedConnection,
  patternBytes,
  StartTlsClient,
} from "@sansio/runtime-api/conformance";
import { drive } from "@sansio/workers";
import { HeldWrites } from "./held-writes.js";
import {
  check,
  checkBytes,
  eventually,
  line,
  nameOf,
  rejection,
  sha256,
  sleep,
  text,
  type WorkerCase,
  within,
  writesOf,
} from "./support.js";

/** Where the Node fixture peer (test/fixture-peer.mjs) listens. */
export interface FixturePorts {
  readonly plain: number;
  readonly tls: number;
  readonly refused: number;
}

/** What the Worker's own cases run with. */
export interface CaseEnvironment {
  readonly ports: FixturePorts;
  /** The exported `runtime` (global outbound: public CAs only). */
  readonly runtime: Runtime;
  /** A runtime whose sockets go through the network service that trusts the test CA. */
  readonly trusting: Runtime;
  /** Client TLS options naming the test CA. */
  readonly clientTls: ClientTlsOptions;
}

const KiB = 1024;
const MiB = 1024 * KiB;

/** `count` write operations of the same 256 KiB block. */
function blocks(count: number): Uint8Array[][] {
  const block = patternBytes(0, 256 * KiB);
  return Array.from({ length: count }, () => [block]);
}

let tokens = 0;
const token = (): string => `w${Date.now().toString(36)}${++tokens}`;

/** Waits until the writer has stopped making progress (the peer is not reading), bounded by `limit`. */
async function stalled(client: Exchange, limit: number): Promise<number> {
  const deadline = Date.now() + limit;
  let last = -1;
  for (;;) {
    const now = client.bytesWritten;
    if (now > 0 && now === last) return now;
    if (Date.now() > deadline) throw new Error(`the writer never stalled (${now} bytes written)`);
    last = now;
    await sleep(100);
  }
}

/** Asks the fixture peer for `<bytes> <sha256>` of what a FINFIRST/HOLD connection received. */
async function stats(env: CaseEnvironment, command: string, limit: number): Promise<string> {
  const client = new Exchange({ send: [[line(command)]] });
  const session = await env.runtime.connect({ port: env.ports.plain }, client);
  await within(session.closed, limit, `${command} answer`);
  check(client.errors.length === 0, `${command}: ${client.errors.map(String).join(", ")}`);
  return text(client.bytes()).trim();
}

async function echoOver(
  runtime: Runtime,
  options: ConnectOptions,
  payload: Uint8Array,
  limit: number,
  what: string,
): Promise<Session> {
  const client = new Exchange({ send: [[line("ECHO")], ...writesOf(payload, 64 * KiB)] });
  const session = await runtime.connect(options, client);
  await within(client.finished, limit, what);
  check(client.errors.length === 0, `${what}: ${client.errors.map(String).join(", ")}`);
  checkBytes(client.bytes(), payload, what);
  await within(session.closed, limit, `${what}: session.closed`);
  return session;
}

/** The Worker's own cases: what is specific to Workers sockets, on top of the conformance suite. */
export function workerCases(env: CaseEnvironment): WorkerCase[] {
  const { ports } = env;
  return [
    {
      name: "bulk: 32 MiB echo with a 64 KiB read buffer, every byte intact",
      async run(limit) {
        const payload = patternBytes(5, 32 * MiB);
        const client = new Exchange({ send: [[line("ECHO")], ...writesOf(payload, 256 * KiB)] });
        const session = await env.runtime.connect({ port: ports.plain, readBufferSize: 64 * KiB }, client);
        await within(client.finished, limit, "32 MiB echo");
        check(client.errors.length === 0, `errors: ${client.errors.map(String).join(", ")}`);
        checkBytes(client.bytes(), payload, "32 MiB echo");
        await within(session.closed, limit, "session.closed");
      },
    },
    {
      name: "bulk: 8 MiB download with the default 16 KiB read buffer",
      async run(limit) {
        const client = new Exchange({ send: [[line(`SEND ${8 * MiB}`)]] });
        const session = await env.runtime.connect({ port: ports.plain }, client);
        await within(client.finished, limit, "download");
        check(client.errors.length === 0, `errors: ${client.errors.map(String).join(", ")}`);
        checkBytes(client.bytes(), patternBytes(0, 8 * MiB), "download");
        await within(session.closed, limit, "session.closed");
      },
    },
    {
      name: "write: 2,000 small iovecs per write are coalesced and arrive in order",
      async run(limit) {
        const parts: Uint8Array[] = [];
        for (let i = 0; i < 2000; i++) parts.push(patternBytes(i * 37, 1 + (i % 97)));
        const client = new Exchange({ send: [[line("ECHO"), ...parts], parts.slice().reverse()] });
        const session = await env.runtime.connect({ port: ports.plain }, client);
        await within(client.finished, limit, "echo");
        const expected = new Uint8Array(parts.reduce((n, p) => n + p.length, 0) * 2);
        let at = 0;
        for (const part of [...parts, ...parts.slice().reverse()]) {
          expected.set(part, at);
          at += part.length;
        }
        check(client.errors.length === 0, `errors: ${client.errors.map(String).join(", ")}`);
        checkBytes(client.bytes(), expected, "coalesced echo");
        await within(session.closed, limit, "session.closed");
      },
    },
    {
      name: "half-close: client FIN, the reply still arrives, closed settles",
      async run(limit) {
        const session = await echoOver(env.runtime, { port: ports.plain }, patternBytes(9, 1 * MiB), limit, "echo");
        check(session.remote.transport === "tcp" && session.remote.port === ports.plain, "session.remote");
      },
    },
    {
      name: "half-close: server FIN first, the client keeps sending and every byte arrives",
      async run(limit) {
        const id = token();
        const payload = patternBytes(3, 2 * MiB);
        // The command goes out first; the payload only once the server's FIN arrived.
        const client = new Exchange({ send: writesOf(payload, 256 * KiB), sendAfterEof: true });
        const session = await env.runtime.connect(
          { port: ports.plain },
          new PrefixedConnection(line(`FINFIRST ${256 * KiB} ${id}`), client),
        );
        await eventually(() => client.sawEof, limit, "the server's FIN");
        checkBytes(client.bytes(), patternBytes(0, 256 * KiB), "before the server's FIN");
        await within(session.closed, limit, "session.closed");
        check(client.errors.length === 0, `errors: ${client.errors.map(String).join(", ")}`);
        check(client.bytesWritten === payload.length, `wrote ${client.bytesWritten}`);
        const answer = await stats(env, `STATS ${id}`, limit);
        check(answer === `${payload.length} ${await sha256(payload)}`, `the peer received: ${answer}`);
      },
    },
    {
      name: "backpressure: a peer that reads nothing stalls the writer; released, every byte arrives",
      async run(limit) {
        const id = token();
        const payload = patternBytes(7, 48 * MiB);
        const client = new Exchange({ send: [[line(`HOLD ${id}`)], ...writesOf(payload, 1 * MiB)] });
        const session = await env.runtime.connect({ port: ports.plain }, client);
        const written = await stalled(client, limit);
        check(
          written < payload.length,
          `all ${payload.length} bytes were reported written while the peer read nothing`,
        );
        check((await stats(env, `RELEASE ${id}`, limit)) === "OK", "RELEASE");
        await within(session.closed, limit, "session.closed after the release");
        check(client.errors.length === 0, `errors: ${client.errors.map(String).join(", ")}`);
        check(client.bytesWritten === payload.length + line(`HOLD ${id}`).length, `wrote ${client.bytesWritten}`);
        const answer = text(client.bytes()).trim();
        check(answer === `${payload.length} ${await sha256(payload)}`, `the peer received: ${answer}`);
      },
    },
    {
      name: "abort: session.close() mid-stream reports ConnectionClosedError once, closed settles",
      async run(limit) {
        const client = new Exchange({ send: [[line("ECHO")], ...blocks(64)], halfClose: false });
        const session = await env.runtime.connect({ port: ports.plain }, client);
        await eventually(() => client.receivedBytes >= 1 * MiB, limit, "1 MiB echoed");
        session.close();
        await within(session.closed, limit, "session.closed");
        check(client.errors.length === 1, `${client.errors.length} errors reported`);
        check(nameOf(client.errors[0]) === "ConnectionClosedError", `reported ${nameOf(client.errors[0])}`);
        const seen = client.writeResults.length;
        await sleep(20);
        check(client.writeResults.length === seen, "writes went on after the close");
      },
    },
    {
      name: "abort: the connect signal aborting mid-stream closes the session",
      async run(limit) {
        const controller = new AbortController();
        const client = new Exchange({ send: [[line("ECHO")], ...blocks(64)], halfClose: false });
        const session = await env.runtime.connect({ port: ports.plain, signal: controller.signal }, client);
        await eventually(() => client.receivedBytes >= 512 * KiB, limit, "512 KiB echoed");
        controller.abort(new Error("test abort"));
        await within(session.closed, limit, "session.closed");
        check(
          client.errors.length === 1 && nameOf(client.errors[0]) === "ConnectionClosedError",
          `errors: ${client.errors.map(nameOf)}`,
        );
      },
    },
    {
      name: "abort: close() while a write is stuck on a peer that reads nothing still releases the socket",
      async run(limit) {
        const id = token();
        const client = new Exchange({
          send: [[line(`HOLD ${id}`)], ...writesOf(patternBytes(0, 32 * MiB), 1 * MiB)],
          halfClose: false,
        });
        const session = await env.runtime.connect({ port: ports.plain }, client);
        await stalled(client, limit);
        session.close();
        await within(session.closed, limit, "session.closed with a write pending");
        check(nameOf(client.errors[0]) === "ConnectionClosedError", `errors: ${client.errors.map(nameOf)}`);
        await stats(env, `RELEASE ${id}`, limit);
      },
    },
    {
      name: "reset: the peer resets mid-stream: ConnectionLostError, closed settles, writes stop",
      async run(limit) {
        const client = new Exchange({ send: [[line(`RESET ${64 * KiB}`)], ...blocks(64)], halfClose: false });
        const session = await env.runtime.connect({ port: ports.plain }, client);
        await within(session.closed, limit, "session.closed after the reset");
        const lost = client.errors.some((e) => nameOf(e) === "ConnectionLostError");
        const closed = client.writeResults.includes("closed");
        check(lost || closed, `the reset was not reported (errors: ${client.errors.map(nameOf)})`);
        check(client.writesAfterClosed === 0, `${client.writesAfterClosed} writes asked for after "closed"`);
      },
    },
    {
      name: "connect: refused rejects with ConnectionLostError, the runtime's error as cause",
      async run() {
        const error = await rejection(env.runtime.connect({ port: ports.refused }, new Exchange()), "refused connect");
        check(nameOf(error) === "ConnectionLostError", `rejected with ${nameOf(error)}`);
        check((error as { cause?: unknown }).cause instanceof Error, "no cause");
      },
    },
    {
      name: "connect: aborting while connecting rejects with AbortedError",
      async run() {
        const controller = new AbortController();
        const pending = env.runtime.connect({ port: ports.plain, signal: controller.signal }, new Exchange());
        controller.abort(new Error("changed my mind"));
        const error = await rejection(pending, "aborted connect");
        check(nameOf(error) === "AbortedError", `rejected with ${nameOf(error)}`);
      },
    },
    {
      name: "connect: unix sockets and bad ports are refused before any socket opens",
      async run() {
        const unix = await rejection(env.runtime.connect({ path: "/tmp/x.sock" }, new Exchange()), "unix connect");
        check(nameOf(unix) === "UnsupportedError", `unix: ${nameOf(unix)}`);
        const port = await rejection(env.runtime.connect({ port: 70000 }, new Exchange()), "bad port");
        check(nameOf(port) === "RangeError", `port: ${nameOf(port)}`);
        const buffer = await rejection(
          env.runtime.connect({ port: ports.plain, readBufferSize: 0 }, new Exchange()),
          "bad readBufferSize",
        );
        check(nameOf(buffer) === "RangeError", `readBufferSize: ${nameOf(buffer)}`);
      },
    },
    {
      name: "listen: rejects with UnsupportedError (Workers cannot accept TCP)",
      async run() {
        const error = await rejection(
          env.runtime.listen({ port: 0 }, () => new Exchange()),
          "listen",
        );
        check(nameOf(error) === "UnsupportedError", `rejected with ${nameOf(error)}`);
        check(String((error as Error).message).includes("cannot accept TCP"), (error as Error).message);
      },
    },
    {
      name: "tls: secureTransport on, 1 MiB echo verified against the test CA",
      async run(limit) {
        const session = await echoOver(
          env.trusting,
          { port: ports.tls, tls: env.clientTls },
          patternBytes(11, 1 * MiB),
          limit,
          "tls echo",
        );
        check(session.alpnProtocol === null, `alpnProtocol ${session.alpnProtocol}`);
        const again = await rejection(session.startTls(env.clientTls), "startTls on a TLS session");
        check(nameOf(again) === "UnsupportedError", `startTls on TLS: ${nameOf(again)}`);
      },
    },
    {
      name: "tls: a serverName other than the host (localhost on 127.0.0.1) is verified",
      async run(limit) {
        await echoOver(
          env.trusting,
          { hostname: "127.0.0.1", port: ports.tls, tls: { ...env.clientTls, serverName: "localhost" } },
          patternBytes(12, 256 * KiB),
          limit,
          "tls echo with serverName",
        );
      },
    },
    {
      name: "tls: a serverName the certificate does not name is rejected with ConnectionLostError",
      async run() {
        const error = await rejection(
          env.trusting.connect(
            { port: ports.tls, tls: { ...env.clientTls, serverName: "wrong.example" } },
            new Exchange(),
          ),
          "connect with a wrong serverName",
        );
        check(nameOf(error) === "ConnectionLostError", `rejected with ${nameOf(error)}`);
      },
    },
    {
      name: "tls: the test CA is not trusted by the global outbound (tls: true)",
      async run() {
        const error = await rejection(env.runtime.connect({ port: ports.tls, tls: true }, new Exchange()), "tls: true");
        check(nameOf(error) === "ConnectionLostError", `rejected with ${nameOf(error)}`);
      },
    },
    {
      name: "tls: insecureSkipVerify is UnsupportedError; alpnProtocols are not offered (alpnProtocol null)",
      async run(limit) {
        const skip = await rejection(
          env.trusting.connect({ port: ports.tls, tls: { insecureSkipVerify: true } }, new Exchange()),
          "insecureSkipVerify",
        );
        check(nameOf(skip) === "UnsupportedError", `insecureSkipVerify: ${nameOf(skip)}`);
        const session = await echoOver(
          env.trusting,
          { port: ports.tls, tls: { ...env.clientTls, alpnProtocols: ["h2", "http/1.1"] } },
          patternBytes(1, 64 * KiB),
          limit,
          "tls echo with ALPN asked",
        );
        check(session.alpnProtocol === null, `alpnProtocol ${session.alpnProtocol}`);
      },
    },
    {
      name: "starttls: a live plain session upgrades, then 1 MiB echoes over TLS",
      async run(limit) {
        const payload = patternBytes(13, 1 * MiB);
        let session: Session | undefined;
        const client = new StartTlsClient(payload, () =>
          session ? session.startTls(env.clientTls) : Promise.reject(new Error("no session")),
        );
        // The conformance STARTTLS client's own `STARTTLS\n` is the fixture's command line.
        session = await env.trusting.connect({ port: ports.plain }, client);
        await within(client.finished, limit, "echo after STARTTLS");
        check(client.errors.length === 0, `errors: ${client.errors.map(String).join(", ")}`);
        checkBytes(client.echo.bytes(), payload, "echo after STARTTLS");
        await within(session.closed, limit, "session.closed");
      },
    },
    {
      name: "starttls: refused while a read is in flight, after a half-close, or as a server; the session lives on",
      async run(limit) {
        // "ECHO", "hello" go out at once; "still here" only once the refusals were checked.
        const echo = new Exchange({ send: [[line("still here")]] });
        const held = new HeldWrites(echo);
        const client = new PrefixedConnection(concatBytes([line("ECHO"), line("hello")]), held);
        const session = await env.trusting.connect({ port: ports.plain }, client);
        await eventually(() => echo.receivedBytes === 6, limit, "hello echoed");
        await sleep(10); // the reader is waiting on the socket again: a BYOB read is in flight
        const inFlight = await rejection(session.startTls(env.clientTls), "startTls with a read in flight");
        check(nameOf(inFlight) === "SansioError", `read in flight: ${nameOf(inFlight)}`);
        const server = await rejection(
          session.startTls({ isServer: true, cert: "x", key: "y" }),
          "startTls as a server",
        );
        check(nameOf(server) === "UnsupportedError", `isServer: ${nameOf(server)}`);
        held.release();
        await within(session.closed, limit, "session.closed");
        check(echo.errors.length === 0, `errors: ${echo.errors.map(String).join(", ")}`);
        const echoed = text(echo.bytes());
        check(echoed === "hello\nstill here\n", `echo: ${JSON.stringify(echoed)}`);
        const late = await rejection(session.startTls(env.clientTls), "startTls after close");
        check(nameOf(late) === "ConnectionClosedError", `after close: ${nameOf(late)}`);
      },
    },
    {
      name: "drive: a socket from cloudflare:sockets connect() is driven to the end",
      async run(limit) {
        const socket = connect(
          { hostname: "127.0.0.1", port: ports.plain },
          { secureTransport: "off", allowHalfOpen: true },
        );
        const payload = patternBytes(21, 512 * KiB);
        const client = new Exchange({ send: [[line("ECHO")], ...writesOf(payload, 64 * KiB)] });
        const session = await drive(socket, client);
        await within(client.finished, limit, "echo");
        checkBytes(client.bytes(), payload, "driven echo");
        await within(session.closed, limit, "session.closed");
        check(session.remote.transport === "tcp" && session.remote.port === ports.plain, "session.remote");
        const upgrade = await rejection(session.startTls(), "startTls on an 'off' socket");
        check(nameOf(upgrade) === "UnsupportedError", `startTls: ${nameOf(upgrade)}`);
      },
    },
    {
      name: "drive: a socket that cannot open rejects with ConnectionLostError",
      async run() {
        const socket = connect(
          { hostname: "127.0.0.1", port: ports.refused },
          { secureTransport: "off", allowHalfOpen: true },
        );
        const error = await rejection(drive(socket, new Exchange()), "drive of a refused socket");
        check(nameOf(error) === "ConnectionLostError", `rejected with ${nameOf(error)}`);
      },
    },
  ];
}
