import type { Connection } from "./connection.js";
import {
  ConnectionClosedError,
  ConnectionLostError,
  ReadBufferOverflowError,
  SansioError,
  TimeoutError,
  toConnectionLost,
} from "./errors.js";
import { iovecsLength } from "./iovec.js";
import { ReadBuffer } from "./read-buffer.js";
import type { DriveOptions } from "./runtime.js";
import type { Transport, TransportSink, WriteCallback } from "./transport.js";

/** A protocol that asks for empty writes this many times in a row is stopped (it would spin). */
const MAX_EMPTY_WRITES = 64;

type Side = "idle" | "running" | "io" | "yielded" | "done";

/**
 * Deliberate driver bugs, for proving that the conformance suite catches them (see
 * `createFlawedMemoryRuntime` in `@sansio/runtime-api/testing`). Never set in production.
 */
export type DriverFlaw = "never-reoffer-buffered" | "second-resume" | "write-after-closed" | "drop-eof";

/** Internal: the driver option that injects a {@link DriverFlaw}. */
export const driverFlaw: unique symbol = Symbol("sansio.driverFlaw");

/**
 * Drives one {@link Connection} over one {@link Transport}: the read and write pumps, the read buffer,
 * one pending resume per side (never run on the caller's stack), "stop after closed", the idle timeout and
 * the closing logic. Every adapter uses it; an adapter only supplies the transport.
 */
export class Driver implements TransportSink {
  /** Settles once the socket is released; never rejects. */
  readonly closed: Promise<void>;
  readonly #buffer: ReadBuffer;
  readonly #idleTimeout: number;
  #transport: Transport | undefined;
  #connection: Connection | undefined;
  #read: Side = "idle";
  #write: Side = "idle";
  #eof = false;
  #eofIdle = false;
  #pushing = false;
  /** The read pump stopped the push transport during the current `data()` call. */
  #stoppedWhilePushing = false;
  /** A pull read is to be started when the read pump returns. */
  #pullDue = false;
  #switching = false;
  #released = false;
  #releasing = false;
  #errored = false;
  #emptyWrites = 0;
  #lastActivity = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #settle!: () => void;
  #onClosed: (() => void) | undefined;
  /** True while `transport.write` runs: a completion reported meanwhile is kept for the pump's loop. */
  #writeCalling = false;
  #syncWritten = -1;
  #syncError: unknown = null;
  /** Depth of driver calls into the connection; resumes called meanwhile are run when it returns to 0. */
  #depth = 0;
  /** Resumes called from inside the connection (bit 1: read, bit 2: write), run once it has returned. */
  #deferred = 0;
  #draining = false;

  readonly #flaw: DriverFlaw | undefined;

  constructor(options: DriveOptions & { readonly [driverFlaw]?: DriverFlaw } = {}) {
    this.#flaw = options[driverFlaw];
    this.#buffer = new ReadBuffer(options.readBufferSize, options.maxReadBufferSize);
    const idle = options.idleTimeout ?? 0;
    if (!Number.isFinite(idle) || idle < 0) throw new RangeError(`idleTimeout must be >= 0 ms, got ${idle}`);
    this.#idleTimeout = idle;
    this.closed = new Promise((resolve) => {
      this.#settle = resolve;
    });
  }

  /** The connection being driven, once started. */
  get connection(): Connection | undefined {
    return this.#connection;
  }

  /** True once the socket is released. */
  get isReleased(): boolean {
    return this.#released;
  }

  /** Binds the transport (before `start`, or to replace it after STARTTLS). */
  attach(transport: Transport): void {
    this.#transport = transport;
  }

  /** Called once when the socket is released (listeners use it to count connections). */
  onClosed(callback: () => void): void {
    this.#onClosed = callback;
  }

