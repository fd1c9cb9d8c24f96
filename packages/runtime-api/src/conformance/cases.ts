import type { Session } from "../runtime.js";
import { checkNoBusyLoop } from "./busy-loop.js";
import type { ConformanceCase } from "./case.js";
import { Exchange, Firehose, StartTlsClient } from "./clients.js";
import { echoRoundTrip, noErrors } from "./exchanges.js";
import { faultCases } from "./fault-cases.js";
import {
  type CaseContext,
  check,
  checkBytes,
  eventually,
  NotApplicable,
  nameOf,
  sleep,
  within,
  writesOf,
} from "./harness.js";
import { listenCases } from "./listen-cases.js";
import { observeCases } from "./observe-cases.js";
import { patternBytes } from "./pattern.js";
import { robustnessCases, stressCases } from "./robustness-cases.js";
import { timerCases } from "./timer-cases.js";

export type { ConformanceCase };

const KiB = 1024;
const MiB = 1024 * KiB;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Sends `payload` without half-closing and waits for `payload.length` bytes back, then closes. */
async function echoWithoutEof(
  t: CaseContext,
  server: string,
  params: Record<string, number | string>,
  bytes: number,
  limit: number,
): Promise<void> {
  const payload = patternBytes(3, bytes);
  const target = await t.target();
  const client = new Exchange({ send: [[payload]], halfClose: false, closeAfterReceiving: bytes });
  const { session } = await t.connect(target, server, params, client);
  await within(client.finished, limit, "echo of buffered input");
  noErrors(client, server);
  checkBytes(client.bytes(), payload, server);
  await within(session.closed, limit, "session.closed");
}

