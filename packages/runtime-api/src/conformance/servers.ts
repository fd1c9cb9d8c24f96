import type { Connection, ReadOperation, WriteOperation, WriteResult } from "../connection.js";
import { advanceIovecs } from "../iovec.js";
import type { Session, StartTlsOptions } from "../runtime.js";
import { faultServerFactories } from "./fault-servers.js";
import { num, patternBytes } from "./pattern.js";
import { EchoConnection } from "./protocols.js";
import { closeWhileYieldedServer, throwingShutdownServer } from "./robustness-protocols.js";

/** Parameters a client sends to pick and tune a conformance server protocol. */
export type ServerParams = Readonly<Record<string, number | string | boolean>>;

/** What a server protocol saw, for cases that watch the server (in-process only). */
export interface ServerRecord {
  readonly errors: unknown[];
  bytesRead: number;
  sawEof: boolean;
  shutdownCalled: boolean;
  /** Set by server protocols that check something themselves, once their check has ended. */
  finished?: boolean;
}

/** What a server factory gets besides its parameters. */
export interface ServerContext {
  readonly session: Session;
  readonly record: ServerRecord;
  /** Swaps the protocol of this connection (the dispatcher is an `UpgradableConnection`). */
  readonly upgrade: (next: Connection) => void;
}

/** Makes the server half of a case: `name` picks the protocol, `params` tune it. */
export type ServerFactory = (params: ServerParams, context: ServerContext) => Connection;

const encoder = new TextEncoder();

/**
 * Echoes, consuming at most `chunk` bytes per `read` and yielding its reader after every read; the
 * reader is resumed synchronously inside `yieldReader` ("sync"), on a microtask, or from a timer.
 * It throws when a second resume is registered or when the driver re-enters it.
 */
export class YieldingEcho implements Connection {
  readonly #chunk: number;
  readonly #mode: string;
  readonly #record: ServerRecord;
  #pending: Uint8Array[] = [];
  #inFlight: readonly Uint8Array[] = [];
  #pendingBytes = 0;
  #eof = false;
  #closed = false;
  #justRead = false;
  #yieldAnswered = false;
  #readResume: (() => void) | undefined;
  #writeResume: (() => void) | undefined;
  #depth = 0;

  constructor(chunk: number, mode: string, record: ServerRecord) {
    this.#chunk = chunk;
    this.#mode = mode;
    this.#record = record;
  }

