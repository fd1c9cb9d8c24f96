// The sans-IO protocols of the socket benchmarks, shared by every runtime (Node, Deno, Bun, and the
// workerd bench Worker, which bundles this file). Plain JavaScript so each runtime runs it as is.
//
// They do the same work as the raw loops they are compared with, and no more: the echo server copies
// what it reads (the driver's read buffer is only lent for the duration of `read`; the raw loops get
// fresh chunks from their runtime or read into their own buffer) and writes it back; the clients send
// one shared chunk again and again and only count what comes back.

import { cannedAnswers, headCounter } from "./canned.mjs";

/**
 * What the bench's servers share: the reader's and writer's resumes, and closing (on an error, on
 * shutdown, or when the peer is gone).
 */
class ServerBase {
  closed = false;
  /** @type {(() => void) | undefined} */
  #readResume;
  /** @type {(() => void) | undefined} */
  #writeResume;

  /** @param {() => void} resume */
  yieldReader(resume) {
    this.#readResume = resume;
  }

  /** @param {() => void} resume */
  yieldWriter(resume) {
    this.#writeResume = resume;
  }

  reportError() {
    this.closed = true;
  }

  isClosed() {
    return this.closed;
  }

  shutdown() {
    this.closed = true;
    this.wakeReader();
    this.wakeWriter();
  }

  wakeReader() {
    const resume = this.#readResume;
    this.#readResume = undefined;
    resume?.();
  }

  wakeWriter() {
    const resume = this.#writeResume;
    this.#writeResume = undefined;
    resume?.();
  }
}

/** Capacity of the echo server's output buffer: reading pauses while it is full. */
const ECHO_BUFFER_SIZE = 1024 * 1024;

/**
 * Echoes every byte back through one reused output buffer: `read` copies into its free tail, a write
 * sends what is not sent yet, and the reader yields while the buffer is full. Half-closes after EOF.
 * @implements {import("@sansio/runtime-api").Connection}
 */
export class EchoServer extends ServerBase {
  #out = new Uint8Array(ECHO_BUFFER_SIZE);
  /** Bytes copied into #out. */
  #fill = 0;
  /** Bytes of #out reported written. */
  #sent = 0;
  #eof = false;