/** Every case, in order (the stress tier last: it runs only with `ConformanceOptions.stress`). */
export const conformanceCases: readonly ConformanceCase[] = [
  {
    name: "echo: 4 MiB round trip in 64 KiB writes",
    async run(t, limit) {
      await echoRoundTrip(t, await t.target(), 4 * MiB, limit, "echo");
    },
  },
  {
    name: "read: partial consumption (7 bytes per read) loses nothing",
    async run(t, limit) {
      const payload = patternBytes(1, 64 * KiB);
      const client = new Exchange({ send: [[payload]] });
      await t.connect(await t.target(), "echo", { maxConsume: 7 }, client);
      await within(client.finished, limit, "partial consumption");
      noErrors(client, "partial consumption");
      checkBytes(client.bytes(), payload, "partial consumption");
    },
  },
  {
    name: "read: buffered input is offered again before waiting on the socket",
    async run(t, limit) {
      await echoWithoutEof(t, "yielding-echo", { chunk: 3, mode: "microtask" }, 10 * KiB, limit);
    },
  },
  {
    name: "resume: synchronous resume 5,000 times, one pending resume, no re-entry",
    async run(t, limit) {
      await echoWithoutEof(t, "yielding-echo", { chunk: 1, mode: "sync" }, 5000, limit);
    },
  },
  {
    name: "resume: from timers",
    async run(t, limit) {
      await echoWithoutEof(t, "yielding-echo", { chunk: 512, mode: "timer" }, 16 * KiB, limit);
    },
  },
  {
    name: "half-close: client sends FIN, the server's reply still arrives",
    async run(t, limit) {
      const payload = patternBytes(5, 300 * KiB);
      const client = new Exchange({ send: writesOf(payload, 100 * KiB) });
      const { record } = await t.connect(await t.target(), "slow-summary", { chunk: 64 * KiB, delay: 0 }, client);
      await within(client.finished, limit, "reply after FIN");
      noErrors(client, "half-close");
      const [count] = decoder.decode(client.bytes()).trim().split(" ");
      check(Number(count) === payload.length, `the server saw ${count} bytes before EOF, expected ${payload.length}`);
      try {
        check(record().sawEof, "the server never saw EOF");
      } catch (error) {
        if (!(error instanceof NotApplicable)) throw error;
      }
    },
  },
  {
    name: "half-close: server sends FIN first, the client keeps sending",
    async run(t, limit) {
      const after = patternBytes(9, 50 * KiB);
      const client = new Exchange({ send: [[after]], sendAfterEof: true });
      const { session, record } = await t.connect(await t.target(), "generate", { bytes: 1000 }, client);
      await within(client.finished, limit, "exchange after the server's FIN");
      noErrors(client, "half-close");
      checkBytes(client.bytes(), patternBytes(0, 1000), "bytes before the server's FIN");
      check(client.bytesWritten === after.length, `wrote ${client.bytesWritten} of ${after.length} bytes after FIN`);
      await within(session.closed, limit, "session.closed");
      try {
        const seen = record();
        await eventually(() => seen.sawEof, limit, "the server to see the client's EOF");
        check(seen.bytesRead === after.length, `the server read ${seen.bytesRead} bytes, expected ${after.length}`);
      } catch (error) {
        if (!(error instanceof NotApplicable)) throw error;
      }
    },
  },
  {
    name: "write: backpressure and partial writes with a slow reader (8 MiB)",
    async run(t, limit) {
      const payload = patternBytes(11, 8 * MiB);
      const iovecs = [] as Uint8Array[];
      for (let at = 0; at < payload.length; at += MiB) iovecs.push(payload.subarray(at, at + MiB));
      const client = new Exchange({ send: [iovecs] });
      await t.connect(await t.target(), "slow-summary", { chunk: 256 * KiB, delay: 1 }, client);
      await within(client.finished, limit, "slow reader");
      noErrors(client, "slow reader");
      let sum = 0;
      for (let i = 0; i < payload.length; i++) sum = (sum * 31 + (payload[i] as number)) >>> 0;
      const reply = decoder.decode(client.bytes()).trim();
      check(
        reply === `${payload.length} ${sum}`,
        `the server summarised "${reply}", expected "${payload.length} ${sum}"`,
      );
      check(client.bytesWritten === payload.length, `write results add up to ${client.bytesWritten}`);
    },
  },
  {
    name: "errors: a throwing protocol is reported, its socket released, the listener still serves",
    async run(t, limit) {
      const target = await t.target();
      const client = new Exchange({ send: [[patternBytes(0, 100)]], halfClose: false });
      const { session, record } = await t.connect(target, "throw-after", { after: 10 }, client);
      await within(session.closed, limit, "the failed connection's session.closed");
      check(client.receivedBytes <= 10, `received ${client.receivedBytes} bytes from a protocol that failed at 10`);
      try {
        const seen = record();
        check(seen.errors.length === 1, `the server protocol got ${seen.errors.length} errors, expected 1`);
      } catch (error) {
        if (!(error instanceof NotApplicable)) throw error;
      }
      await echoRoundTrip(t, target, 64 * KiB, limit, "the next connection");
    },
  },
  {
    name: "read buffer: grows to fit a 200 KiB message from a 1 KiB start",
    async run(t, limit) {
      const client = new Exchange({ needBytes: 200 * KiB, halfClose: true });
      await t.connect(await t.target(), "generate", { bytes: 200 * KiB }, client, {
        readBufferSize: KiB,
        maxReadBufferSize: 256 * KiB,
      });
      await within(client.finished, limit, "growth");
      noErrors(client, "growth");
      checkBytes(client.bytes(), patternBytes(0, 200 * KiB), "grown buffer");
    },
  },
  {
    name: "read buffer: overflow past maxReadBufferSize is a ReadBufferOverflowError",
    async run(t, limit) {
      const client = new Exchange({ needBytes: 200 * KiB, halfClose: false });
      const { session } = await t.connect(await t.target(), "generate", { bytes: 200 * KiB }, client, {
        readBufferSize: KiB,
        maxReadBufferSize: 64 * KiB,
      });
      await within(session.closed, limit, "session.closed after overflow");
      check(client.errors.length === 1, `got ${client.errors.length} errors, expected 1`);
      check(nameOf(client.errors[0]) === "ReadBufferOverflowError", `got ${nameOf(client.errors[0])}`);
      check(client.receivedBytes === 0, "the protocol was handed bytes past the limit");
    },
  },
  {
    name: "upgrade: leftover bytes go to the new protocol",
    async run(t, limit) {
      const client = new Exchange({ send: [[encoder.encode("UPGRADE\nhello, new protocol")]] });
      await t.connect(await t.target(), "upgrade", {}, client);
      await within(client.finished, limit, "upgrade");
      noErrors(client, "upgrade");
      const text = decoder.decode(client.bytes());
      check(text === "OK\nhello, new protocol", `got ${JSON.stringify(text)}`);
    },
  },
  {
    name: "concurrency: 64 connections at once",
    async run(t, limit) {
      const target = await t.target();
      const runs = [];
      for (let i = 0; i < 64; i++) runs.push(echoRoundTrip(t, target, 32 * KiB + i, limit, `connection ${i}`));
      await Promise.all(runs);
    },
  },
  {
    name: 'reset: peer resets mid-write: one "closed", no further writes, no busy loop',
    async run(t, limit) {
      const client = new Firehose(patternBytes(0, 256 * KiB));
      const { session } = await t.connect(await t.target(), "reset", { after: 64 * KiB }, client);
      await within(client.finished, limit, "the write side to learn of the reset");
      await checkNoBusyLoop(t, client.activity, session, limit, "after the reset");
      check(client.closedResults <= 1, `"closed" was reported ${client.closedResults} times`);
      check(
        client.writesAfterClosed === 0,
        `the driver asked to write ${client.writesAfterClosed} times after "closed"`,
      );
      check(client.closedResults === 1 || client.errors.length > 0, "the reset was never reported");
    },
  },
  {
    name: 'write: peer hangs up mid-write: one "closed", then no more writes, no busy loop',
    async run(t, limit) {
      const client = new Firehose(patternBytes(0, 64 * KiB));
      const { session } = await t.connect(await t.target(), "hangup", { after: 128 * KiB }, client);
      await checkNoBusyLoop(t, client.activity, session, limit, "after the hang-up");
      check(
        client.writesAfterClosed === 0,
        `the driver asked to write ${client.writesAfterClosed} times after "closed"`,
      );
      check(client.closedResults <= 1, `"closed" was reported ${client.closedResults} times`);
      check(client.closedResults === 1 || client.errors.length > 0, "the hang-up was never reported");
    },
  },
  {
    name: "connect: a refused connect rejects with ConnectionLostError, code ECONNREFUSED",
    async run(t, limit) {
      const port = await t.refusedPort();
      const error = await within(
        t.connectRaw({ hostname: "127.0.0.1", port }, new Exchange()).then(
          () => undefined,
          (e: unknown) => e,
        ),
        limit,
        "refused connect",
      );
      check(error !== undefined, "connect to a closed port resolved");
      check(nameOf(error) === "ConnectionLostError", `rejected with ${nameOf(error)}`);
      check((error as { cause?: unknown }).cause !== undefined, "the runtime's error is not kept as cause");
      const code = (error as { code?: unknown }).code;
      check(code === "ECONNREFUSED", `the code is ${String(code)}, expected ECONNREFUSED (the fault table)`);
    },
  },
  {
    name: "connect: an aborted signal rejects with AbortedError",
    async run(t, limit) {
      const target = await t.target();
      const controller = new AbortController();
      controller.abort(new Error("test abort"));
      const error = await within(
        t.connect(target, "echo", {}, new Exchange(), { signal: controller.signal }).then(
          () => undefined,
          (e: unknown) => e,
        ),
        limit,
        "aborted connect",
      );
      check(nameOf(error) === "AbortedError", `rejected with ${nameOf(error)}`);
    },
  },
  {
    name: "connect: a throwing connection factory rejects connect and releases the socket",
    async run(t, limit) {
      const target = await t.target();
      const failure = new Error("factory failed");
      const error = await within(
        t
          .connect(target, "echo", {}, () => {
            throw failure;
          })
          .then(
            () => undefined,
            (e: unknown) => e,
          ),
        limit,
        "connect with a throwing factory",
      );
      check(error === failure, `connect rejected with ${nameOf(error)}, expected the factory's error`);
      if (target.local) {
        // The server accepted the socket; it must see it go away (the client released it).
        await eventually(() => t.acceptedClosed(), limit, "the server to see the client's socket released");
      }
    },
  },
  {
    name: "closed: settles when the protocol throws from nextWriteOperation",
    async run(t, limit) {
      const client = new Exchange();
      client.nextWriteOperation = () => {
        throw new Error("deliberate");
      };
      const { session } = await t.connect(await t.target(), "echo", {}, client);
      await within(session.closed, limit, "session.closed");
      check(client.errors.length === 1, `reportError was called ${client.errors.length} times`);
    },
  },
  {
    name: "idle timeout: TimeoutError, socket released",
    async run(t, limit) {
      const client = new Exchange({ halfClose: false });
      const { session } = await t.connect(await t.target(), "echo", {}, client, { idleTimeout: 150 });
      await within(session.closed, limit, "session.closed after idleTimeout");
      check(
        client.errors.length === 1 && nameOf(client.errors[0]) === "TimeoutError",
        `errors: ${client.errors.map(nameOf).join(", ")}`,
      );
    },
  },
  {
    name: "listener: close() drains connections, then aborts what is left",
    async run(t, limit) {
      if (!t.runtimeListens) throw new NotApplicable("the runtime under test does not listen in this run");
      const target = await t.target();
      const listener = t.listeners[t.listeners.length - 1];
      if (!listener) throw new Error("no listener");
      const idle = [new Exchange({ halfClose: false }), new Exchange({ halfClose: false })];
      for (const client of idle) await t.connect(target, "echo", {}, client);
      const stubborn = await t.connect(target, "stubborn", {}, new Exchange({ halfClose: false }));
      await sleep(20);
      const open = (): number => listener.connections;
      check(open() === 3, `listener.connections is ${open()}, expected 3`);
      await within(listener.close({ timeout: 200 }), limit, "listener.close");
      check(open() === 0, `listener.connections is ${open()} after close`);
      for (const client of idle) check(client.sawEof, "a well-behaved connection was not shut down gracefully");
      await within(stubborn.session.closed, limit, "the stubborn session to be aborted");
      const refused = await t
        .connectRaw(
          { ...(target.address.transport === "tcp" ? { hostname: "127.0.0.1", port: target.address.port } : {}) },
          new Exchange(),
        )
        .then(
          () => "connected",
          (e: unknown) => nameOf(e),
        );
      check(refused === "ConnectionLostError", `connecting after close: ${refused}`);
    },
  },
  {
    name: "listener: an aborted signal closes it",
    async run(t, limit) {
      if (!t.runtimeListens) throw new NotApplicable("the runtime under test does not listen in this run");
      const controller = new AbortController();
      const target = await t.target({ signal: controller.signal });
      const client = new Exchange({ halfClose: false });
      const { session } = await t.connect(target, "echo", {}, client);
      controller.abort();
      await within(session.closed, limit, "session.closed after the listener's signal aborted");
      check(client.sawEof, "the connection was not shut down");
    },
  },
  {
    name: "unix: echo over a unix socket",
    async run(t, limit) {
      const path = t.unixPath("echo");
      await echoRoundTrip(t, await t.target({ path }), 256 * KiB, limit, "unix echo");
    },
  },
  {
    name: "tls: echo with a verified certificate and ALPN",
    async run(t, limit) {
      const target = await t.target({ tls: { ...t.serverTls, alpnProtocols: ["sansio-test", "http/1.1"] } });
      const payload = patternBytes(0, 512 * KiB);
      const client = new Exchange({ send: writesOf(payload, 64 * KiB) });
      const tls = { ...target.tls, alpnProtocols: ["sansio-test"] };
      const { session } = await t.connect({ ...target, tls }, "echo", {}, client);
      await within(client.finished, limit, "tls echo");
      noErrors(client, "tls echo");
      checkBytes(client.bytes(), payload, "tls echo");
      if (target.local) check(session.alpnProtocol === "sansio-test", `ALPN negotiated ${session.alpnProtocol}`);
    },
  },
  {
    name: "tls: an untrusted certificate is rejected by default",
    async run(t, limit) {
      const target = await t.target({ tls: t.serverTls });
      const address = target.address;
      if (address.transport !== "tcp") throw new Error("expected TCP");
      const error = await within(
        t.connectRaw({ hostname: "127.0.0.1", port: address.port, tls: true }, new Exchange()).then(
          () => undefined,
          (e: unknown) => e,
        ),
        limit,
        "untrusted connect",
      );
      check(error !== undefined, "a certificate from an unknown CA was accepted");
      check(nameOf(error) === "ConnectionLostError", `rejected with ${nameOf(error)}`);
    },
  },
  {
    name: "tls: STARTTLS upgrades a live plain connection",
    async run(t, limit) {
      const clientTls = t.clientTls;
      const target = await t.target();
      const payload = patternBytes(2, 128 * KiB);
      let session: Session | undefined;
      const client = new StartTlsClient(payload, () => {
        if (!session) return Promise.reject(new Error("no session"));
        return session.startTls(clientTls);
      });
      const { record } = await t.connect(target, "starttls", {}, (s) => {
        session = s;
        return client;
      });
      await within(client.finished, limit, "echo after STARTTLS");
      if (client.refused) throw new NotApplicable("the remote server offers no STARTTLS");
      if (target.local) {
        const unsupported = record().errors.find((e) => nameOf(e) === "UnsupportedError");
        if (unsupported)
          throw new NotApplicable(`the server runtime cannot start TLS: ${(unsupported as Error).message}`);
      }
      noErrors(client, "STARTTLS");
      checkBytes(client.echo.bytes(), payload, "echo after STARTTLS");
    },
  },
  ...timerCases,
  ...observeCases,
  ...faultCases,
  ...listenCases,
  ...robustnessCases,
  ...stressCases,
];