  #enter(): void {
    if (++this.#depth > 1) throw new Error("the driver re-entered the connection from inside a call");
  }
  #leave(): void {
    this.#depth--;
  }

  nextReadOperation(): ReadOperation {
    if (this.#eof || this.#closed) return "close";
    if (this.#justRead) {
      this.#yieldAnswered = true;
      return "yield";
    }
    return "read";
  }
  read(buffer: Uint8Array, offset: number, length: number): number {
    this.#enter();
    try {
      const n = Math.min(length, this.#chunk);
      this.#push(buffer.slice(offset, offset + n));
      this.#justRead = true;
      return n;
    } finally {
      this.#leave();
    }
  }
  readEof(buffer: Uint8Array, offset: number, length: number): number {
    this.#push(buffer.slice(offset, offset + length));
    this.#eof = true;
    this.#record.sawEof = true;
    this.#wakeWriter();
    return length;
  }
  yieldReader(resume: () => void): void {
    this.#enter();
    try {
      if (this.#readResume) throw new Error("a second read resume was registered while one was pending");
      if (!this.#yieldAnswered) throw new Error("yieldReader was called without nextReadOperation answering yield");
      this.#yieldAnswered = false;
      this.#readResume = resume;
      const fire = (): void => {
        this.#justRead = false;
        const pending = this.#readResume;
        this.#readResume = undefined;
        pending?.();
      };
      if (this.#mode === "sync") fire();
      else if (this.#mode === "timer") setTimeout(fire, 1);
      else queueMicrotask(fire);
    } finally {
      this.#leave();
    }
  }
  nextWriteOperation(): WriteOperation {
    if (this.#closed) return { kind: "close" };
    if (this.#pendingBytes > 0) {
      this.#inFlight = this.#pending;
      return { kind: "write", iovecs: this.#pending };
    }
    return this.#eof ? { kind: "close" } : { kind: "yield" };
  }
  reportWriteResult(result: WriteResult): void {
    if (result === "closed") {
      this.#closed = true;
      return;
    }
    this.#pending = advanceIovecs(this.#inFlight, result).concat(this.#pending.slice(this.#inFlight.length));
    this.#pendingBytes -= result;
  }
  yieldWriter(resume: () => void): void {
    if (this.#writeResume) throw new Error("a second write resume was registered while one was pending");
    this.#writeResume = resume;
  }
  reportError(error: unknown): void {
    this.#record.errors.push(error);
    this.#closed = true;
  }
  isClosed(): boolean {
    return this.#closed || (this.#eof && this.#pendingBytes === 0);
  }
  shutdown(): void {
    this.#record.shutdownCalled = true;
    this.#closed = true;
    this.#wakeWriter();
  }
  #push(bytes: Uint8Array): void {
    this.#record.bytesRead += bytes.length;
    if (bytes.length === 0) return;
    this.#pending.push(bytes);
    this.#pendingBytes += bytes.length;
    this.#wakeWriter();
  }
  #wakeWriter(): void {
    const resume = this.#writeResume;
    this.#writeResume = undefined;
    resume?.();
  }
}

/**
 * Sends `bytes` generated bytes (a known pattern) and half-closes, then reads until EOF counting
 * what arrives. With `waitFirst`, it first reads `waitFirst` bytes before sending.
 */
export class Generator implements Connection {
  readonly #total: number;
  readonly #record: ServerRecord;
  readonly #block: Uint8Array;
  #sent = 0;
  #eof = false;
  #writeDone = false;
  #readResume: (() => void) | undefined;

  constructor(total: number, record: ServerRecord) {
    this.#total = total;
    this.#record = record;
    this.#block = patternBytes(0, 64 * 1024);
  }
  nextReadOperation(): ReadOperation {
    return this.#eof ? "close" : "read";
  }
  read(_buffer: Uint8Array, _offset: number, length: number): number {
    this.#record.bytesRead += length;
    return length;
  }
  readEof(_buffer: Uint8Array, _offset: number, length: number): number {
    this.#record.bytesRead += length;
    this.#record.sawEof = true;
    this.#eof = true;
    return length;
  }
  yieldReader(resume: () => void): void {
    this.#readResume = resume;
  }
  nextWriteOperation(): WriteOperation {
    if (this.#writeDone || this.#sent >= this.#total) return { kind: "close" };
    const start = this.#sent % this.#block.length;
    const n = Math.min(this.#total - this.#sent, this.#block.length - start);
    return { kind: "write", iovecs: [this.#block.subarray(start, start + n)] };
  }
  reportWriteResult(result: WriteResult): void {
    if (result === "closed") this.#writeDone = true;
    else this.#sent += result;
  }
  yieldWriter(): void {}
  reportError(error: unknown): void {
    this.#record.errors.push(error);
    this.#eof = true;
    this.#writeDone = true;
    this.#readResume?.();
  }
  isClosed(): boolean {
    return this.#eof && (this.#writeDone || this.#sent >= this.#total);
  }
  shutdown(): void {
    this.#writeDone = true;
  }
}

/**
 * Reads slowly: after every `chunk` bytes it yields its reader for `delay` ms. After EOF it answers with a
 * summary line `<bytes> <checksum>\n` and closes: the client checks that every byte arrived in order.
 * With `progress`, it also says how far it got at every pause, as a line `<bytes read so far>\n` (only
 * the newest total waits to be sent), so a writer can tell how far ahead of its reader it is.
 */
export class SlowSummarizer implements Connection {
  readonly #chunk: number;
  readonly #delay: number;
  readonly #progress: boolean;
  readonly #record: ServerRecord;
  #sum = 0;
  #sincePause = 0;
  #eof = false;
  #paused = false;
  /** The line being written: a progress line, or the summary once the input ended. */
  #line: Uint8Array = new Uint8Array(0);
  #reported = 0;
  #summarized = false;
  #writeDone = false;
  #writeResume: (() => void) | undefined;

  constructor(chunk: number, delay: number, record: ServerRecord, progress = false) {
    this.#chunk = chunk;
    this.#delay = delay;
    this.#record = record;
    this.#progress = progress;
  }
  nextReadOperation(): ReadOperation {
    if (this.#eof || this.#writeDone) return "close";
    return this.#paused ? "yield" : "read";
  }
  read(buffer: Uint8Array, offset: number, length: number): number {
    const n = Math.min(length, this.#chunk - this.#sincePause);
    this.#absorb(buffer, offset, n);
    this.#sincePause += n;
    if (this.#sincePause >= this.#chunk) {
      this.#sincePause = 0;
      this.#paused = true;
      if (this.#progress) this.#wakeWriter();
    }
    return n;
  }
  readEof(buffer: Uint8Array, offset: number, length: number): number {
    this.#absorb(buffer, offset, length);
    this.#eof = true;
    this.#record.sawEof = true;
    this.#wakeWriter();
    return length;
  }
  yieldReader(resume: () => void): void {
    setTimeout(() => {
      this.#paused = false;
      resume();
    }, this.#delay);
  }
  nextWriteOperation(): WriteOperation {
    if (this.#writeDone) return { kind: "close" };
    if (this.#line.length === 0) {
      const read = this.#record.bytesRead;
      if (this.#eof && !this.#summarized) {
        this.#summarized = true;
        this.#line = encoder.encode(`${read} ${this.#sum}\n`);
      } else if (this.#progress && !this.#eof && this.#reported !== read) {
        this.#reported = read;
        this.#line = encoder.encode(`${read}\n`);
      }
    }
    if (this.#line.length > 0) return { kind: "write", iovecs: [this.#line] };
    return this.#summarized ? { kind: "close" } : { kind: "yield" };
  }
  reportWriteResult(result: WriteResult): void {
    if (result === "closed") this.#writeDone = true;
    else this.#line = this.#line.subarray(result);
  }
  yieldWriter(resume: () => void): void {
    this.#writeResume = resume;
  }
  reportError(error: unknown): void {
    this.#record.errors.push(error);
    this.#eof = true;
    this.#writeDone = true;
  }
  isClosed(): boolean {
    return this.#eof && this.#writeDone;
  }
  shutdown(): void {
    this.#record.shutdownCalled = true;
  }
  #wakeWriter(): void {
    const resume = this.#writeResume;
    this.#writeResume = undefined;
    resume?.();
  }
  #absorb(buffer: Uint8Array, offset: number, length: number): void {
    let sum = this.#sum;
    for (let i = 0; i < length; i++) sum = (sum * 31 + (buffer[offset + i] as number)) >>> 0;
    this.#sum = sum;
    this.#record.bytesRead += length;
  }
}

/** Reads `after` bytes, then aborts the session (a reset while the client is still writing). */
export class Resetter extends EchoConnection {
  constructor(after: number, session: Session, record: ServerRecord) {
    super({ highWaterMark: Number.MAX_SAFE_INTEGER });
    const read = this.read.bind(this);
    let seen = 0;
    this.read = (buffer, offset, length) => {
      seen += length;
      record.bytesRead = seen;
      if (seen >= after) queueMicrotask(() => session.close());
      return read(buffer, offset, length);
    };
    this.nextWriteOperation = () => ({ kind: "yield" });
  }
}

/** Answers `STARTTLS\n` with `GO\n`, upgrades the session to TLS as the server, then echoes. */
export class StartTlsServer implements Connection {
  readonly #echo = new EchoConnection();
  readonly #session: Session;
  readonly #tls: StartTlsOptions | undefined;
  readonly #record: ServerRecord;
  #line = "";
  #stage: "command" | "reply" | "switching" | "echo" = "command";
  #reply = encoder.encode("GO\n");
  #refused = false;
  #readResume: (() => void) | undefined;
  #writeResume: (() => void) | undefined;

  constructor(session: Session, tls: StartTlsOptions | undefined, record: ServerRecord) {
    this.#session = session;
    this.#tls = tls;
    this.#record = record;
  }
  nextReadOperation(): ReadOperation {
    if (this.#stage === "echo") return this.#echo.nextReadOperation();
    return this.#stage === "command" ? "read" : "yield";
  }
  read(buffer: Uint8Array, offset: number, length: number): number {
    if (this.#stage === "echo") return this.#echo.read(buffer, offset, length);
    for (let i = 0; i < length; i++) {
      const byte = buffer[offset + i] as number;
      if (byte === 10) {
        if (this.#line !== "STARTTLS") throw new Error(`expected STARTTLS, got ${JSON.stringify(this.#line)}`);
        if (!this.#tls) {
          // This server has no certificate for STARTTLS: say so and finish.
          this.#reply = encoder.encode("NO\n");
          this.#refused = true;
        }
        this.#stage = "reply";
        this.#wake("write");
        return i + 1;
      }
      this.#line += String.fromCharCode(byte);
      if (this.#line.length > 64) throw new Error("command line too long");
    }
    return length;
  }
  readEof(buffer: Uint8Array, offset: number, length: number): number {
    if (this.#stage === "echo") return this.#echo.readEof(buffer, offset, length);
    this.#record.sawEof = true;
    throw new Error("EOF before STARTTLS finished");
  }
  yieldReader(resume: () => void): void {
    if (this.#stage === "echo") this.#echo.yieldReader(resume);
    else this.#readResume = resume;
  }
  nextWriteOperation(): WriteOperation {
    if (this.#stage === "echo") return this.#echo.nextWriteOperation();
    if (this.#stage === "reply") return { kind: "write", iovecs: [this.#reply] };
    return { kind: "yield" };
  }
  reportWriteResult(result: WriteResult): void {
    if (this.#stage === "echo") {
      this.#echo.reportWriteResult(result);
      return;
    }
    if (result === "closed") throw new Error("peer closed during STARTTLS");
    this.#reply = this.#reply.subarray(result);
    if (this.#reply.length > 0) return;
    if (this.#refused) {
      this.#stage = "echo";
      this.#echo.shutdown();
      this.#wake("read");
      this.#wake("write");
      return;
    }
    this.#stage = "switching";
    queueMicrotask(() => {
      this.#session.startTls(this.#tls).then(
        () => {
          this.#stage = "echo";
          this.#wake("read");
          this.#wake("write");
        },
        (error: unknown) => {
          // The runtime cannot (or failed to) start TLS here: record why and hang up.
          this.#record.errors.push(error);
          this.#session.close();
        },
      );
    });
  }
  yieldWriter(resume: () => void): void {
    if (this.#stage === "echo") this.#echo.yieldWriter(resume);
    else this.#writeResume = resume;
  }
  reportError(error: unknown): void {
    this.#record.errors.push(error);
    this.#echo.reportError(error);
  }
  isClosed(): boolean {
    return this.#echo.isClosed();
  }
  shutdown(): void {
    this.#echo.shutdown();
  }
  #wake(side: "read" | "write"): void {
    const resume = side === "read" ? this.#readResume : this.#writeResume;
    if (side === "read") this.#readResume = undefined;
    else this.#writeResume = undefined;
    resume?.();
  }
}

/** Answers `UPGRADE\n` with `OK\n` and hands the rest of the stream (leftover bytes included) to an echo. */
export function upgradeServer(record: ServerRecord, make: (next: Connection) => void): Connection {
  let line = "";
  let replied = false;
  let reply = encoder.encode("OK\n");
  let writeResume: (() => void) | undefined;
  const echo = new EchoConnection();
  const initial: Connection = {
    nextReadOperation: () => (replied ? "yield" : "read"),
    read(buffer, offset, length) {
      for (let i = 0; i < length; i++) {
        const byte = buffer[offset + i] as number;
        if (byte === 10) {
          if (line !== "UPGRADE") throw new Error(`expected UPGRADE, got ${JSON.stringify(line)}`);
          replied = true;
          const resume = writeResume;
          writeResume = undefined;
          resume?.();
          return i + 1;
        }
        line += String.fromCharCode(byte);
      }
      return length;
    },
    readEof() {
      throw new Error("EOF before UPGRADE");
    },
    yieldReader() {},
    nextWriteOperation: () => (replied && reply.length > 0 ? { kind: "write", iovecs: [reply] } : { kind: "yield" }),
    reportWriteResult(result) {
      if (result === "closed") return;
      reply = reply.subarray(result);
      if (reply.length === 0) make(echo);
    },
    yieldWriter(resume) {
      writeResume = resume;
    },
    reportError(error) {
      record.errors.push(error);
    },
    isClosed: () => false,
    shutdown() {},
  };
  return initial;
}

/** The named server protocols every conformance server offers. */
export function serverFactories(options: { startTls?: StartTlsOptions }): Record<string, ServerFactory> {
  return {
    echo: (p, { record }) => recordingEcho(record, num(p, "maxConsume", Number.MAX_SAFE_INTEGER)),
    "yielding-echo": (p, { record }) => new YieldingEcho(num(p, "chunk", 1), String(p.mode ?? "microtask"), record),
    generate: (p, { record }) => new Generator(num(p, "bytes", 0), record),
    "slow-summary": (p, { record }) => new SlowSummarizer(num(p, "chunk", 16384), num(p, "delay", 1), record),
    reset: (p, { session, record }) => new Resetter(num(p, "after", 1), session, record),
    "throw-after": (p, { record }) => recordingEcho(record, Number.MAX_SAFE_INTEGER, num(p, "after", 0)),
    starttls: (_p, { session, record }) => new StartTlsServer(session, options.startTls, record),
    upgrade: (_p, { record, upgrade }) => upgradeServer(record, upgrade),
    stubborn: (_p, { record }) => new Stubborn(record),
    hangup: (p, { record }) => new Hangup(num(p, "after", 1), record),
    "slow-progress": (p, { record }) => new SlowSummarizer(num(p, "chunk", 16384), num(p, "delay", 1), record, true),
    "close-while-yielded": (_p, { session, record }) => closeWhileYieldedServer(session, record),
    "throwing-shutdown": (_p, { record }) => throwingShutdownServer(record),
    ...faultServerFactories(),
  };
}

function recordingEcho(record: ServerRecord, maxConsume: number, throwAfter?: number): Connection {
  const echo = new EchoConnection({ maxConsume, throwAfter });
  const read = echo.read.bind(echo);
  const readEof = echo.readEof.bind(echo);
  const reportError = echo.reportError.bind(echo);
  const shutdown = echo.shutdown.bind(echo);
  echo.read = (buffer, offset, length) => {
    const n = read(buffer, offset, length);
    record.bytesRead += n;
    return n;
  };
  echo.readEof = (buffer, offset, length) => {
    record.sawEof = true;
    record.bytesRead += length;
    return readEof(buffer, offset, length);
  };
  echo.reportError = (error) => {
    record.errors.push(error);
    reportError(error);
  };
  echo.shutdown = () => {
    record.shutdownCalled = true;
    shutdown();
  };
  return echo;
}

/** A fresh, empty server record. */
export function newRecord(): ServerRecord {
  return { errors: [], bytesRead: 0, sawEof: false, shutdownCalled: false };
}

/** Ignores `shutdown()` and never closes by itself: only an abort ends it. */
export class Stubborn implements Connection {
  readonly #record: ServerRecord;
  constructor(record: ServerRecord) {
    this.#record = record;
  }
  nextReadOperation(): ReadOperation {
    return "yield";
  }
  read(_buffer: Uint8Array, _offset: number, _length: number): number {
    return 0;
  }
  readEof(_buffer: Uint8Array, _offset: number, _length: number): number {
    return 0;
  }
  yieldReader(): void {}
  nextWriteOperation(): WriteOperation {
    return { kind: "yield" };
  }
  reportWriteResult(): void {}
  yieldWriter(): void {}
  reportError(error: unknown): void {
    this.#record.errors.push(error);
  }
  isClosed(): boolean {
    return false;
  }
  shutdown(): void {
    this.#record.shutdownCalled = true;
  }
}

/** Reads `after` bytes, then closes both directions gracefully while the client may still be writing. */
export class Hangup extends Stubborn {
  readonly #after: number;
  readonly #seen: ServerRecord;
  constructor(after: number, record: ServerRecord) {
    super(record);
    this.#after = after;
    this.#seen = record;
  }
  override nextReadOperation(): ReadOperation {
    return this.#seen.bytesRead >= this.#after ? "close" : "read";
  }
  override read(_buffer: Uint8Array, _offset: number, length: number): number {
    this.#seen.bytesRead += length;
    return length;
  }
  override readEof(_buffer: Uint8Array, _offset: number, length: number): number {
    this.#seen.bytesRead = Math.max(this.#seen.bytesRead + length, this.#after);
    return length;
  }
  override nextWriteOperation(): WriteOperation {
    return { kind: "close" };
  }
}