  nextReadOperation() {
    if (this.#eof || this.closed) return "close";
    return this.#fill < this.#out.length ? "read" : "yield";
  }

  /** @param {Uint8Array} buffer @param {number} offset @param {number} length */
  read(buffer, offset, length) {
    const n = Math.min(length, this.#out.length - this.#fill);
    this.#out.set(n === buffer.length ? buffer : buffer.subarray(offset, offset + n), this.#fill);
    this.#fill += n;
    this.wakeWriter();
    return n;
  }

  /** @param {Uint8Array} buffer @param {number} offset @param {number} length */
  readEof(buffer, offset, length) {
    const n = length > 0 ? this.read(buffer, offset, length) : 0;
    if (n === length) {
      this.#eof = true;
      this.wakeWriter();
    }
    return n;
  }

  nextWriteOperation() {
    if (this.closed) return { kind: "close" };
    if (this.#fill > this.#sent) {
      return { kind: "write", iovecs: [this.#out.subarray(this.#sent, this.#fill)] };
    }
    return this.#eof ? { kind: "close" } : { kind: "yield" };
  }

  /** @param {number | "closed"} result */
  reportWriteResult(result) {
    if (result === "closed") {
      this.closed = true;
      this.wakeReader();
      return;
    }
    this.#sent += result;
    if (this.#sent === this.#fill) {
      // Everything copied in has left: start again at the front (the reader may have paused on a full buffer).
      this.#sent = 0;
      this.#fill = 0;
      this.wakeReader();
    }
  }
}

/**
 * The HTTP floor as a sans-IO connection (bench/http/*.mjs `adapter-floor`): counts request heads by
 * their blank line and answers each with the canned response, exactly the work of the raw floor
 * servers, so http1's own cost and the adapter's can be told apart. Answers to heads that arrive while
 * a write is out go in the next write. Closes after the peer's EOF once everything was answered.
 * @implements {import("@sansio/runtime-api").Connection}
 */
export class CannedHttpServer extends ServerBase {
  #count = headCounter();
  /** Heads counted and not answered yet. */
  #owed = 0;
  /** The write out (its bytes), and how much of it was reported written. */
  /** @type {Uint8Array | null} */
  #writing = null;
  #written = 0;
  #eof = false;

  nextReadOperation() {
    return this.#eof || this.closed ? "close" : "read";
  }

  /** @param {Uint8Array} buffer @param {number} offset @param {number} length */
  read(buffer, offset, length) {
    const heads = this.#count(buffer.subarray(offset, offset + length));
    if (heads > 0) {
      this.#owed += heads;
      this.wakeWriter();
    }
    return length;
  }

  /** @param {Uint8Array} buffer @param {number} offset @param {number} length */
  readEof(buffer, offset, length) {
    this.read(buffer, offset, length);
    this.#eof = true;
    return length;
  }

  nextWriteOperation() {
    if (this.closed) return { kind: "close" };
    if (this.#writing === null && this.#owed > 0) {
      this.#writing = cannedAnswers(this.#owed);
      this.#written = 0;
      this.#owed = 0;
    }
    if (this.#writing !== null) return { kind: "write", iovecs: [this.#writing.subarray(this.#written)] };
    return this.#eof ? { kind: "close" } : { kind: "yield" };
  }

  /** @param {number | "closed"} result */
  reportWriteResult(result) {
    if (result === "closed") {
      this.closed = true;
      return;
    }
    this.#written += result;
    if (this.#writing !== null && this.#written >= this.#writing.length) this.#writing = null;
  }
}

/**
 * A client that settles `done` once: with the elapsed milliseconds, or with an error. Subclasses
 * implement the traffic.
 */
class TimedClient {
  /** @type {Promise<number>} */
  done;
  #started = performance.now();
  /** @type {(ms: number) => void} */
  #resolve = () => {};
  /** @type {(error: unknown) => void} */
  #reject = () => {};
  finished = false;

  constructor() {
    this.done = new Promise((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
  }

  finish() {
    if (this.finished) return;
    this.finished = true;
    this.#resolve(performance.now() - this.#started);
  }

  /** @param {unknown} error */
  reportError(error) {
    if (this.finished) return;
    this.finished = true;
    this.#reject(error);
  }

  isClosed() {
    return this.finished;
  }

  shutdown() {
    if (!this.finished) this.reportError(new Error("shut down before the benchmark finished"));
  }
}

/**
 * Bulk echo client: writes `total` bytes as `chunk` again and again, counts the echo, and closes once
 * all of it came back. `done` resolves with the milliseconds from construction to the last byte.
 * @implements {import("@sansio/runtime-api").Connection}
 */
export class BulkClient extends TimedClient {
  #chunk;
  #total;
  #sent = 0;
  #received = 0;

  /** @param {Uint8Array} chunk @param {number} total */
  constructor(chunk, total) {
    super();
    this.#chunk = chunk;
    this.#total = total;
  }

  nextReadOperation() {
    return this.finished ? "close" : "read";
  }

  /** @param {Uint8Array} _buffer @param {number} _offset @param {number} length */
  read(_buffer, _offset, length) {
    this.#received += length;
    if (this.#received >= this.#total) this.finish();
    return length;
  }

  /** @param {Uint8Array} buffer @param {number} offset @param {number} length */
  readEof(buffer, offset, length) {
    this.read(buffer, offset, length);
    if (!this.finished) this.reportError(new Error(`EOF after ${this.#received} of ${this.#total} bytes`));
    return length;
  }

  yieldReader() {}

  nextWriteOperation() {
    if (this.finished) return { kind: "close" };
    const left = this.#total - this.#sent;
    if (left <= 0) return { kind: "yield" };
    const chunk = this.#chunk;
    return { kind: "write", iovecs: [left >= chunk.length ? chunk : chunk.subarray(0, left)] };
  }

  /** @param {number | "closed"} result */
  reportWriteResult(result) {
    if (result === "closed") this.reportError(new Error("the peer closed during the bulk write"));
    else this.#sent += result;
  }

  /** @param {() => void} resume */
  yieldWriter(resume) {
    this.#wake = resume;
  }

  /** @type {(() => void) | undefined} */
  #wake;

  finish() {
    super.finish();
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }
}

/**
 * Round-trip client: sends `message`, waits until as many bytes came back, `count` times; then closes.
 * @implements {import("@sansio/runtime-api").Connection}
 */
export class PingPongClient extends TimedClient {
  #message;
  #count;
  /** Messages written completely. */
  #written = 0;
  /** Bytes of the current message written. */
  #offset = 0;
  /** Answers received completely. */
  #answered = 0;
  /** Bytes of the current answer received. */
  #received = 0;
  /** @type {(() => void) | undefined} */
  #wake;

  /** @param {Uint8Array} message @param {number} count */
  constructor(message, count) {
    super();
    this.#message = message;
    this.#count = count;
  }

  nextReadOperation() {
    return this.finished ? "close" : "read";
  }

  /** @param {Uint8Array} _buffer @param {number} _offset @param {number} length */
  read(_buffer, _offset, length) {
    const size = this.#message.length;
    this.#received += length;
    if (this.#received < size) return length;
    if (this.#received > size) this.reportError(new Error("more bytes than one message came back"));
    this.#received = 0;
    if (++this.#answered >= this.#count) this.finish();
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
    return length;
  }

  /** @param {Uint8Array} buffer @param {number} offset @param {number} length */
  readEof(buffer, offset, length) {
    this.read(buffer, offset, length);
    if (!this.finished) this.reportError(new Error(`EOF after ${this.#answered} of ${this.#count} round trips`));
    return length;
  }

  yieldReader() {}

  nextWriteOperation() {
    if (this.finished) return { kind: "close" };
    if (this.#written > this.#answered || this.#written >= this.#count) return { kind: "yield" };
    const message = this.#message;
    return { kind: "write", iovecs: [this.#offset === 0 ? message : message.subarray(this.#offset)] };
  }

  /** @param {number | "closed"} result */
  reportWriteResult(result) {
    if (result === "closed") {
      this.reportError(new Error("the peer closed during the round trips"));
      return;
    }
    this.#offset += result;
    if (this.#offset >= this.#message.length) {
      this.#offset = 0;
      this.#written++;
    }
  }

  /** @param {() => void} resume */
  yieldWriter(resume) {
    this.#wake = resume;
  }
}

/** The 64 KiB chunk (or any size) the bulk clients send: a fixed pattern. */
export function patternBytes(size) {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 31 + 7) & 0xff;
  return bytes;
}
