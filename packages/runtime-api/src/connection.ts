/**
 * What the protocol wants to do with its input next.
 * - `"read"`: offer it bytes with {@link Connection.read} (or {@link Connection.readEof} once the input has ended).
 * - `"yield"`: it cannot take input now; register a wake-up with {@link Connection.yieldReader}.
 * - `"close"`: it wants no more input; the read side is finished.
 */
export type ReadOperation = "read" | "yield" | "close";

/**
 * What the protocol wants to do with its output next.
 * - `write`: send `iovecs` in order. The memory belongs to the connection; the driver reports with
 *   {@link Connection.reportWriteResult} how many bytes the runtime no longer needs. The driver reads
 *   the `iovecs` array once, when the operation starts (it copies the array of views, not the bytes):
 *   changing or reusing the array afterwards does not affect this write. The bytes must stay unchanged
 *   until a result covers them.
 * - `yield`: nothing to send now; register a wake-up with {@link Connection.yieldWriter}.
 * - `close`: the output is complete; the driver half-closes the socket (sends FIN).
 */
export type WriteOperation =
  | { readonly kind: "write"; readonly iovecs: readonly Uint8Array[] }
  | { readonly kind: "yield" }
  | { readonly kind: "close" };

/**
 * The driver's monotonic clock, in milliseconds from an arbitrary origin. The only "now" a sans-IO
 * protocol may use: never `Date.now()`, `performance.now()` or `setTimeout`. The in-memory runtime's
 * clock is virtual and moves only when a test advances it.
 */
export interface Clock {
  /** Milliseconds on this clock; never decreases. */
  now(): number;
}

/**
 * Bytes of the last `write` operation the runtime no longer needs, or `"closed"` when the peer is gone.
 * `"closed"` comes at most once, for a write that failed (or was in flight when the connection was
 * lost), always before the error that ends the connection; the driver writes nothing after it and
 * does not ask `nextWriteOperation` again. It ends the write side only: bytes already received are
 * still offered. See the fault table on {@link Connection.reportError}.
 */
export type WriteResult = number | "closed";

/**
 * A sans-IO protocol state machine: it says what it wants to read and write and never touches a socket.
 * An adapter (a "driver") calls these methods; the protocol never calls the driver except through the
 * `resume` callbacks it was handed.
 *
 * Rules the driver keeps (checked by `@sansio/runtime-api/conformance`):
 * - Methods are called one at a time, never re-entrantly, and never from inside a `resume` callback.
 * - The bytes offered to `read`/`readEof` are only valid during that call: copy what must be kept.
 *   Unconsumed bytes are offered again, first, the next time the protocol asks to read.
 * - At most one resume is pending per side; calling a `resume` more than once, or after the
 *   connection closed, is harmless.
 * - After `reportWriteResult("closed")` the driver sends nothing more on this connection.
 * - Faults give the same calls in the same order on every runtime: see {@link Connection.reportError}.
 */
export interface Connection {
  /** What the protocol wants to do with its input next. */
  nextReadOperation(): ReadOperation;
  /**
   * Offers `length` bytes at `buffer[offset..]`. Returns how many it consumed (0..length); the rest
   * stays buffered in the driver and is offered again before the driver waits on the socket.
   */
  read(buffer: Uint8Array, offset: number, length: number): number;
  /** Like {@link read}, but the input has ended: no more bytes will follow these. Returns bytes consumed. */
  readEof(buffer: Uint8Array, offset: number, length: number): number;
  /** Called after `nextReadOperation()` returned `"yield"`: call `resume` when input can be taken again. */
  yieldReader(resume: () => void): void;
  /** What the protocol wants to do with its output next. */
  nextWriteOperation(): WriteOperation;
  /** The outcome of the last `write` operation: bytes the runtime no longer needs, or `"closed"`. */
  reportWriteResult(result: WriteResult): void;
  /** Called after `nextWriteOperation()` returned `yield`: call `resume` when there may be output. */
  yieldWriter(resume: () => void): void;
  /**
   * An error from the protocol itself, the runtime's I/O, a timeout or a limit (typed: see errors).
   * Called at most once, last: nothing is called after it and the socket is released. The fault table
   * (docs/FAULTS.md), the same on every runtime:
   *
   * | fault | write result | this error | bytes already received |
   * |---|---|---|---|
   * | peer reset, while writing / idle / reading | `"closed"` once if a write was in flight | `ConnectionLostError`, code `ECONNRESET` | all offered first; never `readEof` |
   * | peer FIN | none (writes still work) | none | all, then `readEof` once |
   * | FIN, then our write hits the closed peer | `"closed"` once | `ConnectionLostError`, `ECONNRESET` | all, then `readEof`, then this |
   * | local `session.close()` | none | `ConnectionClosedError` | no more |
   * | `idleTimeout` | none | `TimeoutError` | no more |
   * | TLS failure mid-stream | `"closed"` once if a write was in flight | `ConnectionLostError`, `EPROTO` | all offered first |
   *
   * An input end that arrives while a write is in flight waits for that write (only its outcome tells a
   * reset from a FIN); a loss that arrives while the reader is yielded with bytes buffered waits until
   * the reader has been offered them. `EPIPE` counts as `ECONNRESET`.
   */
  reportError(error: unknown): void;
  /** True once the protocol is finished in both directions. */
  isClosed(): boolean;
  /** Asks the protocol to finish gracefully: take no new work, complete what is under way, then close. */
  shutdown(): void;

  // ---- time (optional: a connection without these methods never hears of time) ----

  /**
   * Optional. Called once, before any other method, with the driver's clock. Read "now" from it
   * whenever the protocol needs the time (e.g. to start a deadline when a request begins).
   */
  setClock?(clock: Clock): void;
  /**
   * Optional. When the protocol next needs {@link handleTimeout}: a time on the driver's clock (ms),
   * or `undefined` for no deadline. The driver asks after every call it makes into the connection
   * (and after each `resume` it runs), keeps one timer per connection, re-arms it only when the
   * answer changes, and calls `handleTimeout` once the clock has reached it (never before). A deadline
   * at or before now fires promptly, on a macrotask, never on the stack that set it.
   */
  nextDeadline?(): number | undefined;
  /**
   * Optional. The deadline given by {@link nextDeadline} has come; `now` is the driver's clock. The
   * protocol updates its state (e.g. queues a 408, or decides to close). Afterwards the driver asks
   * both sides again where nothing is pending, as after {@link shutdown}, and asks `nextDeadline` again.
   */
  handleTimeout?(now: number): void;
}
