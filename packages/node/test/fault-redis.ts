// The Redis scenario of issue 14 without Redis: a Node `net` peer answers part of a long pipeline and
// then resets (SO_LINGER 0, `resetAndDestroy()`) while our protocol is still writing. Runtime-agnostic
// (the peer is `node:net`, which Bun and Deno also provide), so each adapter's tests can run it.
import * as net from "node:net";
import type { Runtime, Session, WriteOperation } from "@sansio/runtime-api";
import { within as bounded } from "@sansio/runtime-api/conformance";
import { FaultRecorder } from "./fault-recorder.js";

const PING = new TextEncoder().encode("PING\r\n");
const PONG = "+PONG\r\n";

/** What the victim protocol was told, in order ("bytes" runs folded), and the totals. */
export interface Transcript {
  readonly signals: string;
  readonly received: number;
  readonly closedResults: number;
  readonly errors: unknown[];
  readonly eofs: number;
  readonly writesAfterClosed: number;
}

/**
 * Writes a long pipeline of PINGs (a 1 MiB batch per write, forever) and counts the replies. With
 * `readLate` it reads nothing until its write fails (a client busy writing), so the replies wait in the
 * kernel when the reset comes.
 */
class Pipeliner extends FaultRecorder {
  writesAfterClosed = 0;
  readonly #batch: Uint8Array;
  readonly #readLate: boolean;
  #readResume: (() => void) | undefined;

  constructor(readLate: boolean) {
    super();
    this.#readLate = readLate;
    const batch = new Uint8Array(PING.length * 174_763); // ~1 MiB of PINGs
    for (let at = 0; at + PING.length <= batch.length; at += PING.length) batch.set(PING, at);
    this.#batch = batch;
  }
  protected override readerWaits(): boolean {
    return this.#readLate && this.closedResults === 0;
  }
  override yieldReader(resume: () => void): void {
    this.#readResume = resume;
  }
  nextWriteOperation(): WriteOperation {
    if (this.closedResults > 0) {
      this.writesAfterClosed++;
      return { kind: "close" };
    }
    return { kind: "write", iovecs: [this.#batch] };
  }
  protected override writeClosed(): void {
    const resume = this.#readResume;
    this.#readResume = undefined;
    resume?.();
  }
}

/**
 * Our client pipelines PINGs to a `net` peer that answers the first `replies` of them with +PONG, waits
 * until its answers have left (its write callback, then `settle` ms), and resets while our writes are
 * still blocked on it. Resolves with what our protocol was told. Keep `replies` small enough for the
 * answers to fit in our receive buffer when `readLate` (4,000 replies are 28 KB).
 */
export async function redisScenario(
  runtime: Runtime,
  replies: number,
  readLate: boolean,
  settle = 150,
): Promise<Transcript> {
  const answer = Buffer.from(PONG.repeat(replies));
  const server = net.createServer((socket) => {
    socket.on("error", () => {});
    let seen = 0;
    const onData = (chunk: Buffer): void => {
      seen += chunk.length;
      if (seen < replies * PING.length) return;
      // Stop reading: the rest of the pipeline piles up, so our client's writes block.
      socket.off("data", onData);
      socket.pause();
      socket.write(answer, () => setTimeout(() => socket.resetAndDestroy(), settle));
    };
    socket.on("data", onData);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    const port = (server.address() as net.AddressInfo).port;
    const client = new Pipeliner(readLate);
    const session: Session = await runtime.connect({ hostname: "127.0.0.1", port }, client);
    await bounded(client.ended, 20_000, "the reset to reach the protocol");
    await bounded(session.closed, 20_000, "session.closed after the reset");
    return {
      signals: client.transcript(),
      received: client.received,
      closedResults: client.closedResults,
      errors: client.errors,
      eofs: client.eofs,
      writesAfterClosed: client.writesAfterClosed,
    };
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** The reply bytes the scenario's peer sends before its reset. */
export function replyBytes(replies: number): number {
  return replies * PONG.length;
}

/**
 * The same from the other side: our server (an accepted socket) pipelines PINGs to a `net` client that
 * sends `replies` +PONGs, never reads, and resets once they have left. Our server reads only after its
 * write failed.
 */
export async function redisScenarioServer(runtime: Runtime, replies: number, settle = 150): Promise<Transcript> {
  const victim = new Pipeliner(true);
  const sessions: Session[] = [];
  const listener = await runtime.listen({ hostname: "127.0.0.1", port: 0 }, (session) => {
    sessions.push(session);
    return victim;
  });
  try {
    const address = listener.address;
    if (address.transport !== "tcp") throw new Error("expected a TCP listener");
    const peer = net.connect({ host: "127.0.0.1", port: address.port });
    peer.on("error", () => {});
    peer.pause();
    peer.write(Buffer.from(PONG.repeat(replies)), () => setTimeout(() => peer.resetAndDestroy(), settle));
    await bounded(victim.ended, 20_000, "the reset to reach the protocol");
    await bounded(sessions[0]?.closed ?? Promise.reject(new Error("no session")), 20_000, "session.closed");
    return {
      signals: victim.transcript(),
      received: victim.received,
      closedResults: victim.closedResults,
      errors: victim.errors,
      eofs: victim.eofs,
      writesAfterClosed: victim.writesAfterClosed,
    };
  } finally {
    await listener.close({ timeout: 100 });
  }
}

/** Throws unless the transcript is exactly: the replies, one "closed", one ECONNRESET (no clean end). */
function checkReset(seen: Transcript, replies: number, signals: RegExp): void {
  const what = `transcript "${seen.signals}"`;
  if (!signals.test(seen.signals)) throw new Error(`${what}: not ${signals}`);
  if (seen.received !== replyBytes(replies))
    throw new Error(`${what}: ${seen.received} of ${replyBytes(replies)} reply bytes`);
  if (seen.closedResults !== 1) throw new Error(`${what}: "closed" ${seen.closedResults} times`);
  if (seen.eofs !== 0) throw new Error(`${what}: the reset was reported as a clean end (readEof)`);
  if (seen.writesAfterClosed > 1) throw new Error(`${what}: ${seen.writesAfterClosed} writes asked after "closed"`);
  if (seen.errors.length !== 1) throw new Error(`${what}: reportError called ${seen.errors.length} times`);
  const error = seen.errors[0] as { name?: string; code?: string };
  if (error.name !== "ConnectionLostError" || error.code !== "ECONNRESET") {
    throw new Error(`${what}: the error is ${error.name} ${error.code}, expected ConnectionLostError ECONNRESET`);
  }
}

/** The client reads as replies come: it gets all 16,000, one "closed" and one ECONNRESET. */
export async function replyingPeerResets(runtime: Runtime): Promise<void> {
  checkReset(await redisScenario(runtime, 16_000, false), 16_000, /^bytes (closed (bytes )?)?error$/);
}

/** The client reads only after its write failed: the 4,000 replies waiting in the kernel still arrive. */
export async function replyingPeerResetsWhileBusy(runtime: Runtime): Promise<void> {
  checkReset(await redisScenario(runtime, 4_000, true), 4_000, /^closed bytes error$/);
}

/** Our server side (an accepted socket) reads only after its write failed: what it received arrives. */
export async function clientResetsWhileServerBusy(runtime: Runtime): Promise<void> {
  checkReset(await redisScenarioServer(runtime, 4_000), 4_000, /^closed bytes error$/);
}
