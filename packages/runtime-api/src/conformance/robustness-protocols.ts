import type { Clock, Connection, ReadOperation, WriteOperation, WriteResult } from "../connection.js";
import type { Session } from "../runtime.js";
import type { ServerRecord } from "./server-types.js";

const encoder = new TextEncoder();

/**
 * Yields both sides and keeps both resumes, to be closed while yielded. Once {@link markClosed} is
 * called, every method call except `reportError` is a late call: it is recorded in {@link lateCalls}.
 */
export class BothYielded implements Connection {
  readonly errors: unknown[] = [];
  /** Methods called after `markClosed()` (reportError excepted). */
  readonly lateCalls: string[] = [];
  readResume: (() => void) | undefined;
  writeResume: (() => void) | undefined;
  #closed = false;

  /** `close()` is being called: from now on only `reportError` may reach this connection. */
  markClosed(): void {
    this.#closed = true;
  }
  /** True once both sides yielded and hold a resume. */
  get bothYielded(): boolean {
    return this.readResume !== undefined && this.writeResume !== undefined;
  }
  /** Calls both held resumes (twice each: a second call must be harmless too). */
  resumeBoth(): void {
    for (let i = 0; i < 2; i++) {
      this.readResume?.();
      this.writeResume?.();
    }
  }

  #call(name: string): void {
    if (this.#closed) this.lateCalls.push(name);
  }
  nextReadOperation(): ReadOperation {
    this.#call("nextReadOperation");
    return "yield";
  }
  read(_buffer: Uint8Array, _offset: number, length: number): number {
    this.#call("read");
    return length;
  }
  readEof(_buffer: Uint8Array, _offset: number, length: number): number {
    this.#call("readEof");
    return length;
  }
  yieldReader(resume: () => void): void {
    this.#call("yieldReader");
    this.readResume = resume;
  }
  nextWriteOperation(): WriteOperation {
    this.#call("nextWriteOperation");
    return { kind: "yield" };
  }
  reportWriteResult(): void {
    this.#call("reportWriteResult");
  }
  yieldWriter(resume: () => void): void {
    this.#call("yieldWriter");
    this.writeResume = resume;
  }
  reportError(error: unknown): void {
    this.errors.push(error);
  }
  isClosed(): boolean {
    return false;
  }
  shutdown(): void {
    this.#call("shutdown");
  }
}

/**
 * The server half of "close while both sides are yielded": once both of its sides hold a resume, it
 * closes its own session, calls both resumes once `session.closed` settled, and records
 * every late call in `record.errors` (as `late call: <method>`); `record.finished` is set at the end.
 */
export function closeWhileYieldedServer(session: Session, record: ServerRecord): Connection {
  const protocol = new BothYielded();
  const check = (): void => {
    if (!protocol.bothYielded) return;
    queueMicrotask(() => {
      protocol.markClosed();
      session.close();
      void session.closed.then(() => {
        protocol.resumeBoth();
        setTimeout(() => {
          for (const name of protocol.lateCalls) record.errors.push(new Error(`late call: ${name}`));
          record.finished = true;
        }, 20);
      });
    });
  };
  const yieldReader = protocol.yieldReader.bind(protocol);
  const yieldWriter = protocol.yieldWriter.bind(protocol);
  protocol.yieldReader = (resume) => {
    yieldReader(resume);
    check();
  };
  protocol.yieldWriter = (resume) => {
    yieldWriter(resume);
    check();
  };
  return protocol;
}

/** The protocol callbacks a driver calls (`isClosed` is for the protocol's users: drivers need not call it). */
export const protocolCallbacks = [
  "setClock",
  "nextReadOperation",
  "read",
  "readEof",
  "yieldReader",
  "nextWriteOperation",
  "reportWriteResult",
  "yieldWriter",
  "nextDeadline",
  "handleTimeout",
  "reportError",
] as const;

/** One of {@link protocolCallbacks}. */
export type ProtocolCallback = (typeof protocolCallbacks)[number];

/**
 * A client that throws from one callback, the first time it is called, and otherwise waits: it reads
 * what comes (until EOF), writes one byte only when the throwing callback is a write-side one, and
 * yields where the throwing callback is a yield. Records errors and every call made after `reportError`.
 */
