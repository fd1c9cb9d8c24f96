// A transcript harness (in the style of httpaf's tests): drives one sans-IO `Connection` by hand, the
// way a driver does, one step at a time — feed these bytes, expect this read operation, take this
// output, the writer yielded — with no runtime, no sockets and no timers. Time is a clock the test
// moves by hand.
import type { Clock, Connection, ReadOperation, WriteOperation } from "@sansio/runtime-api";
import { concatBytes } from "@sansio/runtime-api/conformance";

const latin1 = new TextDecoder("latin1");

/** A clock that moves only when the test says so. */
export class ManualClock implements Clock {
  #now: number;
  constructor(start = 1000) {
    this.#now = start;
  }
  now(): number {
    return this.#now;
  }
  /** Moves the clock forward by `ms`. */
  advance(ms: number): void {
    this.#now += ms;
  }
}

/** Whether a registered resume was called, and how often. */
export class Wakeup {
  calls = 0;
  get woken(): boolean {
    return this.calls > 0;
  }
  readonly resume = (): void => {
    this.calls++;
  };
}

function toBytes(data: string | Uint8Array): Uint8Array {
  // Strings are taken byte for byte (Latin-1), so a transcript shows exactly the wire bytes.
  return typeof data === "string" ? Uint8Array.from(data, (c) => c.charCodeAt(0) & 0xff) : data;
}

/**
 * One connection driven step by step. Input the connection did not consume stays buffered and is
 * offered again first, as a driver would. The connection's methods are called one at a time, never
 * from inside a resume.
 */
export class Transcript {
  readonly connection: Connection;
  readonly clock: ManualClock;
  #pending: Uint8Array = new Uint8Array(0);
  #eofSeen = false;

  constructor(connection: Connection, clock = new ManualClock()) {
    this.connection = connection;
    this.clock = clock;
    connection.setClock?.(clock);
  }

  // ---- input ----------------------------------------------------------------------------------

  /** The connection's next read operation. */
  readOperation(): ReadOperation {
    return this.connection.nextReadOperation();
  }

  /**
   * Appends `data` to the unconsumed input and offers it all with `read` (the connection must be
   * asking to read). Returns how many bytes it consumed.
   */
  feed(data: string | Uint8Array = ""): number {
    this.#pending = concatBytes([this.#pending, toBytes(data)]);
    const op = this.connection.nextReadOperation();
    if (op !== "read") throw new Error(`feed(): the connection's read operation is "${op}", not "read"`);
    return this.#offer((buffer, length) => this.connection.read(buffer, 0, length));
  }

  /** Appends `data` and offers everything with `readEof`: the peer's input has ended. */
  feedEof(data: string | Uint8Array = ""): number {
    this.#pending = concatBytes([this.#pending, toBytes(data)]);
    this.#eofSeen = true;
    return this.#offer((buffer, length) => this.connection.readEof(buffer, 0, length));
  }

  /** The input offered but not consumed yet (what a driver keeps in its buffer). */
  get unconsumed(): string {
    return latin1.decode(this.#pending);
  }

  /** True once {@link feedEof} was called. */
  get eofSeen(): boolean {
    return this.#eofSeen;
  }

  /** Registers a reader resume (the driver yields the reader); returns it to check whether it was called. */
  yieldReader(): Wakeup {
    const wakeup = new Wakeup();
    this.connection.yieldReader(wakeup.resume);
    return wakeup;
  }

  #offer(call: (buffer: Uint8Array, length: number) => number): number {
    // A fresh copy each time: the connection may keep no reference to the bytes it was offered.
    const buffer = this.#pending.slice();
    const consumed = call(buffer, buffer.length);
    if (!Number.isInteger(consumed) || consumed < 0 || consumed > buffer.length) {
      throw new Error(`read returned ${consumed} for ${buffer.length} bytes offered`);
    }
    buffer.fill(0xee); // the offered bytes are only valid during the call
    this.#pending = this.#pending.subarray(consumed);
    return consumed;
  }

  // ---- output ---------------------------------------------------------------------------------

  /** The connection's next write operation's kind. A `write` must be followed by {@link reportWritten}. */
  writeOperation(): WriteOperation {
    return this.connection.nextWriteOperation();
  }

  /**
   * Takes every byte the connection wants to write now: asks for write operations and reports each
   * one written in full until it yields or closes. Returns the bytes as Latin-1 text.
   */
  output(): string {
    return latin1.decode(this.outputBytes());
  }

  /** Like {@link output}, as bytes. */
  outputBytes(): Uint8Array {
    const parts: Uint8Array[] = [];
    for (let i = 0; i < 10_000; i++) {
      const op = this.connection.nextWriteOperation();
      if (op.kind !== "write") return concatBytes(parts);
      let total = 0;
      for (const iovec of op.iovecs) {
        parts.push(iovec.slice());
        total += iovec.length;
      }
      this.connection.reportWriteResult(total);
    }
    throw new Error("output(): the connection never stopped writing");
  }

  /** What the writer does once the output is taken: "yield" or "close" (after taking any output). */
  writerState(): "yield" | "close" {
    const rest = this.output();
    if (rest !== "") throw new Error(`writerState(): unexpected output ${JSON.stringify(rest)}`);
    const op = this.connection.nextWriteOperation();
    if (op.kind === "write") throw new Error("writerState(): the connection wants to write");
    return op.kind;
  }

  /** Registers a writer resume (the driver yields the writer); returns it to check whether it was called. */
  yieldWriter(): Wakeup {
    const wakeup = new Wakeup();
    this.connection.yieldWriter(wakeup.resume);
    return wakeup;
  }

  /** Reports that the peer stopped reading (a write failed). */
  reportWriteClosed(): void {
    this.connection.reportWriteResult("closed");
  }

  // ---- time -----------------------------------------------------------------------------------

  /** The connection's next deadline (undefined: none). */
  deadline(): number | undefined {
    return this.connection.nextDeadline?.();
  }

  /**
   * Moves the clock by `ms` and, like a driver, calls `handleTimeout` if the connection's deadline
   * has come (once per deadline reached, at most 100 times). Returns how many times it fired.
   */
  advance(ms: number): number {
    this.clock.advance(ms);
    let fired = 0;
    for (;;) {
      const deadline = this.connection.nextDeadline?.();
      if (deadline === undefined || deadline > this.clock.now()) return fired;
      if (++fired > 100) throw new Error("advance(): the deadline keeps firing without moving");
      this.connection.handleTimeout?.(this.clock.now());
    }
  }

  // ---- async handlers -------------------------------------------------------------------------

  /** Lets pending promise callbacks (async handlers, body readers) run: a few macrotask turns, bounded. */
  async settle(turns = 3): Promise<void> {
    for (let i = 0; i < turns; i++) await new Promise<void>((resolve) => setImmediate(resolve));
  }
}
