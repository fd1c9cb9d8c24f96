import type { Connection, ReadOperation, WriteOperation, WriteResult } from "../connection.js";
import { advanceIovecs, iovecsLength } from "../iovec.js";
import type { Listener, ListenOptions, Session } from "../runtime.js";
import type { ConformanceCase } from "./case.js";
import { Exchange } from "./clients.js";
import { type CaseContext, check, checkBytes, eventually, NotApplicable, type Target, within } from "./harness.js";
import { patternBytes } from "./pattern.js";

/**
 * An echo client that stays open between exchanges: `send(bytes)` writes them and resolves once the
 * echo has come back; `end()` half-closes. It shows that a connection keeps being served while the
 * listener turns others away.
 */
class HeldEchoClient implements Connection {
  readonly errors: unknown[] = [];
  receivedBytes = 0;
  readonly #received: Uint8Array[] = [];
  #queue: (readonly Uint8Array[])[] = [];
  #inFlight: readonly Uint8Array[] | undefined;
  #sentBytes = 0;
  #state: "open" | "ending" | "closed" = "open";
  #eof = false;
  #readResume: (() => void) | undefined;
  #writeResume: (() => void) | undefined;
  #waiting: { readonly bytes: number; readonly resolve: () => void } | undefined;

  /** Sends `bytes` and resolves once as many bytes came back as were sent so far. */
  send(bytes: Uint8Array): Promise<void> {
    this.#queue.push([bytes]);
    this.#sentBytes += bytes.length;
    const done = new Promise<void>((resolve) => {
      this.#waiting = { bytes: this.#sentBytes, resolve };
    });
    this.#wake();
    this.#settle();
    return done;
  }

  /** Half-closes once everything queued was written. */
  end(): void {
    if (this.#state === "open") this.#state = "ending";
    this.#wake();
  }

  /** Everything received, in one array. */
  bytes(): Uint8Array {
    const out = new Uint8Array(this.receivedBytes);
    let at = 0;
    for (const part of this.#received) {
      out.set(part, at);
      at += part.length;
    }
    return out;
  }

  nextReadOperation(): ReadOperation {
    return this.#eof ? "close" : "read";
  }
  read(buffer: Uint8Array, offset: number, length: number): number {
    this.#take(buffer, offset, length);
    return length;
  }
  readEof(buffer: Uint8Array, offset: number, length: number): number {
    this.#take(buffer, offset, length);
    this.#eof = true;
    return length;
  }
  yieldReader(resume: () => void): void {
    this.#readResume = resume;
  }
  nextWriteOperation(): WriteOperation {
    if (this.#state === "closed") return { kind: "close" };
    const next = this.#queue[0];
    if (next) {
      this.#inFlight = next;
      return { kind: "write", iovecs: next };
    }
    if (this.#state === "ending" || this.#eof) {
      this.#state = "closed";
      return { kind: "close" };
    }
    return { kind: "yield" };
  }
  reportWriteResult(result: WriteResult): void {
    if (result === "closed") {
      this.#state = "closed";
      this.#queue = [];
      return;
    }
    const rest = advanceIovecs(this.#inFlight ?? [], result);
    if (iovecsLength(rest) === 0) this.#queue.shift();
    else this.#queue[0] = rest;
    this.#inFlight = undefined;
  }
  yieldWriter(resume: () => void): void {
    this.#writeResume = resume;
  }
  reportError(error: unknown): void {
    this.errors.push(error);
    this.#eof = true;
    this.#state = "closed";
  }
  isClosed(): boolean {
    return this.#eof && this.#state === "closed";
  }
  shutdown(): void {
    this.end();
  }

  #take(buffer: Uint8Array, offset: number, length: number): void {
    if (length === 0) return;
    this.#received.push(buffer.slice(offset, offset + length));
    this.receivedBytes += length;
    this.#settle();
  }
  #settle(): void {
    const waiting = this.#waiting;
    if (waiting && this.receivedBytes >= waiting.bytes) {
      this.#waiting = undefined;
      waiting.resolve();
    }
  }
  #wake(): void {
    const resume = this.#writeResume;
    this.#writeResume = undefined;
    resume?.();
    const read = this.#readResume;
    this.#readResume = undefined;
    read?.();
  }
}

/** True when `error` is the runtime saying it lacks a listen option (the contract's answer when it cannot keep it). */
function isUnsupported(error: unknown): boolean {
  return error instanceof Error && error.name === "UnsupportedError";
}

/** A listener in this process with `listen` options, or `undefined` when the runtime refuses them with `UnsupportedError`. */
async function localTarget(
  t: CaseContext,
  listen: ListenOptions,
): Promise<{ target: Target; listener: Listener } | undefined> {
  let target: Target;
  try {
    target = await t.target(listen);
  } catch (error) {
    if (isUnsupported(error)) return undefined;
    throw error;
  }
  const listener = t.listeners[t.listeners.length - 1];
  if (!listener || !target.local) throw new NotApplicable("needs the listener in this process");
  return { target, listener };
}

