import type { Session } from "../runtime.js";
import type { ConformanceCase } from "./case.js";
import { Exchange } from "./clients.js";
import { echoRoundTrip, noErrors } from "./exchanges.js";
import { type CaseContext, check, eventually, NotApplicable, nameOf, sleep, within } from "./harness.js";
import { patternBytes } from "./pattern.js";
import {
  BothYielded,
  HoldingClient,
  MeteredWriter,
  type ProtocolCallback,
  protocolCallbacks,
  ThrowingClient,
} from "./robustness-protocols.js";

const KiB = 1024;
const MiB = 1024 * KiB;

/**
 * How far a writer may get ahead of a slow reader: bytes reported written but not yet read by the peer.
 * Loopback kernel buffers (send buffer up to 4 MiB, receive buffer up to 32 MiB with Linux's default
 * autotuning limits) plus an adapter's own bounded buffering fit; a driver that buffers what the
 * protocol writes without bound (reporting it written at once) does not.
 */
export const SLOW_READER_MAX_AHEAD = 40 * MiB;

/** Default concurrency of the stress tier. */
export const STRESS_CONNECTIONS = 10_000;

/** Connects at most this many at once in the stress tier (a loopback listen backlog is finite). */
const STRESS_CONNECTING = 200;

function describe(error: unknown): string {
  return `${nameOf(error)}: ${error instanceof Error ? error.message : String(error)}`;
}

function rss(): number | undefined {
  const process = (globalThis as { process?: { memoryUsage?: () => { rss: number } } }).process;
  try {
    return typeof process?.memoryUsage === "function" ? process.memoryUsage().rss : undefined;
  } catch {
    return undefined;
  }
}

/** Which server each throwing callback needs, and connect options that make the callback run. */
function throwingPlan(method: ProtocolCallback): { server: string; params: Record<string, number> } {
  if (method === "read" || method === "readEof") return { server: "generate", params: { bytes: 1000 } };
  return { server: "echo", params: {} };
}

/** Connects a client that throws from `method` once, and checks the driver's answer. */
async function throwFrom(t: CaseContext, method: ProtocolCallback, limit: number): Promise<string | undefined> {
  const target = await t.target();
  const client = new ThrowingClient(method);
  const { server, params } = throwingPlan(method);
  // reportError throws on the error an idle timeout reports.
  const options = method === "reportError" ? { idleTimeout: 100 } : {};
  let session: Session;
  try {
    ({ session } = await t.connect(target, server, params, client, options));
  } catch (error) {
    return `${method}: connect rejected with ${describe(error)}`;
  }
  try {
    await within(session.closed, limit, "session.closed");
  } catch {
    return `${method}: session.closed did not settle within ${limit} ms`;
  }
  await sleep(20);
  if (method === "reportError") {
    if (client.errors.length !== 1)
      return `${method}: reportError was called ${client.errors.length} times, expected 1`;
  } else {
    if (client.errors.length !== 1) {
      return `${method}: reportError was called ${client.errors.length} times, expected once with the thrown error`;
    }
    const reported = client.errors[0];
    const cause = (reported as { cause?: unknown } | undefined)?.cause;
    if (reported !== client.thrown && cause !== client.thrown) {
      return `${method}: reportError got ${describe(reported)}, not the thrown error (nor with it as cause)`;
    }
  }
  if (client.callsAfterError.length > 0) {
    return `${method}: the driver called ${client.callsAfterError.join(", ")} after reportError`;
  }
  return undefined;
}

