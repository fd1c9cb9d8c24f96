import { Deferred } from "../blocks/deferred.js";
import { OutputQueue } from "../blocks/output-queue.js";
import { PendingResume } from "../blocks/pending-resume.js";
import type { Connection, ReadOperation, WriteOperation, WriteResult } from "../connection.js";
import { concatBytes } from "../iovec.js";

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
 * tests can inspect it: errors reported, write results, bytes seen. Its reader yields while the
 * echo queue is full and resumes when it drains; a second pending resume on either side throws.
 */
export class EchoConnection implements Connection {
  readonly errors: unknown[] = [];
  readonly writeResults: WriteResult[] = [];
  bytesRead = 0;
  readonly #options: EchoOptions;
  readonly #out: OutputQueue;
  readonly #reader = new PendingResume();

  constructor(options: EchoOptions = {}) {
    this.#options = options;
    this.#out = new OutputQueue({
      highWaterMark: options.highWaterMark ?? 256 * 1024,
      onDrain: () => this.#reader.wake(),
    });
  }

  nextReadOperation(): ReadOperation {
    // Input ended, shut down, failed, or the peer is gone: the output is no longer open.
    if (this.#out.state !== "open") return "close";
    return this.#out.full ? "yield" : "read";
  }

  read(buffer: Uint8Array, offset: number, length: number): number {
    const n = Math.min(length, this.#options.maxConsume ?? length);
    if (this.#options.throwAfter !== undefined && this.bytesRead + n > this.#options.throwAfter) {
      throw new Error("EchoConnection: deliberate failure (throwAfter)");
    }
    this.#take(buffer, offset, n);
    return n;
  }

  readEof(buffer: Uint8Array, offset: number, length: number): number {
    this.#take(buffer, offset, length);
    this.#out.end();
    return length;
  }

  yieldReader(resume: () => void): void {
    this.#reader.register(resume);
  }

  nextWriteOperation(): WriteOperation {
    return this.#out.nextWriteOperation();
  }

  reportWriteResult(result: WriteResult): void {
    this.writeResults.push(result);
    this.#out.reportWriteResult(result);
  }

  yieldWriter(resume: () => void): void {
    this.#out.yieldWriter(resume);
  }

  reportError(error: unknown): void {
    this.errors.push(error);
    this.#out.discard(error);
    this.#reader.wake();
  }

  isClosed(): boolean {
    return this.#out.finished;
  }

  shutdown(): void {
    this.#out.end();
    this.#reader.wake();
  }

  #take(buffer: Uint8Array, offset: number, length: number): void {
    this.bytesRead += length;
    if (length > 0 && this.#out.state === "open") this.#out.writeCopy(buffer.subarray(offset, offset + length));
  }
}

/**
 * A client that sends `payload` (in writes of at most `writeSize` bytes), half-closes, and collects
 * everything the peer sends until EOF. `done` resolves with the bytes received.
 */
export class SendAndCollect implements Connection {
  readonly errors: unknown[] = [];
  readonly done: Promise<Uint8Array>;
  readonly #done = new Deferred<Uint8Array>();
  readonly #out: OutputQueue;
  #received: Uint8Array[] = [];
  #eof = false;

  constructor(payload: Uint8Array, options: { writeSize?: number; halfClose?: boolean } = {}) {
    this.done = this.#done.promise;
    const writeSize = options.writeSize ?? 64 * 1024;
    // The payload by reference, one slice per write operation.
    this.#out = new OutputQueue({ highWaterMark: Number.MAX_SAFE_INTEGER, gatherBelow: 0, maxIovecs: 1 });
    for (let at = 0; at < payload.length; at += writeSize) this.#out.write(payload.subarray(at, at + writeSize));
    // Without half-close the writer waits forever; the peer's close ends the session.
    if (options.halfClose ?? true) this.#out.end();
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
    this.#done.resolve(concatBytes(this.#received));
    return length;
  }
  yieldReader(): void {
    throw new Error("SendAndCollect never yields its reader");
  }
  nextWriteOperation(): WriteOperation {
    return this.#out.nextWriteOperation();
  }
  reportWriteResult(result: WriteResult): void {
    this.#out.reportWriteResult(result);
  }
  yieldWriter(resume: () => void): void {
    this.#out.yieldWriter(resume);
  }
  reportError(error: unknown): void {
    this.errors.push(error);
    this.#eof = true;
    this.#out.discard(error);
    this.#done.reject(error);
  }
  isClosed(): boolean {
    return this.#eof && this.#out.finished;
  }
  shutdown(): void {
    this.#out.end();
  }
}
