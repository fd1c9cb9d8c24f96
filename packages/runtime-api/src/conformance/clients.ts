import type { Connection, ReadOperation, WriteOperation, WriteResult } from "../connection.js";
import { ForwardingConnection } from "../forwarding-connection.js";
import { advanceIovecs, iovecsLength } from "../iovec.js";
import { WriteActivity } from "./write-activity.js";

/** Options of {@link Exchange}. */
export interface ExchangeOptions {
  /** What to send, as the iovecs of write operations (each array is one operation). */
  readonly send?: readonly (readonly Uint8Array[])[];
  /** Half-close once everything was sent. Default true. */
  readonly halfClose?: boolean;
  /** Half-close once this many bytes were received (when `halfClose` is false). */
  readonly closeAfterReceiving?: number;
  /** Wait until EOF before sending anything. */
  readonly sendAfterEof?: boolean;
  /** Consume nothing until this many bytes are buffered (tests read-buffer growth). */
  readonly needBytes?: number;
}

/**
 * A scripted client: sends, optionally half-closes, collects every byte until EOF, and records what the
 * driver did to it (write results, write requests after "closed", errors, re-entry).
 */
export class Exchange implements Connection {
  readonly errors: unknown[] = [];
  readonly writeResults: WriteResult[] = [];
  readonly received: Uint8Array[] = [];
  receivedBytes = 0;
  /** `nextWriteOperation` calls after "closed" was reported (must stay 0). */
  writesAfterClosed = 0;
  sawEof = false;
  /** Settles when the connection finished both ways (EOF and output closed) or failed. */
  readonly finished: Promise<void>;
  readonly #options: ExchangeOptions;
  #queue: (readonly Uint8Array[])[];
  #inFlight: readonly Uint8Array[] | undefined;
  #writeClosed = false;
  #closedReported = false;
  #readResume: (() => void) | undefined;
  #writeResume: (() => void) | undefined;
  #resolve!: () => void;

  constructor(options: ExchangeOptions = {}) {
    this.#options = options;
    this.#queue = (options.send ?? []).map((iovecs) => iovecs.slice());
    this.finished = new Promise((resolve) => {
      this.#resolve = resolve;
    });
  }

  /** Everything received, in one array. */
  bytes(): Uint8Array {
    const out = new Uint8Array(this.receivedBytes);
    let at = 0;
    for (const part of this.received) {
      out.set(part, at);
      at += part.length;
    }
    return out;
  }

  /** Bytes the driver reported written. */
  get bytesWritten(): number {
    let n = 0;
    for (const result of this.writeResults) if (result !== "closed") n += result;
    return n;
  }