  /** Starts driving `connection`. `head` bytes (already read from the socket) are offered first. */
  start(connection: Connection, head?: Uint8Array): void {
    if (this.#connection) throw new Error("driver already started");
    this.#connection = connection;
    if (head && head.length > 0) this.#buffer.append(head);
    if (this.#idleTimeout > 0) {
      this.#lastActivity = Date.now();
      this.#armTimer(this.#idleTimeout);
    }
    this.#pumpRead();
    this.#pumpWrite();
  }

  // ---- TransportSink -------------------------------------------------------------------------

  data(chunk: Uint8Array): void {
    if (this.#read === "done" || this.#released) return;
    if (this.#idleTimeout > 0) this.#lastActivity = Date.now();
    this.#buffer.adopt(chunk);
    if (this.#read === "io") this.#read = "idle";
    this.#stoppedWhilePushing = false;
    this.#pushing = true;
    this.#pumpRead();
    this.#pushing = false;
    this.#buffer.settle();
    if (this.#read !== "idle" && this.#read !== "running" && this.#buffer.length >= this.#buffer.maxSize) {
      this.#transport?.readStop();
    }
  }

  space(): Uint8Array {
    return this.#buffer.space();
  }

  filled(n: number): void {
    if (this.#released) return;
    if (this.#idleTimeout > 0) this.#lastActivity = Date.now();
    this.#buffer.commit(n);
    if (this.#read === "io") this.#read = "idle";
    this.#pumpRead();
  }

  eof(): void {
    if (this.#released || this.#flaw === "drop-eof") return;
    this.#eof = true;
    if (this.#read === "io") this.#read = "idle";
    this.#pumpRead();
  }

  error(error: unknown): void {
    if (this.#releasing) return;
    this.#fail(toConnectionLost(error, "connection lost"));
  }

  socketClosed(): void {
    if (this.#released) return;
    if (!this.#releasing) {
      // The runtime closed the socket under us (peer reset, runtime timeout...).
      this.#report(new ConnectionLostError("the socket was closed before the connection finished"));
    }
    this.#release();
  }

  // ---- control --------------------------------------------------------------------------------

  /** Graceful shutdown: tells the connection, then asks both sides again where nothing is pending. */
  shutdown(): void {
    const connection = this.#connection;
    if (!connection || this.#releasing) return;
    try {
      connection.shutdown();
    } catch (error) {
      this.#protocolError(error);
      return;
    }
    // A push transport waiting for input can be asked again now; a pull read in flight asks when it lands.
    if (this.#read === "io" && !this.#transport?.pull) this.#read = "idle";
    this.#pumpRead();
    this.#pumpWrite();
  }

  /** Abortive close: the connection hears `ConnectionClosedError` if it was still open. */
  abort(error?: unknown): void {
    if (this.#released) return;
    if (this.#releasing) {
      // A graceful close is under way: force it.
      try {
        this.#transport?.abort();
      } catch {
        // The transport still owes sink.socketClosed().
      }
      return;
    }
    this.#report(error ?? new ConnectionClosedError("the session was closed"));
    this.#teardown(true);
  }

  /**
   * Replaces the transport in place (STARTTLS). Allowed only while the reader is yielded or waiting
   * with no read in flight, no write in flight and no unread bytes buffered.
   */
  async switchTransport(make: (old: Transport) => Promise<Transport>): Promise<void> {
    const old = this.#transport;
    if (!old || this.#releasing) throw new ConnectionClosedError("the session is closed");
    if (this.#buffer.length > 0) {
      throw new SansioError(
        `startTls: ${this.#buffer.length} unread plaintext bytes are buffered; they would be mixed with the TLS stream`,
      );
    }
    if (this.#write === "io")
      throw new SansioError("startTls: a write is in flight; call it once the writer has yielded");
    if (old.pull && this.#read === "io") {
      throw new SansioError("startTls: a read is in flight; call it while the connection's reader is yielded");
    }
    old.readStop();
    this.#switching = true; // hold both pumps while the handshake runs; resumes still land
    if (this.#read === "io") this.#read = "idle";
    let next: Transport;
    try {
      next = await make(old);
    } catch (error) {
      this.#switching = false;
      const lost = toConnectionLost(error, "startTls failed");
      this.#fail(lost);
      throw lost;
    }
    this.#switching = false;
    if (this.#releasing) {
      next.abort();
      throw new ConnectionClosedError("the session was closed during the TLS handshake");
    }
    this.#transport = next;
    if (this.#read === "idle") this.#pumpRead();
    if (this.#write === "idle") this.#pumpWrite();
  }

  // ---- read pump ------------------------------------------------------------------------------

  #pumpRead(): void {
    const connection = this.#connection;
    const transport = this.#transport;
    if (!connection || !transport || this.#read !== "idle" || this.#releasing || this.#switching) return;
    this.#read = "running";
    const buffer = this.#buffer;
    this.#depth++;
    try {
      this.#readLoop(connection, transport, buffer);
    } finally {
      this.#depth--;
    }
    this.#drainDeferred();
    if (this.#pullDue) this.#startPull(transport);
  }

  /** Posts the pull read the read pump asked for, unless the connection moved on meanwhile. */
  #startPull(transport: Transport): void {
    this.#pullDue = false;
    if (this.#read === "io" && !this.#releasing && this.#transport === transport) transport.readStart();
  }

  #readLoop(connection: Connection, transport: Transport, buffer: ReadBuffer): void {
    try {
      for (;;) {
        const op = connection.nextReadOperation();
        if (op === "read") {
          if (this.#eof) {
            if (this.#eofIdle && buffer.length === 0) {
              this.#read = "done";
              break;
            }
            const n = connection.readEof(buffer.bytes, buffer.start, buffer.length);
            buffer.consume(n);
            this.#eofIdle = n === 0;
            if (n === 0 && buffer.length > 0) {
              // Nothing more can arrive and the protocol will not take what is left.
              this.#read = "done";
              break;
            }
            continue;
          }
          if (buffer.length > 0) {
            const n = connection.read(buffer.bytes, buffer.start, buffer.length);
            buffer.consume(n);
            if (n > 0) continue;
            if (buffer.length >= buffer.maxSize) {
              this.#read = "idle";
              this.#fail(new ReadBufferOverflowError(buffer.maxSize));
              return;
            }
          }
          // Wait for the socket.
          if (transport.pull) {
            // Started once the pump is done and resumes it caused have run: a reply the connection
            // just produced leaves before the next read is posted (workerd: +30% round trips/s).
            this.#read = "io";
            this.#pullDue = true;
          } else {
            this.#read = "io";
            // A push transport delivering this chunk keeps delivering, unless the pump stopped it meanwhile.
            if (!this.#pushing || this.#stoppedWhilePushing) {
              this.#stoppedWhilePushing = false;
              transport.readStart();
            }
          }
          return;
        }
        if (op === "yield") {
          this.#eofIdle = false;
          this.#read = "yielded";
          if (!transport.pull) {
            transport.readStop();
            if (this.#pushing) this.#stoppedWhilePushing = true;
          }
          connection.yieldReader(this.#resumer("read"));
          if (this.#flaw === "second-resume") connection.yieldReader(this.#resumer("read"));
          return;
        }
        if (op === "close") {
          this.#read = "done";
          break;
        }
        throw new TypeError(`nextReadOperation returned ${String(op)}`);
      }
      // The read side is finished.
      transport.readStop();
      this.#maybeRelease();
    } catch (error) {
      if (this.#read === "running") this.#read = "idle";
      this.#protocolError(error);
    }
  }

  // ---- write pump -----------------------------------------------------------------------------

  #pumpWrite(): void {
    const connection = this.#connection;
    const transport = this.#transport;
    if (!connection || !transport || this.#write !== "idle" || this.#releasing || this.#switching) return;
    this.#write = "running";
    this.#depth++;
    try {
      this.#writeLoop(connection, transport);
    } finally {
      this.#depth--;
    }
    this.#drainDeferred();
  }

  #writeLoop(connection: Connection, transport: Transport): void {
    try {
      for (;;) {
        const op = connection.nextWriteOperation();
        if (op.kind === "write") {
          const total = iovecsLength(op.iovecs);
          if (total === 0) {
            if (++this.#emptyWrites > MAX_EMPTY_WRITES) {
              throw new SansioError(`the protocol asked for ${MAX_EMPTY_WRITES} empty writes in a row`);
            }
            connection.reportWriteResult(0);
            continue;
          }
          this.#emptyWrites = 0;
          this.#write = "io";
          this.#syncWritten = -1;
          this.#writeCalling = true;
          try {
            transport.write(op.iovecs, this.#onWritten ?? this.#makeWriteCallback());
          } finally {
            this.#writeCalling = false;
          }
          const written = this.#syncWritten;
          if (written < 0) return; // completes later
          const error = this.#syncError;
          this.#syncError = null;
          this.#write = "running";
          if (!this.#afterWrite(error, written)) return;
          continue;
        }
        if (op.kind === "yield") {
          this.#write = "yielded";
          connection.yieldWriter(this.#resumer("write"));
          return;
        }
        if (op.kind === "close") {
          this.#write = "done";
          transport.shutdownWrite();
          this.#maybeRelease();
          return;
        }
        throw new TypeError(`nextWriteOperation returned ${String((op as { kind?: unknown }).kind)}`);
      }
    } catch (error) {
      if (this.#write === "running") this.#write = "idle";
      this.#protocolError(error);
    }
  }

  /** The completion callback of every write: made at the first write, then reused (no closure per write). */
  #onWritten: WriteCallback | undefined;

  #makeWriteCallback(): WriteCallback {
    const callback: WriteCallback = (error, written) => {
      if (this.#writeCalling) {
        // Completed inside transport.write: the pump's loop reports it, without growing the stack.
        this.#syncError = error;
        this.#syncWritten = written;
        return;
      }
      this.#writeDone(error, written);
    };
    this.#onWritten = callback;
    return callback;
  }

  #writeDone(error: unknown, written: number): void {
    if (this.#releasing || this.#write !== "io") return;
    this.#write = "running";
    let more = false;
    this.#depth++;
    try {
      more = this.#afterWrite(error, written);
    } catch (thrown) {
      this.#write = "idle";
      this.#protocolError(thrown);
    } finally {
      this.#depth--;
    }
    if (more) {
      this.#write = "idle";
      this.#pumpWrite();
    }
    this.#drainDeferred();
  }

  /** Reports a write's outcome; false when the write side is now finished. */
  #afterWrite(error: unknown, written: number): boolean {
    const connection = this.#connection as Connection;
    if (error !== null && error !== undefined) {
      // The peer is gone: say so once, then never write again (no spinning on EPIPE).
      connection.reportWriteResult("closed");
      if (this.#flaw === "write-after-closed") return true;
      this.#write = "done";
      this.#maybeRelease();
      return false;
    }
    if (this.#idleTimeout > 0) this.#lastActivity = Date.now();
    connection.reportWriteResult(written);
    return true;
  }

  // ---- resumes ----------------------------------------------------------------------------------

  /**
   * A resume for one yield. Called from inside the connection (while the driver is calling it), it
   * runs once the connection has returned to the driver, before the driver gives control back to the
   * runtime; called from anywhere else (a timer, a promise), it runs on a microtask. Either way never
   * on the caller's stack, and only once.
   */
  #resumer(side: "read" | "write"): () => void {
    let used = false;
    const bit = side === "read" ? 1 : 2;
    return () => {
      if (used) return;
      used = true;
      if (this.#depth > 0) this.#deferred |= bit;
      else queueMicrotask(side === "read" ? this.#readTask() : this.#writeTask());
    };
  }

  /** The microtasks of resumes called from outside the driver (made when first needed, then reused). */
  #readTaskFn: (() => void) | undefined;
  #writeTaskFn: (() => void) | undefined;

  #readTask(): () => void {
    if (!this.#readTaskFn) this.#readTaskFn = () => this.#resumeRead();
    return this.#readTaskFn;
  }

  #writeTask(): () => void {
    if (!this.#writeTaskFn) this.#writeTaskFn = () => this.#resumeWrite();
    return this.#writeTaskFn;
  }

  #resumeRead(): void {
    if (this.#read !== "yielded") return;
    this.#read = "idle";
    if (this.#flaw === "never-reoffer-buffered") this.#buffer.consume(this.#buffer.length);
    this.#pumpRead();
  }

  #resumeWrite(): void {
    if (this.#write !== "yielded") return;
    this.#write = "idle";
    this.#pumpWrite();
  }

  /** Runs the resumes deferred while the driver was calling the connection, in a loop (no recursion). */
  #drainDeferred(): void {
    if (this.#depth > 0 || this.#deferred === 0 || this.#draining) return;
    this.#draining = true;
    try {
      while (this.#deferred !== 0) {
        const deferred = this.#deferred;
        this.#deferred = 0;
        if (deferred & 1) this.#resumeRead();
        if (deferred & 2) this.#resumeWrite();
      }
    } finally {
      this.#draining = false;
    }
  }

  // ---- errors and closing -----------------------------------------------------------------------

  #report(error: unknown): void {
    const connection = this.#connection;
    if (!connection || this.#errored) return;
    this.#errored = true;
    try {
      connection.reportError(error);
    } catch {
      // A protocol that throws from reportError has nothing left to tell; the socket still closes.
    }
  }

  #protocolError(error: unknown): void {
    this.#report(error);
    this.#teardown(true);
  }

  #fail(error: unknown): void {
    this.#report(error);
    this.#teardown(true);
  }

  #maybeRelease(): void {
    if (this.#read === "done" && this.#write === "done") this.#teardown(false);
  }

  #teardown(abortive: boolean): void {
    if (this.#releasing) return;
    this.#releasing = true;
    this.#read = "done";
    this.#write = "done";
    this.#clearTimer();
    const transport = this.#transport;
    if (!transport) {
      this.#release();
      return;
    }
    try {
      if (abortive) transport.abort();
      else transport.close();
    } catch {
      try {
        transport.abort();
      } catch {
        // Closing always happens from our side; the transport still owes sink.socketClosed().
      }
    }
  }

  #release(): void {
    if (this.#released) return;
    this.#releasing = true;
    this.#released = true;
    this.#read = "done";
    this.#write = "done";
    this.#clearTimer();
    this.#settle();
    const onClosed = this.#onClosed;
    this.#onClosed = undefined;
    onClosed?.();
  }

  // ---- idle timeout -----------------------------------------------------------------------------

  #armTimer(ms: number): void {
    const timer = setTimeout(() => this.#checkIdle(), ms);
    (timer as { unref?: () => void }).unref?.();
    this.#timer = timer;
  }

  #checkIdle(): void {
    this.#timer = undefined;
    if (this.#releasing) return;
    const idleFor = Date.now() - this.#lastActivity;
    if (idleFor >= this.#idleTimeout) {
      this.#fail(new TimeoutError(`no bytes read or written for ${this.#idleTimeout} ms (idleTimeout)`));
    } else {
      this.#armTimer(this.#idleTimeout - idleFor);
    }
  }

  #clearTimer(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
