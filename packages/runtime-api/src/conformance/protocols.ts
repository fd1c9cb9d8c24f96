import type { Connection, ReadOperation, WriteOperation, WriteResult } from "../connection.js";
import { advanceIovecs, concatBytes } from "../iovec.js";

export { concatBytes };

/** Options of {@link EchoConnection}. */
export interface EchoOptions {
  /** Consume at most this many bytes per `read` call (tests partial consumption). Default: all offered. */
  readonly maxConsume?: number;
  /** Yield the reader once this many bytes wait to be echoed (backpressure). Default 256 KiB. */
  readonly highWaterMark?: number;
  /** Throw from `read` once this many bytes were read (tests protocol exceptions). */
  readonly throwAfter?: number;
}

/**
 * Echoes every byte back; half-closes its output after the input ended. Records what happened so
 * tests can inspect it: errors reported, write results, bytes seen.
 */
export class EchoConnection implements Connection {
  readonly errors: unknown[] = [];
  readonly writeResults: WriteResult[] = [];
  bytesRead = 0;
  readonly #options: EchoOptions;
  #pending: Uint8Array[] = [];
  #pendingBytes = 0;
  #eof = false;
  #closed = false;
  #shutdown = false;
  #readResume: (() => void) | undefined;
  #writeResume: (() => void) | undefined;
  #inFlight: readonly Uint8Array[] = [];

  constructor(options: EchoOptions = {}) {
    this.#options = options;
  }

  nextReadOperation(): ReadOperation {
    if (this.#eof || this.#closed || this.#shutdown) return "close";
    if (this.#pendingBytes >= (this.#options.highWaterMark ?? 256 * 1024)) return "yield";
    return "read";
  }

  read(buffer: Uint8Array, offset: number, length: number): number {
    const n = Math.min(length, this.#options.maxConsume ?? length);
    if (this.#options.throwAfter !== undefined && this.bytesRead + n > this.#options.throwAfter) {
      throw new Error("EchoConnection: deliberate failure (throwAfter)");
    }
    this.#take(buffer.slice(offset, offset + n));
    return n;
  }

  readEof(buffer: Uint8Array, offset: number, length: number): number {
    if (length > 0) this.#take(buffer.slice(offset, offset + length));
    this.#eof = true;
    this.#wakeWriter();
    return length;
  }

  yieldReader(resume: () => void): void {
    if (this.#readResume) throw new Error("EchoConnection: second pending read resume");
    this.#readResume = resume;
  }

  nextWriteOperation(): WriteOperation {
    if (this.#closed) return { kind: "close" };
    if (this.#pendingBytes > 0) {
      this.#inFlight = this.#pending;
      return { kind: "write", iovecs: this.#pending };
    }
    if (this.#eof || this.#shutdown) return { kind: "close" };
    return { kind: "yield" };
  }

  reportWriteResult(result: WriteResult): void {
    this.writeResults.push(result);
    if (result === "closed") {
      this.#closed = true;
      this.#pending = [];
      this.#pendingBytes = 0;
      this.#wakeReader();
      return;
    }
    this.#pending = advanceIovecs(this.#inFlight, result).concat(this.#pending.slice(this.#inFlight.length));
    this.#pendingBytes -= result;
    this.#inFlight = [];
    this.#wakeReader();
  }

  yieldWriter(resume: () => void): void {
    if (this.#writeResume) throw new Error("EchoConnection: second pending write resume");
    this.#writeResume = resume;
  }

  reportError(error: unknown): void {
    this.errors.push(error);
    this.#closed = true;
    this.#wakeReader();
    this.#wakeWriter();
  }

  isClosed(): boolean {
    return this.#closed || (this.#eof && this.#pendingBytes === 0);
  }

  shutdown(): void {
    this.#shutdown = true;
    this.#wakeReader();
    this.#wakeWriter();
  }

  #take(bytes: Uint8Array): void {
    this.bytesRead += bytes.length;
    if (bytes.length === 0) return;
    this.#pending.push(bytes);
    this.#pendingBytes += bytes.length;
    this.#wakeWriter();
  }

  #wakeReader(): void {
    const resume = this.#readResume;
    this.#readResume = undefined;
    resume?.();
  }

  #wakeWriter(): void {
    const resume = this.#writeResume;
    this.#writeResume = undefined;
    resume?.();
  }
}

/**
 * A client that sends `payload` (in writes of at most `writeSize` bytes), half-closes, and collects
 * everything the peer sends until EOF. `done` resolves with the bytes received.
 */
export class SendAndCollect implements Connection {
  readonly errors: unknown[] = [];
  readonly done: Promise<Uint8Array>;
  readonly #payload: Uint8Array;
  readonly #writeSize: number;
  readonly #halfClose: boolean;
  #sent = 0;
  #received: Uint8Array[] = [];
  #eof = false;
  #writeClosed = false;
  #resolve!: (bytes: Uint8Array) => void;
  #reject!: (error: unknown) => void;

  constructor(payload: Uint8Array, options: { writeSize?: number; halfClose?: boolean } = {}) {
    this.#payload = payload;
    this.#writeSize = options.writeSize ?? 64 * 1024;
    this.#halfClose = options.halfClose ?? true;
    this.done = new Promise((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    this.done.catch(() => {});
  }

  /** Bytes received so far. */
  get receivedBytes(): number {
    let n = 0;
    for (const part of this.#received) n += part.length;
    return n;
  }

  nextReadOperation(): ReadOperation {
    return this.#eof ? "close" : "read";
  }
  read(buffer: Uint8Array, offset: number, length: number): number {
    this.#received.push(buffer.slice(offset, offset + length));
    return length;
  }
  readEof(buffer: Uint8Array, offset: number, length: number): number {
    if (length > 0) this.#received.push(buffer.slice(offset, offset + length));
    this.#eof = true;
    this.#resolve(concatBytes(this.#received));
    return length;
  }
  yieldReader(): void {
    throw new Error("SendAndCollect never yields its reader");
  }
  nextWriteOperation(): WriteOperation {
    if (this.#writeClosed) return { kind: "close" };
    if (this.#sent < this.#payload.length) {
      const end = Math.min(this.#payload.length, this.#sent + this.#writeSize);
      return { kind: "write", iovecs: [this.#payload.subarray(this.#sent, end)] };
    }
    return this.#halfClose ? { kind: "close" } : { kind: "yield" };
  }
  reportWriteResult(result: WriteResult): void {
    if (result === "closed") this.#writeClosed = true;
    else this.#sent += result;
  }
  yieldWriter(): void {
    // Without half-close the writer waits forever; the peer's close ends the session.
  }
  reportError(error: unknown): void {
    this.errors.push(error);
    this.#eof = true;
    this.#writeClosed = true;
    this.#reject(error);
  }
  isClosed(): boolean {
    return this.#eof && this.#writeClosed;
  }
  shutdown(): void {
    this.#writeClosed = true;
  }
}
