// Small sans-IO protocols for the Node adapter's tests, beside EchoConnection, SendAndCollect and
// Exchange from @sansio/runtime-api/conformance.
import type { Connection, ReadOperation, WriteOperation, WriteResult } from "@sansio/runtime-api";
import { concatBytes, Exchange } from "@sansio/runtime-api/conformance";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Text as bytes. */
export function bytes(text: string): Uint8Array {
  return encoder.encode(text);
}

/** Bytes as text. */
export function text(data: Uint8Array): string {
  return decoder.decode(data);
}

/** Records errors and write results; the base of the test protocols. */
abstract class Recorder {
  readonly errors: unknown[] = [];
  readonly writeResults: WriteResult[] = [];
  protected readResume: (() => void) | undefined;
  protected writeResume: (() => void) | undefined;

  yieldReader(resume: () => void): void {
    if (this.readResume) throw new Error("second pending read resume");
    this.readResume = resume;
  }
  yieldWriter(resume: () => void): void {
    if (this.writeResume) throw new Error("second pending write resume");
    this.writeResume = resume;
  }
  protected wakeReader(): void {
    const resume = this.readResume;
    this.readResume = undefined;
    resume?.();
  }
  protected wakeWriter(): void {
    const resume = this.writeResume;
    this.writeResume = undefined;
    resume?.();
  }
}

/** Everything `client` received, once it finished both ways (or failed). */
export async function received(client: Exchange): Promise<Uint8Array> {
  await client.finished;
  return client.bytes();
}

/** Reads without ever consuming a byte (drives the read buffer to its limit); `offered`: the most offered at once. */
export class NeverConsume extends Exchange {
  offered = 0;
  constructor() {
    super({ needBytes: Number.POSITIVE_INFINITY, halfClose: false });
  }
  override read(buffer: Uint8Array, offset: number, length: number): number {
    this.offered = Math.max(this.offered, length);
    return super.read(buffer, offset, length);
  }
}