export class ThrowingClient implements Connection {
  readonly errors: unknown[] = [];
  /** The error it throws. */
  readonly thrown: Error;
  /** Calls after the first `reportError` (a driver must make none). */
  readonly callsAfterError: string[] = [];
  readonly #method: ProtocolCallback;
  #threw = false;
  #eof = false;
  #written = false;
  #clock: Clock | undefined;
  #deadline: number | undefined;

  constructor(method: ProtocolCallback) {
    this.#method = method;
    this.thrown = new Error(`deliberate throw from ${method}`);
  }

  #enter(name: ProtocolCallback): void {
    if (this.errors.length > 0 && name !== "reportError") this.callsAfterError.push(name);
    if (name === this.#method && !this.#threw) {
      this.#threw = true;
      throw this.thrown;
    }
  }

  setClock(clock: Clock): void {
    this.#enter("setClock");
    this.#clock = clock;
  }
  nextDeadline(): number | undefined {
    this.#enter("nextDeadline");
    if (this.#method !== "handleTimeout" || this.#threw || !this.#clock) return undefined;
    this.#deadline ??= this.#clock.now() + 20;
    return this.#deadline;
  }
  handleTimeout(): void {
    this.#enter("handleTimeout");
  }
  nextReadOperation(): ReadOperation {
    this.#enter("nextReadOperation");
    if (this.#eof) return "close";
    return this.#method === "yieldReader" ? "yield" : "read";
  }
  read(_buffer: Uint8Array, _offset: number, length: number): number {
    this.#enter("read");
    return length;
  }
  readEof(_buffer: Uint8Array, _offset: number, length: number): number {
    this.#enter("readEof");
    this.#eof = true;
    return length;
  }
  yieldReader(): void {
    this.#enter("yieldReader");
  }
  nextWriteOperation(): WriteOperation {
    this.#enter("nextWriteOperation");
    if (this.#method === "reportWriteResult" && !this.#written) return { kind: "write", iovecs: [encoder.encode("x")] };
    return { kind: "yield" };
  }
  reportWriteResult(result: WriteResult): void {
    this.#enter("reportWriteResult");
    if (result !== "closed") this.#written = true;
  }
  yieldWriter(): void {
    this.#enter("yieldWriter");
  }
  reportError(error: unknown): void {
    this.errors.push(error);
    this.#enter("reportError");
  }
  isClosed(): boolean {
    return this.#eof && this.errors.length > 0;
  }
  shutdown(): void {}
}

/** A server protocol that throws from `shutdown()` and otherwise waits (the listener must still release it). */
export function throwingShutdownServer(record: ServerRecord): Connection {
  return {
    nextReadOperation: () => "yield",
    read: (_b, _o, length) => length,
    readEof: (_b, _o, length) => length,
    yieldReader() {},
    nextWriteOperation: () => ({ kind: "yield" }),
    reportWriteResult() {},
    yieldWriter() {},
    reportError(error) {
      record.errors.push(error);
    },
    isClosed: () => false,
    shutdown() {
      record.shutdownCalled = true;
      throw new Error("deliberate throw from shutdown");
    },
  };
}

/**
 * Writes `total` bytes (one `block` again and again), then half-closes, and reads the peer's progress
 * lines (`<bytes it has read>\n`, the `slow-progress` server) and its summary (`<bytes> <checksum>\n`). After every write result it notes how far its writes are ahead of
 * what the peer has read: bytes the driver reported written that are still in buffers somewhere. Past
 * `maxAhead` it stops at once (`finished` settles, {@link overrun} is true).
 */
export class MeteredWriter implements Connection {
  readonly errors: unknown[] = [];
  /** Bytes reported written. */
  written = 0;
  /** The peer's last progress report: bytes it has read. */
  peerRead = 0;
  /** The checksum in the peer's summary line (undefined before it arrived). */
  peerSum: number | undefined;
  /** The most bytes ever reported written but not yet read by the peer. */
  maxAhead = 0;
  /** True once the writes got more than the allowed bytes ahead of the reader. */
  overrun = false;
  /** Settles once the peer's final report arrived and the input ended (or the connection failed). */
  readonly finished: Promise<void>;
  readonly #total: number;
  readonly #block: Uint8Array;
  readonly #limit: number;
  readonly #onProgress: (() => void) | undefined;
  #digits = 0;
  #field = 0;
  #eof = false;
  #done = false;
  #resolve!: () => void;

  constructor(total: number, block: Uint8Array, maxAhead: number, onProgress?: () => void) {
    this.#total = total;
    this.#block = block;
    this.#limit = maxAhead;
    this.#onProgress = onProgress;
    this.finished = new Promise((resolve) => {
      this.#resolve = resolve;
    });
  }
  nextReadOperation(): ReadOperation {
    return this.#eof ? "close" : "read";
  }
  read(buffer: Uint8Array, offset: number, length: number): number {
    for (let i = offset; i < offset + length; i++) {
      const byte = buffer[i] as number;
      if (byte === 10 || byte === 32) {
        if (this.#field === 0) this.peerRead = this.#digits;
        else this.peerSum = this.#digits;
        this.#field = byte === 32 ? this.#field + 1 : 0;
        this.#digits = 0;
        if (byte === 10) this.#onProgress?.();
      } else this.#digits = this.#digits * 10 + (byte - 48);
    }
    return length;
  }
  readEof(buffer: Uint8Array, offset: number, length: number): number {
    this.read(buffer, offset, length);
    this.#eof = true;
    this.#resolve();
    return length;
  }
  yieldReader(): void {}
  nextWriteOperation(): WriteOperation {
    if (this.#done || this.written >= this.#total) return { kind: "close" };
    const block = this.#block;
    const at = this.written % block.length;
    const n = Math.min(block.length - at, this.#total - this.written);
    return { kind: "write", iovecs: [n === block.length ? block : block.subarray(at, at + n)] };
  }
  reportWriteResult(result: WriteResult): void {
    if (result === "closed") {
      this.#done = true;
      return;
    }
    this.written += result;
    this.maxAhead = Math.max(this.maxAhead, this.written - this.peerRead);
    if (this.maxAhead > this.#limit && !this.overrun) {
      this.overrun = true;
      this.#done = true;
      this.#resolve();
    }
  }
  yieldWriter(): void {}
  reportError(error: unknown): void {
    this.errors.push(error);
    this.#eof = true;
    this.#done = true;
    this.#resolve();
  }
  isClosed(): boolean {
    return this.#eof && (this.#done || this.written >= this.#total);
  }
  shutdown(): void {
    this.#done = true;
  }
}

/**
 * One of many concurrent clients: sends `hello`, waits for it to come back (then `ready` settles),
 * holds the connection open until {@link release}, then half-closes and reads until EOF.
 */
export class HoldingClient implements Connection {
  readonly errors: unknown[] = [];
  /** Settles once the echo came back (or the connection failed). */
  readonly ready: Promise<void>;
  #hello: Uint8Array;
  #received = 0;
  readonly #expected: number;
  #released = false;
  #eof = false;
  #writeResume: (() => void) | undefined;
  #ready!: () => void;

  constructor(hello: Uint8Array) {
    this.#hello = hello;
    this.#expected = hello.length;
    this.ready = new Promise((resolve) => {
      this.#ready = resolve;
    });
  }
  /** Bytes echoed back so far. */
  get received(): number {
    return this.#received;
  }
  /** Lets it finish: half-close, then read until EOF. */
  release(): void {
    this.#released = true;
    const resume = this.#writeResume;
    this.#writeResume = undefined;
    resume?.();
  }
  nextReadOperation(): ReadOperation {
    return this.#eof ? "close" : "read";
  }
  read(_buffer: Uint8Array, _offset: number, length: number): number {
    this.#received += length;
    if (this.#received >= this.#expected) this.#ready();
    return length;
  }
  readEof(buffer: Uint8Array, offset: number, length: number): number {
    this.read(buffer, offset, length);
    this.#eof = true;
    return length;
  }
  yieldReader(): void {}
  nextWriteOperation(): WriteOperation {
    if (this.#hello.length > 0) return { kind: "write", iovecs: [this.#hello] };
    return this.#released ? { kind: "close" } : { kind: "yield" };
  }
  reportWriteResult(result: WriteResult): void {
    if (result === "closed") this.#hello = new Uint8Array(0);
    else this.#hello = this.#hello.subarray(result);
  }
  yieldWriter(resume: () => void): void {
    this.#writeResume = resume;
  }
  reportError(error: unknown): void {
    this.errors.push(error);
    this.#eof = true;
    this.#released = true;
    this.#ready();
  }
  isClosed(): boolean {
    return this.#eof && this.#released && this.#hello.length === 0;
  }
  shutdown(): void {
    this.release();
  }
}