  nextReadOperation(): ReadOperation {
    return this.sawEof ? "close" : "read";
  }
  read(buffer: Uint8Array, offset: number, length: number): number {
    const need = this.#options.needBytes;
    if (need !== undefined && this.receivedBytes === 0 && length < need) return 0;
    this.#take(buffer, offset, length);
    return length;
  }
  readEof(buffer: Uint8Array, offset: number, length: number): number {
    this.#take(buffer, offset, length);
    this.sawEof = true;
    this.#wakeWriter();
    this.#check();
    return length;
  }
  yieldReader(resume: () => void): void {
    if (this.#readResume) throw new Error("second read resume registered");
    this.#readResume = resume;
  }
  nextWriteOperation(): WriteOperation {
    if (this.#closedReported) this.writesAfterClosed++;
    if (this.#writeClosed) return { kind: "close" };
    if (this.#options.sendAfterEof && !this.sawEof) return { kind: "yield" };
    const next = this.#queue[0];
    if (next) {
      this.#inFlight = next;
      return { kind: "write", iovecs: next };
    }
    const after = this.#options.closeAfterReceiving;
    if ((this.#options.halfClose ?? true) || this.sawEof) return this.#close();
    if (after !== undefined && this.receivedBytes >= after) return this.#close();
    return { kind: "yield" };
  }
  reportWriteResult(result: WriteResult): void {
    this.writeResults.push(result);
    if (result === "closed") {
      this.#closedReported = true;
      this.#writeClosed = true;
      this.#queue = [];
      this.#check();
      return;
    }
    const inFlight = this.#inFlight ?? [];
    const rest = advanceIovecs(inFlight, result);
    if (iovecsLength(rest) === 0) this.#queue.shift();
    else this.#queue[0] = rest;
    this.#inFlight = undefined;
  }
  yieldWriter(resume: () => void): void {
    if (this.#writeResume) throw new Error("second write resume registered");
    this.#writeResume = resume;
  }
  reportError(error: unknown): void {
    this.errors.push(error);
    this.sawEof = true;
    this.#writeClosed = true;
    this.#resolve();
  }
  isClosed(): boolean {
    return this.sawEof && this.#writeClosed;
  }
  shutdown(): void {
    this.#writeClosed = true;
    this.#wakeWriter();
  }

  #close(): WriteOperation {
    this.#writeClosed = true;
    this.#check();
    return { kind: "close" };
  }
  #take(buffer: Uint8Array, offset: number, length: number): void {
    if (length === 0) return;
    this.received.push(buffer.slice(offset, offset + length));
    this.receivedBytes += length;
    const after = this.#options.closeAfterReceiving;
    if (after !== undefined && this.receivedBytes >= after) this.#wakeWriter();
  }
  #wakeWriter(): void {
    const resume = this.#writeResume;
    this.#writeResume = undefined;
    resume?.();
  }
  #check(): void {
    if (this.sawEof && this.#writeClosed) this.#resolve();
  }
}

/**
 * Keeps writing the same block until "closed" (then keeps asking to write): the victim of a reset. Its
 * {@link WriteActivity} counts the write-side calls the driver makes after the socket is gone.
 */
export class Firehose implements Connection {
  readonly errors: unknown[] = [];
  readonly activity: WriteActivity = new WriteActivity();
  closedResults = 0;
  writesAfterClosed = 0;
  bytesWritten = 0;
  readonly finished: Promise<void>;
  readonly #block: Uint8Array;
  #closed = false;
  #eof = false;
  #resolve!: () => void;

  constructor(block: Uint8Array) {
    this.#block = block;
    this.finished = new Promise((resolve) => {
      this.#resolve = resolve;
    });
  }
  nextReadOperation(): ReadOperation {
    return this.#eof ? "close" : "read";
  }
  read(_buffer: Uint8Array, _offset: number, length: number): number {
    return length;
  }
  readEof(_buffer: Uint8Array, _offset: number, length: number): number {
    this.#eof = true;
    return length;
  }
  yieldReader(): void {}
  nextWriteOperation(): WriteOperation {
    this.activity.count();
    if (this.#closed) {
      // A driver that keeps asking would spin here forever (possibly on microtasks, starving timers):
      // fail the connection so the case can end and report it.
      if (++this.writesAfterClosed >= 3) throw new Error('the driver kept writing after "closed"');
    }
    return { kind: "write", iovecs: [this.#block] };
  }
  reportWriteResult(result: WriteResult): void {
    this.activity.count();
    if (result === "closed") {
      this.closedResults++;
      this.#closed = true;
      this.activity.gone();
      this.#resolve();
    } else this.bytesWritten += result;
  }
  yieldWriter(): void {}
  reportError(error: unknown): void {
    this.errors.push(error);
    this.activity.gone();
    this.#eof = true;
    this.#resolve();
  }
  isClosed(): boolean {
    return this.#eof && this.#closed;
  }
  shutdown(): void {}
}

/**
 * Sends `STARTTLS\n`, waits for `GO\n`, upgrades its session to TLS, then sends `payload`, half-closes
 * and collects the echo.
 */
export class StartTlsClient implements Connection {
  readonly errors: unknown[] = [];
  /** True when the server answered NO (it offers no STARTTLS). */
  refused = false;
  readonly finished: Promise<void>;
  readonly echo: Exchange;
  #stage: "command" | "reply" | "switching" | "tls" = "command";
  #command = new TextEncoder().encode("STARTTLS\n");
  #reply = "";
  #readResume: (() => void) | undefined;
  #writeResume: (() => void) | undefined;
  readonly #upgrade: () => Promise<void>;

  constructor(payload: Uint8Array, upgrade: () => Promise<void>) {
    this.echo = new Exchange({ send: [[payload]] });
    this.#upgrade = upgrade;
    this.finished = this.echo.finished;
  }
  nextReadOperation(): ReadOperation {
    if (this.#stage === "tls") return this.echo.nextReadOperation();
    return this.#stage === "switching" ? "yield" : "read";
  }
  read(buffer: Uint8Array, offset: number, length: number): number {
    if (this.#stage === "tls") return this.echo.read(buffer, offset, length);
    for (let i = 0; i < length; i++) {
      this.#reply += String.fromCharCode(buffer[offset + i] as number);
      if (this.#reply === "NO\n") {
        this.refused = true;
        this.#stage = "tls";
        this.echo.shutdown();
        queueMicrotask(() => this.#resumeBoth());
        return i + 1;
      }
      if (this.#reply === "GO\n") {
        this.#stage = "switching";
        queueMicrotask(() => this.#switch());
        return i + 1;
      }
      if (this.#reply.length >= 3) throw new Error(`expected GO, got ${JSON.stringify(this.#reply)}`);
    }
    return length;
  }
  readEof(buffer: Uint8Array, offset: number, length: number): number {
    if (this.#stage === "tls") return this.echo.readEof(buffer, offset, length);
    throw new Error("EOF before STARTTLS finished");
  }
  yieldReader(resume: () => void): void {
    if (this.#stage === "tls") this.echo.yieldReader(resume);
    else this.#readResume = resume;
  }
  nextWriteOperation(): WriteOperation {
    if (this.#stage === "tls") return this.echo.nextWriteOperation();
    if (this.#command.length > 0) return { kind: "write", iovecs: [this.#command] };
    return { kind: "yield" };
  }
  reportWriteResult(result: WriteResult): void {
    if (this.#stage === "tls") {
      this.echo.reportWriteResult(result);
      return;
    }
    if (result === "closed") throw new Error("closed during STARTTLS");
    this.#command = this.#command.subarray(result);
  }
  yieldWriter(resume: () => void): void {
    if (this.#stage === "tls") this.echo.yieldWriter(resume);
    else this.#writeResume = resume;
  }
  reportError(error: unknown): void {
    this.errors.push(error);
    this.echo.reportError(error);
  }
  isClosed(): boolean {
    return this.echo.isClosed();
  }
  shutdown(): void {
    this.echo.shutdown();
  }
  #resumeBoth(): void {
    const read = this.#readResume;
    const write = this.#writeResume;
    this.#readResume = undefined;
    this.#writeResume = undefined;
    read?.();
    write?.();
  }
  #switch(): void {
    this.#upgrade().then(
      () => {
        this.#stage = "tls";
        this.#resumeBoth();
      },
      (error: unknown) => this.reportError(error),
    );
  }
}

/** Writes `header` before the wrapped connection's own output; everything else is delegated. */
export class PrefixedConnection extends ForwardingConnection {
  #header: Uint8Array;
  constructor(header: Uint8Array, inner: Connection) {
    super(inner);
    this.#header = header;
  }
  override nextWriteOperation(): WriteOperation {
    if (this.#header.length > 0) return { kind: "write", iovecs: [this.#header] };
    return this.inner.nextWriteOperation();
  }
  override reportWriteResult(result: WriteResult): void {
    if (this.#header.length === 0) {
      this.inner.reportWriteResult(result);
      return;
    }
    if (result === "closed") {
      this.#header = new Uint8Array(0);
      this.inner.reportWriteResult(result);
      return;
    }
    this.#header = this.#header.subarray(result);
  }
}