/** Opens a held echo connection and checks one exchange on it. */
async function holdOpen(t: CaseContext, target: Target, seed: number, limit: number): Promise<HeldEchoClient> {
  const client = new HeldEchoClient();
  await t.connect(target, "echo", {}, client);
  await within(client.send(patternBytes(seed, 1000)), limit, `held connection ${seed}: first echo`);
  return client;
}

/**
 * Connects a client that sends bytes and never half-closes; resolves with what it received once the
 * server ended it. A connect that fails outright (a reset before it was established) counts as ended.
 */
async function turnedAway(t: CaseContext, target: Target, limit: number): Promise<number> {
  const client = new Exchange({ send: [[patternBytes(7, 100)]], halfClose: false });
  let session: Session;
  try {
    ({ session } = await t.connect(target, "echo", {}, client));
  } catch {
    return 0;
  }
  await within(session.closed, limit, "a connection past maxConnections to be closed by the server");
  return client.receivedBytes;
}

const LIMIT = 3;
const FLOOD = 20;

/** Listener limits (`maxConnections`, `reusePort`) as every runtime must keep them. */
export const listenCases: readonly ConformanceCase[] = [
  {
    name: "listen: maxConnections: a flood past it is closed and counted, held connections keep echoing",
    async run(t, limit) {
      const local = await localTarget(t, { maxConnections: LIMIT });
      if (!local) return; // The runtime refuses maxConnections with UnsupportedError: never silently ignored.
      const { target, listener } = local;
      const held: HeldEchoClient[] = [];
      for (let i = 0; i < LIMIT; i++) held.push(await holdOpen(t, target, i, limit));
      check(listener.connections === LIMIT, `the listener has ${listener.connections} connections, expected ${LIMIT}`);

      const flood = await Promise.all(Array.from({ length: FLOOD }, () => turnedAway(t, target, limit)));
      const echoed = flood.filter((bytes) => bytes > 0).length;
      check(echoed === 0, `${echoed} of ${FLOOD} connections past maxConnections were served`);
      await eventually(
        () => listener.counters.rejected === FLOOD,
        limit,
        `counters.rejected to reach ${FLOOD} (it is ${listener.counters.rejected})`,
      );
      check(
        listener.counters.accepted === LIMIT,
        `counters.accepted is ${listener.counters.accepted}, expected ${LIMIT}`,
      );

      for (const [i, client] of held.entries()) {
        await within(client.send(patternBytes(10 + i, 5000)), limit, `held connection ${i}: echo after the flood`);
        checkBytes(
          client.bytes().subarray(1000),
          patternBytes(10 + i, 5000),
          `held connection ${i}: echo after the flood`,
        );
        check(client.errors.length === 0, `held connection ${i} got an error`);
      }

      const first = held.shift() as HeldEchoClient;
      first.end();
      await eventually(() => listener.connections === LIMIT - 1, limit, "the ended connection to be released");
      const again = await holdOpen(t, target, 99, limit);
      check(listener.counters.accepted === LIMIT + 1, "a connection below the limit again was not accepted");
      for (const client of [...held, again]) client.end();
      await eventually(() => listener.connections === 0, limit, "every held connection to be released");
    },
  },
  {
    name: "listen: reusePort: two listeners share one port and both accept (or UnsupportedError)",
    async run(t, limit) {
      const first = await localTarget(t, { reusePort: true });
      if (!first) return; // The runtime has no SO_REUSEPORT and says so with UnsupportedError.
      const address = first.target.address;
      if (address.transport !== "tcp") throw new Error("expected a TCP listener");
      const second = await localTarget(t, { reusePort: true, port: address.port });
      check(second !== undefined, "reusePort was granted once but refused for a second listener");
      check(
        second.target.address.transport === "tcp" && second.target.address.port === address.port,
        "the second listener is not on the same port",
      );
      const clash = await t.serverRuntime
        .listen({ hostname: address.hostname, port: address.port }, () => new Exchange())
        .then(
          (listener) => listener.close().then(() => "bound" as const),
          () => "refused" as const,
        );
      check(clash === "refused", "a listener without reusePort bound a port two reusePort listeners hold");

      // The kernel spreads connections by a hash of each one's addresses: within 64, both get some.
      const listeners = [first.listener, second.listener];
      for (let i = 0; i < 64 && listeners.some((l) => l.counters.accepted === 0); i++) {
        await echoOnce(t, first.target, i, limit);
      }
      for (const [i, listener] of listeners.entries()) {
        check(listener.counters.accepted > 0, `listener ${i + 1} of 2 accepted nothing in 64 connections`);
      }
      await first.listener.close();
      const before = second.listener.counters.accepted;
      await echoOnce(t, first.target, 100, limit);
      check(
        second.listener.counters.accepted === before + 1,
        "the remaining listener did not take the next connection",
      );
    },
  },
];

/** One short echo round trip on a fresh connection. */
async function echoOnce(t: CaseContext, target: Target, seed: number, limit: number): Promise<void> {
  const payload = patternBytes(seed, 200);
  const client = new Exchange({ send: [[payload]] });
  const { session } = await t.connect(target, "echo", {}, client);
  await within(client.finished, limit, "echo");
  checkBytes(client.bytes(), payload, "echo");
  await within(session.closed, limit, "session.closed");
}
