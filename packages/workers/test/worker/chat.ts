import type { Connection, ReadOperation, WriteOperation, WriteResult } from "@sansio/runtime-api";
import { advanceIovecs, iovecsLength } from "@sansio/runtime-api";

/**
 * A client the case drives step by step: `send` queues bytes (all queued buffers go out as the iovecs
 * of one write), `finish` half-closes, `pauseReading` makes the reader yield. It records what the
 * driver did: bytes received, EOF, errors, write results and writes asked for after "closed".
 */
export class Chat implements Connection {
  readonly errors: unknown[] = [];
  readonly writeResults: WriteResult[] = [];
  readonly #received: Uint8Array[] = [];
  receivedBytes = 0;
  sawEof = false;
  writesAfterClosed = 0;
  #queue: Uint8Array[] = [];
  #inFlight: Uint8Array[] | undefined;
  #finishing = false;
  #writeClosed = false;
  #closedReported = false;
  #paused = false;
  #readResume: (() => void) | undefined;
  #writeResume: (() => void) | undefined;

  /** At most this many queued buffers go into one write operation. */
  maxIovecs = Number.MAX_SAFE_INTEGER;

  constructor(...first: Uint8Array[]) {
    this.#queue.push(...first);
  }

  /** Queues bytes to send. */
  send(...buffers: Uint8Array[]): void {
    this.#queue.push(...buffers);
    this.#wakeWriter();
  }
  /** Half-closes once everything queued was sent. */
  finish(): void {
    this.#finishing = true;
    this.#wakeWriter();
  }
  /** Makes the reader yield (true) or read again (false). */
  pauseReading(paused: boolean): void {
    this.#paused = paused;
    if (!paused) {
      const resume = this.#readResume;
      this.#readResume = undefined;
      resume?.();
    }
  }
  /** Bytes the driver reported written. */
  get bytesWritten(): number {
    let n = 0;
    for (const result of this.writeResults) if (result !== "closed") n += result;
    return n;
  }
  /** Bytes queued and not yet reported written. */
  get unsent(): number {
    return iovecsLength(this.#queue);
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
  /** Everything received, as latin1 text. */
  text(): string {
    let out = "";
    for (const byte of this.bytes()) out += String.fromCharCode(byte);
    return out;
  }

  nextReadOperation(): ReadOperation {
    if (this.sawEof) return "close";
    return this.#paused ? "yield" : "read";
  }
  read(buffer: Uint8Array, offset: number, length: number): number {
    this.#take(buffer, offset, length);
    return length;
  }
  readEof(buffer: Uint8Array, offset: number, length: number): number {
    this.#take(buffer, offset, length);
    this.sawEof = true;
    return length;
  }
  yieldReader(resume: () => void): void {
    if (this.#readResume) throw new Error("second read resume registered");
    this.#readResume = resume;
  }
  nextWriteOperation(): WriteOperation {
    if (this.#closedReported) this.writesAfterClosed++;
    if (this.#writeClosed) return { kind: "close" };
    if (this.#queue.length > 0) {
      this.#inFlight = this.#queue.slice(0, this.maxIovecs);
      return { kind: "write", iovecs: this.#inFlight };
    }
    if (this.#finishing) {
      this.#writeClosed = true;
      return { kind: "close" };
    }
    return { kind: "yield" };
  }
  reportWriteResult(result: WriteResult): void {
    this.writeResults.push(result);
    if (result === "closed") {
      this.#closedReported = true;
      this.#writeClosed = true;
      this.#queue = [];
      return;
    }
    const inFlight = this.#inFlight ?? [];
    const rest = advanceIovecs(inFlight, result);
    this.#queue = rest.concat(this.#queue.slice(inFlight.length));
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
  }
  isClosed(): boolean {
    return this.sawEof && this.#writeClosed;
  }
  shutdown(): void {
    this.#finishing = true;
    this.#wakeWriter();
  }

  #take(buffer: Uint8Array, offset: number, length: number): void {
    if (length === 0) return;
    this.#received.push(buffer.slice(offset, offset + length));
    this.receivedBytes += length;
  }
  #wakeWriter(): void {
    const resume = this.#writeResume;
    this.#writeResume = undefined;
    resume?.();
  }
}

/** Writes `header` before the wrapped connection's own output; everything else is delegated. */
export class Prefixed implements Connection {
  readonly #inner: Connection;
  #header: Uint8Array;
  constructor(header: Uint8Array, inner: Connection) {
    this.#header = header;
    this.#inner = inner;
  }
  nextReadOperation(): ReadOperation {
    return this.#inner.nextReadOperation();
  }
  read(buffer: Uint8Array, offset: number, length: number): number {
    return this.#inner.read(buffer, offset, length);
  }
  readEof(buffer: Uint8Array, offset: number, length: number): number {
    return this.#inner.readEof(buffer, offset, length);
  }
  yieldReader(resume: () => void): void {
    this.#inner.yieldReader(resume);
  }
  nextWriteOperation(): WriteOperation {
    if (this.#header.length > 0) return { kind: "write", iovecs: [this.#header] };
    return this.#inner.nextWriteOperation();
  }
  reportWriteResult(result: WriteResult): void {
    if (this.#header.length === 0 || result === "closed") {
      this.#header = new Uint8Array(0);
      this.#inner.reportWriteResult(result);
      return;
    }
    this.#header = this.#header.subarray(result);
  }
  yieldWriter(resume: () => void): void {
    this.#inner.yieldWriter(resume);
  }
  reportError(error: unknown): void {
    this.#inner.reportError(error);
  }
  isClosed(): boolean {
    return this.#inner.isClosed();
  }
  shutdown(): void {
    this.#inner.shutdown();
  }
}
