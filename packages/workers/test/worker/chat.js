import { advanceIovecs, iovecsLength } from "@sansio/runtime-api";
/**
 * A client the case drives step by step: `send` queues bytes (all queued buffers go out as the iovecs
 * of one write), `finish` half-closes, `pauseReading` makes the reader yield. It records what the
 * driver did: bytes received, EOF, errors, write results and writes asked for after "closed".
 */
export class Chat {
  errors = [];
  writeResults = [];
  #received = [];
  receivedBytes = 0;
  sawEof = false;
  writesAfterClosed = 0;
  #queue = [];
  #inFlight;
  #finishing = false;
  #writeClosed = false;
  #closedReported = false;
  #paused = false;
  #readResume;
  #writeResume;
  /** At most this many queued buffers go into one write operation. */
  maxIovecs = Number.MAX_SAFE_INTEGER;
  constructor(...first) {
    this.#queue.push(...first);
  }
  /** Queues bytes to send. */
  send(...buffers) {
    this.#queue.push(...buffers);
    this.#wakeWriter();
  }
  /** Half-closes once everything queued was sent. */
  finish() {
    this.#finishing = true;
    this.#wakeWriter();
  }
  /** Makes the reader yield (true) or read again (false). */
  pauseReading(paused) {
    this.#paused = paused;
    if (!paused) {
      const resume = this.#readResume;
      this.#readResume = undefined;
      resume?.();
    }
  }
  /** Bytes the driver reported written. */
  get bytesWritten() {
    let n = 0;
    for (const result of this.writeResults) if (result !== "closed") n += result;
    return n;
  }
  /** Bytes queued and not yet reported written. */
  get unsent() {
    return iovecsLength(this.#queue);
  }
  /** Everything received, in one array. */
  bytes() {
    const out = new Uint8Array(this.receivedBytes);
    let at = 0;
    for (const part of this.#received) {
      out.set(part, at);
      at += part.length;
    }
    return out;
  }
  /** Everything received, as latin1 text. */
  text() {
    let out = "";
    for (const byte of this.bytes()) out += String.fromCharCode(byte);
    return out;
  }
  nextReadOperation() {
    if (this.sawEof) return "close";
    return this.#paused ? "yield" : "read";
  }
  read(buffer, offset, length) {
    this.#take(buffer, offset, length);
    return length;
  }
  readEof(buffer, offset, length) {
    this.#take(buffer, offset, length);
    this.sawEof = true;
    return length;
  }
  yieldReader(resume) {
    if (this.#readResume) throw new Error("second read resume registered");
    this.#readResume = resume;
  }
  nextWriteOperation() {
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
  reportWriteResult(result) {
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
  yieldWriter(resume) {
    if (this.#writeResume) throw new Error("second write resume registered");
    this.#writeResume = resume;
  }
  reportError(error) {
    this.errors.push(error);
    this.sawEof = true;
    this.#writeClosed = true;
  }
  isClosed() {
    return this.sawEof && this.#writeClosed;
  }
  shutdown() {
    this.#finishing = true;
    this.#wakeWriter();
  }
  #take(buffer, offset, length) {
    if (length === 0) return;
    this.#received.push(buffer.slice(offset, offset + length));
    this.receivedBytes += length;
  }
  #wakeWriter() {
    const resume = this.#writeResume;
    this.#writeResume = undefined;
    resume?.();
  }
}
/** Writes `header` before the wrapped connection's own output; everything else is delegated. */
export class Prefixed {
  #inner;
  #header;
  constructor(header, inner) {
    this.#header = header;
    this.#inner = inner;
  }
  nextReadOperation() {
    return this.#inner.nextReadOperation();
  }
  read(buffer, offset, length) {
    return this.#inner.read(buffer, offset, length);
  }
  readEof(buffer, offset, length) {
    return this.#inner.readEof(buffer, offset, length);
  }
  yieldReader(resume) {
    this.#inner.yieldReader(resume);
  }
  nextWriteOperation() {
    if (this.#header.length > 0) return { kind: "write", iovecs: [this.#header] };
    return this.#inner.nextWriteOperation();
  }
  reportWriteResult(result) {
    if (this.#header.length === 0 || result === "closed") {
      this.#header = new Uint8Array(0);
      this.#inner.reportWriteResult(result);
      return;
    }
    this.#header = this.#header.subarray(result);
  }
  yieldWriter(resume) {
    this.#inner.yieldWriter(resume);
  }
  reportError(error) {
    this.#inner.reportError(error);
  }
  isClosed() {
    return this.#inner.isClosed();
  }
  shutdown() {
    this.#inner.shutdown();
  }
}