/** Writes `chunk` again and again (at most `limit` bytes), never reads; stops on "closed". */
export class Flood extends Recorder implements Connection {
  writes = 0;
  written = 0;
  readonly #chunk: Uint8Array;
  readonly #limit: number;
  #closed = false;
  constructor(chunk: Uint8Array, limit: number) {
    super();
    this.#chunk = chunk;
    this.#limit = limit;
  }
  nextReadOperation(): ReadOperation {
    return this.#closed ? "close" : "yield";
  }
  read(): number {
    throw new Error("Flood never reads");
  }
  readEof(): number {
    return 0;
  }
  nextWriteOperation(): WriteOperation {
    if (this.#closed || this.written >= this.#limit) return { kind: "close" };
    this.writes++;
    return { kind: "write", iovecs: [this.#chunk, this.#chunk] };
  }
  reportWriteResult(result: WriteResult): void {
    this.writeResults.push(result);
    if (result === "closed") {
      this.#closed = true;
      this.wakeReader();
    } else this.written += result;
  }
  reportError(error: unknown): void {
    this.errors.push(error);
    this.#closed = true;
    this.wakeReader();
  }
  isClosed(): boolean {
    return this.#closed;
  }
  shutdown(): void {
    this.#closed = true;
    this.wakeReader();
  }
}

/** Reads and discards everything, writes nothing, and ignores `shutdown()` (only an abort ends it). */
export class IgnoreShutdown extends Exchange {
  shutdownCalls = 0;
  constructor() {
    super({ halfClose: false });
  }
  override shutdown(): void {
    this.shutdownCalls++;
  }
}

/**
 * Sends `greeting`, half-closes its output at once, then reads until EOF (see {@link received}). With
 * `readDelay`, its reader first yields for that many ms (input and the peer's FIN pile up meanwhile).
 */
export class GreetThenListen extends Exchange {
  #waiting: boolean;
  #resume: (() => void) | undefined;
  constructor(greeting: Uint8Array, readDelay = 0) {
    super({ send: [[greeting]] });
    this.#waiting = readDelay > 0;
    if (this.#waiting) {
      setTimeout(() => {
        this.#waiting = false;
        const resume = this.#resume;
        this.#resume = undefined;
        resume?.();
      }, readDelay);
    }
  }
  override nextReadOperation(): ReadOperation {
    return this.#waiting && !this.sawEof ? "yield" : super.nextReadOperation();
  }
  override yieldReader(resume: () => void): void {
    if (this.#waiting) this.#resume = resume;
    else super.yieldReader(resume);
  }
}

/**
 * A line protocol with STARTTLS, either side. The client writes `STARTTLS\n` and waits for `GO\n`;
 * the server waits for `STARTTLS\n` and answers `GO\n`. Then both yield and `onUpgrade` runs (the test
 * calls `session.startTls()` there, then `secured()`); afterwards the client sends `payload`,
 * half-closes and collects the echo until EOF, and the server echoes until EOF.
 */
export class StartTlsLine extends Recorder implements Connection {
  readonly done: Promise<Uint8Array>;
  readonly #role: "client" | "server";
  readonly #payload: Uint8Array;
  readonly #onUpgrade: () => void;
  readonly #pending: Uint8Array[] = [];
  readonly #received: Uint8Array[] = [];
  #phase: "plain" | "upgrading" | "tls" | "done" = "plain";
  #line = "";
  #hello: Uint8Array | undefined;
  #eof = false;
  #writeClosed = false;
  #upgradeCalled = false;
  #resolve!: (data: Uint8Array) => void;
  #reject!: (error: unknown) => void;

  constructor(role: "client" | "server", payload: Uint8Array, onUpgrade: () => void) {
    super();
    this.#role = role;
    this.#payload = payload;
    this.#onUpgrade = onUpgrade;
    this.#hello = role === "client" ? bytes("STARTTLS\n") : undefined;
    this.done = new Promise((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    this.done.catch(() => {});
  }

  /** Called by the test once `session.startTls()` resolved. */
  secured(): void {
    this.#phase = "tls";
    if (this.#role === "client") this.#pending.push(this.#payload);
    this.wakeReader();
    this.wakeWriter();
  }

  nextReadOperation(): ReadOperation {
    if (this.#phase === "done" || this.#eof) return "close";
    if (this.#phase === "upgrading") return "yield";
    return "read";
  }
  read(buffer: Uint8Array, offset: number, length: number): number {
    if (this.#phase === "plain") {
      // Consume exactly one line: what follows belongs to TLS.
      let n = 0;
      while (n < length) {
        const byte = buffer[offset + n] as number;
        n++;
        if (byte === 10) {
          this.#line += text(buffer.subarray(offset, offset + n - 1));
          this.#gotLine();
          return n;
        }
      }
      this.#line += text(buffer.subarray(offset, offset + n));
      return n;
    }
    const data = buffer.slice(offset, offset + length);
    if (this.#role === "server") {
      this.#pending.push(data);
      this.wakeWriter();
    } else this.#received.push(data);
    return length;
  }
  readEof(buffer: Uint8Array, offset: number, length: number): number {
    const n = length > 0 ? this.read(buffer, offset, length) : 0;
    this.#eof = true;
    if (this.#role === "client") this.#resolve(concatBytes(this.#received));
    this.wakeWriter();
    return n;
  }
  #gotLine(): void {
    const line = this.#line;
    this.#line = "";
    if (this.#role === "server" && line === "STARTTLS") {
      this.#hello = bytes("GO\n");
      this.#phase = "upgrading";
      this.wakeWriter();
    } else if (this.#role === "client" && line === "GO") {
      this.#phase = "upgrading";
      this.#maybeUpgrade();
    } else {
      this.reportError(new Error(`unexpected line ${JSON.stringify(line)}`));
    }
  }
  #maybeUpgrade(): void {
    if (this.#upgradeCalled || this.#phase !== "upgrading" || this.#hello) return;
    this.#upgradeCalled = true;
    // Let the driver see "yield" on both sides first.
    setTimeout(() => this.#onUpgrade(), 0);
  }

  nextWriteOperation(): WriteOperation {
    if (this.#phase === "done" || this.#writeClosed) return { kind: "close" };
    if (this.#hello) {
      return { kind: "write", iovecs: [this.#hello] };
    }
    if (this.#phase === "tls") {
      if (this.#pending.length > 0) {
        const data = concatBytes(this.#pending);
        this.#pending.length = 0;
        this.#pending.push(data);
        return { kind: "write", iovecs: [data] };
      }
      if (this.#role === "client" || this.#eof) {
        this.#writeClosed = true;
        return { kind: "close" };
      }
    }
    return { kind: "yield" };
  }
  reportWriteResult(result: WriteResult): void {
    this.writeResults.push(result);
    if (result === "closed") {
      this.reportError(new Error("peer closed"));
      return;
    }
    if (this.#hello) {
      this.#hello = result === this.#hello.length ? undefined : this.#hello.subarray(result);
      if (!this.#hello) this.#maybeUpgrade();
      return;
    }
    const head = this.#pending[0] as Uint8Array;
    if (result === head.length) this.#pending.shift();
    else this.#pending[0] = head.subarray(result);
  }
  reportError(error: unknown): void {
    this.errors.push(error);
    this.#phase = "done";
    this.#reject(error);
    this.wakeReader();
    this.wakeWriter();
  }
  isClosed(): boolean {
    return this.#phase === "done" || (this.#eof && this.#writeClosed);
  }
  shutdown(): void {}
}