/** Cases a robust adapter passes: resumes after close, throwing callbacks, a slow reader's memory. */
export const robustnessCases: readonly ConformanceCase[] = [
  {
    name: "close: close() while both sides are yielded: no resume reaches the released connection",
    async run(t, limit) {
      const client = new BothYielded();
      const { session } = await t.connect(await t.target(), "echo", {}, client);
      await eventually(() => client.bothYielded, limit, "both sides of the client to yield");
      client.markClosed();
      session.close();
      try {
        client.resumeBoth(); // while the socket is being released
      } catch (error) {
        throw new Error(`a resume threw during close(): ${describe(error)}`);
      }
      await within(session.closed, limit, "session.closed after close()");
      try {
        client.resumeBoth(); // after it was released
      } catch (error) {
        throw new Error(`a resume threw after the session closed: ${describe(error)}`);
      }
      await sleep(50);
      check(client.lateCalls.length === 0, `the driver called ${client.lateCalls.join(", ")} after close()`);
      check(client.errors.length <= 1, `reportError was called ${client.errors.length} times`);
    },
  },
  {
    name: "close: a server session closed while both sides are yielded gets no late calls",
    async run(t, limit) {
      if (!t.runtimeListens) throw new NotApplicable("the runtime under test does not listen in this run");
      // The client keeps reading, so it sees the server's close.
      const client = new Exchange({ halfClose: false });
      const { session, record } = await t.connect(await t.target(), "close-while-yielded", {}, client);
      await within(session.closed, limit, "the client's session.closed after the server closed");
      const seen = record();
      await eventually(() => seen.finished === true, limit, "the server's check");
      const late = seen.errors.filter((e) => e instanceof Error && e.message.startsWith("late call"));
      check(late.length === 0, `the server's driver made ${late.map((e) => (e as Error).message).join(", ")}`);
      const reported = seen.errors.length - late.length;
      check(reported <= 1, `the server protocol's reportError was called ${reported} times`);
    },
  },
  {
    name: "errors: the protocol throws from each of its callbacks in turn: reported once, released, others served",
    async run(t, limit) {
      const failures: string[] = [];
      for (const method of protocolCallbacks) {
        const failure = await throwFrom(t, method, limit);
        if (failure) failures.push(failure);
      }
      check(failures.length === 0, failures.join("; "));
      await echoRoundTrip(t, await t.target(), 64 * KiB, limit, "a connection after the throwing ones");
    },
  },
  {
    name: "errors: a protocol throwing from shutdown() is released by listener.close()",
    async run(t, limit) {
      if (!t.runtimeListens) throw new NotApplicable("the runtime under test does not listen in this run");
      const target = await t.target();
      const listener = t.listeners[t.listeners.length - 1];
      if (!listener) throw new Error("no listener");
      const { session, record } = await t.connect(target, "throwing-shutdown", {}, new Exchange({ halfClose: false }));
      const dispatched = (): boolean => {
        try {
          record();
          return true;
        } catch {
          return false;
        }
      };
      await eventually(dispatched, limit, "the server to start the throwing protocol");
      await within(listener.close({ timeout: 5000 }), limit, "listener.close");
      const seen = record();
      check(seen.shutdownCalled, "shutdown() was never called");
      check(listener.connections === 0, `listener.connections is ${listener.connections} after close`);
      check(seen.errors.length === 1, `the server protocol's reportError was called ${seen.errors.length} times`);
      await within(session.closed, limit, "the client's session.closed");
    },
  },
  {
    name: "write: a slow reader of a 64 MiB stream: the writer stays within bounded buffering",
    async run(t, limit) {
      const total = 64 * MiB;
      const startRss = rss();
      let peakRss = startRss ?? 0;
      let reports = 0;
      const block = patternBytes(0, MiB);
      const client = new MeteredWriter(total, block, SLOW_READER_MAX_AHEAD, () => {
        if (startRss !== undefined && ++reports % 64 === 0) peakRss = Math.max(peakRss, rss() ?? 0);
      });
      const { session } = await t.connect(await t.target(), "slow-progress", { chunk: 256 * KiB, delay: 2 }, client);
      await within(client.finished, limit, "the slow reader to read 64 MiB");
      const growth = startRss === undefined ? "no RSS reading" : `RSS +${((peakRss - startRss) / MiB).toFixed(1)} MiB`;
      t.measured(`at most ${(client.maxAhead / MiB).toFixed(2)} MiB written ahead of the reader; ${growth}`);
      if (client.overrun) session.close();
      check(
        !client.overrun,
        `the driver reported ${(client.maxAhead / MiB).toFixed(1)} MiB written that the reader had not read (at most ${SLOW_READER_MAX_AHEAD / MiB} MiB): it buffers without bound`,
      );
      noErrors(client, "slow reader");
      check(client.written === total, `write results add up to ${client.written}, expected ${total}`);
      check(client.peerRead === total, `the reader read ${client.peerRead} bytes, expected ${total}`);
      let sum = 0;
      for (let i = 0; i < total / MiB; i++) for (const byte of block) sum = (sum * 31 + byte) >>> 0;
      check(
        client.peerSum === sum,
        `the reader's checksum is ${client.peerSum}, expected ${sum}: bytes were lost or reordered`,
      );
      await within(session.closed, limit, "session.closed");
    },
  },
];

/** Opens `count` held connections (at most {@link STRESS_CONNECTING} connecting at once). */
async function openHeld(
  t: CaseContext,
  count: number,
  limit: number,
): Promise<{ clients: HoldingClient[]; sessions: Session[] }> {
  const target = await t.target();
  const clients: HoldingClient[] = [];
  const sessions: Session[] = [];
  const hello = new TextEncoder().encode("hello, stress\n");
  let next = 0;
  const failures: string[] = [];
  const worker = async (): Promise<void> => {
    while (next < count && failures.length === 0) {
      next++;
      const client = new HoldingClient(hello);
      try {
        const { session } = await t.connect(target, "echo", {}, client);
        clients.push(client);
        sessions.push(session);
        await within(client.ready, limit, "an echo");
      } catch (error) {
        failures.push(`connection ${clients.length + 1}: ${describe(error)}`);
      }
    }
  };
  await Promise.all(Array.from({ length: STRESS_CONNECTING }, worker));
  if (failures.length > 0) {
    for (const client of clients) client.release();
    throw new Error(`${clients.length} of ${count} connections opened, then ${failures[0]}`);
  }
  return { clients, sessions };
}

/** The heavier tier, run only with `ConformanceOptions.stress` (n.a. otherwise). */
export const stressCases: readonly ConformanceCase[] = [
  {
    name: "stress: 10,000 concurrent connections, each echoed, all open at once, all released",
    async run(t, limit) {
      const count = t.options.stressConnections ?? STRESS_CONNECTIONS;
      const started = Date.now();
      const { clients, sessions } = await openHeld(t, count, limit);
      const opened = Date.now();
      const failed = clients.filter((c) => c.errors.length > 0 || c.received < 14);
      check(failed.length === 0, `${failed.length} of ${count} connections failed or got no echo`);
      if (t.runtimeListens) {
        const listener = t.listeners[t.listeners.length - 1];
        check(
          listener?.connections === count,
          `the listener holds ${listener?.connections} connections, expected ${count}`,
        );
      }
      for (const client of clients) client.release();
      await within(Promise.all(sessions.map((s) => s.closed)), limit, `all ${count} sessions to close`);
      const errors = clients.filter((c) => c.errors.length > 0);
      check(
        errors.length === 0,
        `${errors.length} connections failed while closing: ${describe(errors[0]?.errors[0])}`,
      );
      t.measured(
        `${count} connections: opened and echoed in ${opened - started} ms, released in ${Date.now() - opened} ms`,
      );
    },
  },
];
