import type { Connection, ReadOperation, WriteOperation, WriteResult } from "../connection.js";
import { errorCode, TLS_HANDSHAKE_REFUSED } from "../errors.js";
import type { ConnectOptions, Session } from "../runtime.js";
import type { ConformanceCase } from "./case.js";
import { PlainSpeaker, RESETS } from "./fault-servers.js";
import { type CaseContext, check, eventually, NotApplicable, nameOf, sleep, within } from "./harness.js";
import { patternByte } from "./pattern.js";

const KiB = 1024;
/** What an idle client sends for the peer to leave unread (its close is then a reset on every runtime). */
const IDLE_PADDING = 256 * KiB;

/** What the fault client does with its write side. */
type WritePlan =
  /** Writes the same block again and again until "closed" (the victim of a reset while writing). */
  | { readonly kind: "firehose"; readonly block: number }
  /** Writes `padding` bytes once the first byte arrived (left unread by the peer), then nothing. */
  | { readonly kind: "idle"; readonly padding: number; readonly announced?: boolean }
  /** Writes `bytes` after the peer's FIN, then half-closes. */
  | { readonly kind: "after-eof"; readonly bytes: number };

/** One signal the driver gave the protocol, in order (bytes are counted, not listed one by one). */
type Signal = "bytes" | "closed" | "eof" | "error";

/**
 * The client of the fault cases: it consumes every byte (checking the conformance pattern), and keeps
 * the transcript of what the driver told it: bytes, write results, `readEof`, `reportError`.
 */
class FaultClient implements Connection {
  readonly signals: Signal[] = [];
  readonly errors: unknown[] = [];
  received = 0;
  /** The first byte that broke the pattern, or -1. */
  corruptAt = -1;
  closedResults = 0;
  eofs = 0;
  /** Write operations asked for after "closed" or after the error (must stay 0). */
  callsAfterEnd = 0;
  bytesWritten = 0;
  /** What an announcing peer said of itself: true when its close can be a reset. */
  peerResets: boolean | undefined;
  /** Settles once the connection heard its error, or finished both ways cleanly. */
  readonly finished: Promise<void>;
  readonly #plan: WritePlan;
  #block: Uint8Array | undefined;
  #padSent = false;
  #writeClosed = false;
  #failed = false;
  #writeResume: (() => void) | undefined;
  #resolve!: () => void;

  constructor(plan: WritePlan) {
    this.#plan = plan;
    this.finished = new Promise((resolve) => {
      this.#resolve = resolve;
    });
  }

  /** The transcript with runs of "bytes" folded into one: e.g. `bytes closed bytes error`. */
  transcript(): string {
    const out: Signal[] = [];
    for (const signal of this.signals) if (signal !== "bytes" || out[out.length - 1] !== "bytes") out.push(signal);
    return out.join(" ");
  }

