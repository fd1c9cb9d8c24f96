import type { Connection, ReadOperation, WriteOperation, WriteResult } from "@sansio/runtime-api";

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const NEWLINE = 10;

/**
 * A sans-IO client for line protocols (Redis inline commands, SMTP-style services...): sends one
 * request line, reads one reply line, then closes. It never touches a socket; `@sansio/workers` drives it.
 */
export class LineRequest implements Connection {
  /** The reply line, without its line ending. */
  readonly reply: Promise<string>;
  readonly #maxReply: number;
  #request: Uint8Array;
  #received: Uint8Array[] = [];
  #receivedBytes = 0;
  #done = false;
  #writeClosed = false;
  #writeResume: (() => void) | undefined;
  #resolve!: (line: string) => void;
  #reject!: (error: unknown) => void;

  constructor(request: string, options: { readonly maxReply?: number } = {}) {
    this.#request = encoder.encode(request.endsWith("\n") ? request : `${request}\r\n`);
    this.#maxReply = options.maxReply ?? 64 * 1024;
    this.reply = new Promise((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    this.reply.catch(() => {}); // the caller awaits it; an early failure must not be "unhandled"
  }

  nextReadOperation(): ReadOperation {
    return this.#done ? "close" : "read";
  }

  read(buffer: Uint8Array, offset: number, length: number): number {
    const end = buffer.subarray(offset, offset + length).indexOf(NEWLINE);
    const take = end < 0 ? length : end + 1;
    this.#received.push(buffer.slice(offset, offset + take));
    this.#receivedBytes += take;
    if (end >= 0) this.#finish();
    else if (this.#receivedBytes > this.#maxReply) this.#fail(new Error(`reply longer than ${this.#maxReply} bytes`));
    return take;
  }

  readEof(buffer: Uint8Array, offset: number, length: number): number {
    if (length > 0) this.read(buffer, offset, length);
    if (!this.#done) this.#fail(new Error("the service closed the connection before replying"));
    return length;
  }

  yieldReader(): void {
    // Never yields: it reads until the reply line is complete.
  }

  nextWriteOperation(): WriteOperation {
    if (this.#writeClosed) return { kind: "close" };
    if (this.#request.length > 0) return { kind: "write", iovecs: [this.#request] };
    if (this.#done) {
      this.#writeClosed = true;
      return { kind: "close" };
    }
    return { kind: "yield" };
  }

  reportWriteResult(result: WriteResult): void {
    if (result === "closed") {
      this.#writeClosed = true;
      this.#fail(new Error("the service stopped reading before the request was sent"));
      return;
    }
    this.#request = this.#request.subarray(result);
  }

  yieldWriter(resume: () => void): void {
    this.#writeResume = resume;
  }

  reportError(error: unknown): void {
    this.#fail(error);
  }

  isClosed(): boolean {
    return this.#done && this.#writeClosed;
  }

  shutdown(): void {
    this.#fail(new Error("shut down before the reply arrived"));
  }

  #finish(): void {
    let line = "";
    for (const part of this.#received) line += decoder.decode(part, { stream: true });
    line += decoder.decode();
    this.#done = true;
    this.#resolve(line.replace(/\r?\n$/, ""));
    this.#wakeWriter();
  }

  #fail(error: unknown): void {
    if (this.#done) return;
    this.#done = true;
    this.#writeClosed = true;
    this.#reject(error);
    this.#wakeWriter();
  }

  #wakeWriter(): void {
    const resume = this.#writeResume;
    this.#writeResume = undefined;
    resume?.();
  }
}