  nextReadOperation(): ReadOperation {
    return this.eofs > 0 || this.#failed ? "close" : "read";
  }
  read(buffer: Uint8Array, offset: number, length: number): number {
    this.#take(buffer, offset, length);
    return length;
  }
  readEof(buffer: Uint8Array, offset: number, length: number): number {
    this.#take(buffer, offset, length);
    this.eofs++;
    this.signals.push("eof");
    this.#wakeWriter();
    this.#check();
    return length;
  }
  yieldReader(): void {}
  nextWriteOperation(): WriteOperation {
    if (this.#writeClosed || this.#failed) {
      this.callsAfterEnd++;
      return { kind: "close" };
    }
    const plan = this.#plan;
    if (plan.kind === "firehose") {
      this.#block ??= new Uint8Array(plan.block).fill(0x61);
      return { kind: "write", iovecs: [this.#block] };
    }
    if (plan.kind === "idle") {
      if (this.received > 0 && !this.#padSent && plan.padding > 0) {
        this.#padSent = true;
        this.#block = new Uint8Array(plan.padding).fill(0x70);
      }
      if (this.#block && this.#block.length > 0) return { kind: "write", iovecs: [this.#block] };
      return { kind: "yield" };
    }
    if (this.eofs === 0) return { kind: "yield" };
    if (!this.#padSent) {
      this.#padSent = true;
      this.#block = new Uint8Array(plan.bytes).fill(0x62);
    }
    if (this.#block && this.#block.length > 0) return { kind: "write", iovecs: [this.#block] };
    this.#writeClosed = true;
    this.#check();
    return { kind: "close" };
  }
  reportWriteResult(result: WriteResult): void {
    if (result === "closed") {
      this.closedResults++;
      this.signals.push("closed");
      this.#writeClosed = true;
      return;
    }
    this.bytesWritten += result;
    if (this.#plan.kind !== "firehose" && this.#block) this.#block = this.#block.subarray(result);
  }
  yieldWriter(resume: () => void): void {
    this.#writeResume = resume;
  }
  reportError(error: unknown): void {
    this.errors.push(error);
    this.signals.push("error");
    this.#failed = true;
    this.#resolve();
  }
  isClosed(): boolean {
    return this.#failed || (this.eofs > 0 && this.#writeClosed);
  }
  shutdown(): void {
    this.#writeClosed = true;
    this.#wakeWriter();
  }

  #take(buffer: Uint8Array, offset: number, length: number): void {
    if (length === 0) return;
    if (this.#plan.kind === "idle" && this.#plan.announced && this.peerResets === undefined) {
      this.peerResets = buffer[offset] === RESETS;
      offset++;
      length--;
      if (length === 0) return;
    }
    if (this.corruptAt < 0) {
      for (let i = 0; i < length; i++) {
        if (buffer[offset + i] !== patternByte(this.received + i)) {
          this.corruptAt = this.received + i;
          break;
        }
      }
    }
    this.received += length;
    this.signals.push("bytes");
    if (this.#plan.kind === "idle") this.#wakeWriter();
  }
  #wakeWriter(): void {
    const resume = this.#writeResume;
    this.#writeResume = undefined;
    resume?.();
  }
  #check(): void {
    if (this.eofs > 0 && this.#writeClosed) this.#resolve();
  }
}

/**
 * Waits for the announcing peer's first byte; n.a. when the peer cannot reset (it runs on Deno, whose
 * close sends a FIN first: its client rightly sees a clean end).
 */
async function skipUnlessPeerResets(client: FaultClient, session: Session, limit: number): Promise<void> {
  await eventually(
    () => client.peerResets !== undefined || client.errors.length > 0,
    Math.floor(limit / 2),
    "the peer's first byte",
  );
  if (client.peerResets !== false) return;
  session.close();
  await within(session.closed, limit, "session.closed");
  throw new NotApplicable("the peer runs on Deno, whose close() sends a FIN before the reset (no SO_LINGER)");
}

/** Waits for the client to finish; on a timeout the message carries what it was told so far. */
async function untilFinished(client: FaultClient, limit: number, what: string): Promise<void> {
  try {
    await within(client.finished, Math.floor(limit * 0.75), what);
  } catch (error) {
    const detail = `received ${client.received}, wrote ${client.bytesWritten}, signals: ${client.transcript()}`;
    throw new Error(`${error instanceof Error ? error.message : String(error)} (${detail})`);
  }
}

/** Checks the one error the fault table promises: its class and `code`. */
function checkError(client: FaultClient, name: string, code: string | undefined, what: string): void {
  check(client.errors.length === 1, `${what}: reportError was called ${client.errors.length} times, expected once`);
  const error = client.errors[0];
  check(nameOf(error) === name, `${what}: the error is ${nameOf(error)}, expected ${name}`);
  if (code !== undefined) {
    const got = (error as { code?: unknown }).code;
    const message = error instanceof Error ? error.message : String(error);
    check(
      got === code,
      `${what}: the error's code is ${String(got)}, expected ${code} ("${message}", cause: ${causeOf(error)})`,
    );
  }
}

function causeOf(error: unknown): string {
  const cause = (error as { cause?: unknown }).cause;
  if (cause === undefined) return "none";
  return `${nameOf(cause)} ${String(errorCode(cause))}: ${cause instanceof Error ? cause.message : String(cause)}`;
}

function checkPattern(client: FaultClient, what: string): void {
  check(client.corruptAt < 0, `${what}: received byte ${client.corruptAt} is not the peer's`);
}

/** Checks that after the end nothing more was asked or told (waits a little for stragglers first). */
async function checkQuietAfter(client: FaultClient, what: string): Promise<void> {
  const signals = client.signals.length;
  await sleep(30);
  check(client.signals.length === signals, `${what}: signals after the end: ${client.transcript()}`);
  check(client.callsAfterEnd <= 1, `${what}: the driver asked to write ${client.callsAfterEnd} times after the end`);
}

/** The client writes without pause; the peer sends `reply` bytes, then resets (never reading). */
async function resetWhileWriting(t: CaseContext, limit: number, tls: boolean): Promise<void> {
  const reply = 64 * KiB;
  const client = new FaultClient({ kind: "firehose", block: 64 * KiB });
  const target = tls ? await t.target({ tls: t.serverTls }) : await t.target();
  const { session } = await t.connect(target, "fault", { reply, ending: "reset", delay: 200 }, client);
  await untilFinished(client, limit, "the reset to reach the protocol");
  await within(session.closed, limit, "session.closed after the reset");
  const what = `reset while writing${tls ? " over TLS" : ""} (${client.transcript()})`;
  checkPattern(client, what);
  check(client.received === reply, `${what}: ${client.received} of the ${reply} bytes sent before the reset`);
  check(client.closedResults === 1, `${what}: "closed" was reported ${client.closedResults} times`);
  check(client.eofs === 0, `${what}: a reset was reported as a clean end (readEof)`);
  checkError(client, "ConnectionLostError", "ECONNRESET", what);
  check(client.signals[client.signals.length - 1] === "error", `${what}: the error is not the last signal`);
  await checkQuietAfter(client, what);
}

/** Connects expecting a rejection; resolves with the error (or undefined when it connected). */
function refusal(t: CaseContext, options: ConnectOptions, limit: number): Promise<unknown> {
  return within(
    t.connectRaw(options, new FaultClient({ kind: "idle", padding: 0 })).then(
      () => undefined,
      (e: unknown) => e,
    ),
    limit,
    "the TLS handshake to be refused",
  );
}

/** What is wrong with a refused TLS connect: it must be `ConnectionLostError` with the code of its reason. */
function refusalProblems(error: unknown, code: string, what: string): string[] {
  if (error === undefined) return [`${what} was accepted`];
  if (nameOf(error) !== "ConnectionLostError") return [`${what}: rejected with ${nameOf(error)}`];
  const got = (error as { code?: unknown }).code;
  if (got === code) return [];
  const message = error instanceof Error ? error.message : String(error);
  return [`${what}: code ${String(got)}, expected ${code} ("${message}", cause: ${causeOf(error)})`];
}

/**
 * The fault table (docs/FAULTS.md, `Connection` TSDoc): for each fault, the exact write results, the
 * `reportError` calls and what happens to bytes already received, the same on every runtime (issue 14).
 */
export const faultCases: readonly ConformanceCase[] = [
  {
    name: 'fault: peer reset while we write: every byte received is offered, one "closed", then one ECONNRESET',
    run: (t, limit) => resetWhileWriting(t, limit, false),
  },
  {
    name: 'tls: fault: peer reset while we write over TLS: every byte received is offered, one "closed", then one ECONNRESET',
    run: (t, limit) => resetWhileWriting(t, limit, true),
  },
  {
    name: 'fault: peer reset while idle: every byte received is offered, then one ECONNRESET, no "closed"',
    async run(t, limit) {
      const reply = 16 * KiB;
      // More than a push runtime reads ahead into a paused socket (Node: 64 KiB past its high-water
      // mark), so some of it stays unread in the peer's kernel and its close is a reset.
      const client = new FaultClient({ kind: "idle", padding: IDLE_PADDING, announced: true });
      const { session } = await t.connect(
        await t.target(),
        "fault",
        { reply, ending: "reset", delay: 300, announce: true },
        client,
      );
      await skipUnlessPeerResets(client, session, limit);
      await untilFinished(client, limit, "the reset to reach the protocol");
      await within(session.closed, limit, "session.closed after the reset");
      const what = `reset while idle (${client.transcript()})`;
      checkPattern(client, what);
      check(client.received === reply, `${what}: ${client.received} of the ${reply} bytes sent before the reset`);
      check(
        client.bytesWritten === IDLE_PADDING,
        `${what}: our ${IDLE_PADDING} bytes were not all written (${client.bytesWritten}): not idle`,
      );
      check(client.closedResults === 0, `${what}: "closed" was reported with no write in flight`);
      check(client.eofs === 0, `${what}: a reset was reported as a clean end (readEof)`);
      checkError(client, "ConnectionLostError", "ECONNRESET", what);
      await checkQuietAfter(client, what);
    },
  },
  {
    name: "fault: peer reset while we read: an unbroken prefix of the stream, then one ECONNRESET",
    async run(t, limit) {
      const reply = 4 * 1024 * KiB;
      const client = new FaultClient({ kind: "idle", padding: IDLE_PADDING, announced: true });
      const { session } = await t.connect(
        await t.target(),
        "fault",
        { reply, ending: "reset-midway", after: 512 * KiB, announce: true },
        client,
      );
      await skipUnlessPeerResets(client, session, limit);
      await untilFinished(client, limit, "the reset to reach the protocol");
      await within(session.closed, limit, "session.closed after the reset");
      const what = `reset while reading (${client.transcript()})`;
      checkPattern(client, what);
      check(client.received < reply, `${what}: all ${reply} bytes arrived although the peer reset midway`);
      // Our padding may still be on its way (the peer does not read it): that write hears "closed".
      const inFlight = client.bytesWritten < IDLE_PADDING ? 1 : 0;
      check(
        client.closedResults === inFlight,
        `${what}: "closed" ${client.closedResults} times, ${inFlight} writes in flight`,
      );
      check(client.eofs === 0, `${what}: a reset was reported as a clean end (readEof)`);
      checkError(client, "ConnectionLostError", "ECONNRESET", what);
      await checkQuietAfter(client, what);
    },
  },
  {
    name: "fault: peer FIN: every byte, one readEof, no error, and our writes still arrive",
    async run(t, limit) {
      const reply = 64 * KiB;
      const after = 8 * KiB;
      const client = new FaultClient({ kind: "after-eof", bytes: after });
      const target = await t.target();
      const { session, record } = await t.connect(target, "fault", { reply, ending: "fin" }, client);
      await untilFinished(client, limit, "the FIN and our own close");
      await within(session.closed, limit, "session.closed after both FINs");
      const what = `peer FIN (${client.transcript()})`;
      checkPattern(client, what);
      check(client.received === reply, `${what}: received ${client.received} of ${reply} bytes`);
      check(client.eofs === 1, `${what}: readEof was called ${client.eofs} times`);
      check(client.errors.length === 0, `${what}: reportError(${nameOf(client.errors[0])}) after a clean FIN`);
      check(client.closedResults === 0, `${what}: a write after the peer's FIN got "closed"`);
      check(client.bytesWritten === after, `${what}: wrote ${client.bytesWritten} of ${after} bytes after the FIN`);
      if (target.local) {
        const seen = record();
        await eventually(() => seen.sawEof, limit, "the peer to read our bytes and EOF");
        check(seen.bytesRead === after, `${what}: the peer read ${seen.bytesRead} of our ${after} bytes`);
      }
      await checkQuietAfter(client, what);
    },
  },
  {
    name: 'fault: local close() while writing: one ConnectionClosedError, no "closed", no readEof',
    async run(t, limit) {
      const client = new FaultClient({ kind: "firehose", block: 64 * KiB });
      const { session } = await t.connect(await t.target(), "fault", { ending: "silent" }, client);
      await eventually(() => client.bytesWritten >= 64 * KiB, limit, "the first 64 KiB to be written");
      session.close();
      await within(session.closed, limit, "session.closed after close()");
      await untilFinished(client, limit, "the close to reach the protocol");
      const what = `local close (${client.transcript()})`;
      check(client.closedResults === 0, `${what}: "closed" was reported for our own close`);
      check(client.eofs === 0, `${what}: readEof after our own close`);
      checkError(client, "ConnectionClosedError", undefined, what);
      await checkQuietAfter(client, what);
    },
  },
  {
    name: 'fault: idle timeout: one TimeoutError, no "closed", no readEof',
    async run(t, limit) {
      const client = new FaultClient({ kind: "idle", padding: 0 });
      const { session } = await t.connect(await t.target(), "fault", { ending: "silent" }, client, {
        idleTimeout: 150,
      });
      await untilFinished(client, limit, "the idle timeout");
      await within(session.closed, limit, "session.closed after the idle timeout");
      const what = `idle timeout (${client.transcript()})`;
      check(client.closedResults === 0, `${what}: "closed" was reported`);
      check(client.eofs === 0, `${what}: readEof after a timeout`);
      checkError(client, "TimeoutError", undefined, what);
      await checkQuietAfter(client, what);
    },
  },
  {
    name: "tls: fault: handshake refusals: one code per reason (untrusted, wrong host name, not TLS at all)",
    async run(t, limit) {
      const target = await t.target({ tls: t.serverTls });
      const address = target.address;
      if (address.transport !== "tcp") throw new Error("expected TCP");
      const where = { hostname: "127.0.0.1", port: address.port };
      const problems: string[] = [];
      const skipped: string[] = [];
      const expect = async (options: ConnectOptions, code: string, what: string): Promise<void> => {
        const error = await refusal(t, options, limit);
        const got = (error as { code?: unknown } | undefined)?.code;
        // The TLS port listens: "refused" means the runtime could not reach it with these options (Workers'
        // global outbound, the only way to use the public roots there, may not reach loopback).
        if (got === "ECONNREFUSED") skipped.push(`${what}: the runtime cannot reach the server this way`);
        // A runtime that does not tell why (workerd) says only that the handshake was refused.
        else if (got === TLS_HANDSHAKE_REFUSED && nameOf(error) === "ConnectionLostError") {
          skipped.push(`${what}: the runtime does not tell the reason (${TLS_HANDSHAKE_REFUSED})`);
        } else problems.push(...refusalProblems(error, code, what));
      };
      await expect({ ...where, tls: true }, "CERT_UNTRUSTED", "a certificate from an unknown CA");
      await expect(
        { ...where, tls: { ...t.clientTls, serverName: "wrong.sansio.invalid" } },
        "ERR_TLS_CERT_ALTNAME_INVALID",
        "a certificate for another host name",
      );
      // A port that answers in plain text (needs a server in this process).
      try {
        const plain = await t.serverRuntime.listen({ hostname: "127.0.0.1", port: 0 }, () => new PlainSpeaker());
        t.listeners.push(plain);
        const at = plain.address;
        if (at.transport !== "tcp") throw new Error("expected TCP");
        await expect(
          { hostname: "127.0.0.1", port: at.port, tls: t.clientTls },
          "EPROTO",
          "a server that does not speak TLS",
        );
      } catch (error) {
        if (!(error instanceof NotApplicable)) throw error;
        skipped.push(`a server that does not speak TLS: ${error.message}`);
      }
      check(problems.length === 0, problems.join("; "));
      if (skipped.length === 3) throw new NotApplicable(skipped.join("; "));
    },
  },
];
