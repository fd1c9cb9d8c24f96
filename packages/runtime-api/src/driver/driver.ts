import type { Clock, Connection } from "../connection.js";
import { ConnectionClosedError, ConnectionLostError, SansioError, TimeoutError, toConnectionLost } from "../errors.js";
import { ReadBuffer } from "../read-buffer.js";
import type { DriveOptions, Session, SessionCloseReason, TraceEvent } from "../runtime.js";
import type { Transport, TransportSink } from "../transport.js";
import { type DriverClock, monotonicClock } from "./clock.js";
import { DriverCounters } from "./counters.js";
import { checkDriveOptions } from "./options.js";
import { ReadPump } from "./read-pump.js";
import { ResumeScheduler, type TurnListener } from "./resumes.js";
import { Timekeeper, type TimekeeperHost } from "./timekeeper.js";
import { WritePump, type WritePumpHost } from "./write-pump.js";

/**
 * Where a driver is in its life:
 *
 * ```
 * created --start--> running --switchTransport--> switching --handshake done--> running
 *    |                  |  both sides done / fail / abort       | handshake failed / abort
 *    +------------------+-----------------> releasing <---------+
 *                                               | transport reports socketClosed
 *                                               v
 *                                           released  (closed settles)
 * ```
 */
export type DriverPhase = "created" | "running" | "switching" | "releasing" | "released";

/** Options of a {@link Driver}: the shared drive options, and (for test runtimes) the clock. */
export interface DriverOptions extends DriveOptions {
  /** The clock for "now", the idle timeout and the protocol's deadlines. Default {@link monotonicClock}. */
  readonly clock?: DriverClock;
}

/**
 * Drives one {@link Connection} over one {@link Transport}: the read and write pumps, the read buffer,
 * one pending resume per side (never run on the caller's stack), "stop after closed", one timer for the
 * idle timeout and the protocol's deadlines, and the closing logic. Every adapter uses it; an adapter
 * only supplies the transport.
 */
export class Driver implements TransportSink, WritePumpHost, TimekeeperHost, TurnListener {
  /** Settles once the socket is released; never rejects. */
  readonly closed: Promise<void>;
  readonly resumes: ResumeScheduler;
  readonly time: Timekeeper;
  readonly counters: DriverCounters;
  readonly #clock: DriverClock;
  readonly #buffer: ReadBuffer;
  readonly #reads: ReadPump;
  readonly #writes: WritePump;
  #phase: DriverPhase = "created";
  #transport: Transport | undefined;
  #connection: Connection | undefined;
  /** The connection has `nextDeadline`: ask it after every turn. */
  #hasDeadlines = false;
  /** `reportError` was called (it is called at most once). */
  #errorReported = false;
  /**
   * A write failed: the peer is gone. The write side is done; the read side goes on offering what was
   * received, and this loss is reported when the input ends (never as a clean `readEof`).
   */
  #fault: SansioError | undefined;
  /**
   * The input ended while a write was in flight: held back until that write settles. When the peer
   * resets, one call gets ECONNRESET and the other a plain end (the kernel hands the error out once),
   * and pull runtimes settle the two in either order: only the write's outcome tells a reset from a FIN.
   */
  #eofHeld = false;
  /** The input ended in an error while a yielded reader still had bytes to be offered: reported after them. */
  #lossDue = false;
  /** The transport reported `socketClosed` while a loss was held back: teardown releases at once. */
  #socketGone = false;
  /** Resolves {@link closed}. */
  #settle!: () => void;
  /** Told once when the socket is released (the listener's connection count). */
  #onClosed: (() => void) | undefined;
  /** The trace hook of the drive options, or undefined (then no event is ever built). */
  readonly #trace: ((event: TraceEvent) => void) | undefined;
  /** The session handed to the application (set by it), for trace events. */
  #session: Session | undefined;
  /** The session was TLS from the start: traced right after "open". */
  #secure = false;
  /** Why the socket is being released (the first reason wins). */
  #closeReason: SessionCloseReason | undefined;

  constructor(options: DriverOptions = {}) {
    checkDriveOptions(options);
    this.#clock = options.clock ?? monotonicClock;
    this.#buffer = new ReadBuffer(options.readBufferSize, options.maxReadBufferSize);
    this.counters = new DriverCounters(this.#clock, this.#buffer);
    this.#trace = options.trace;
    this.#reads = new ReadPump(this, this.#buffer);
    this.#writes = new WritePump(this);
    this.resumes = new ResumeScheduler(this.#reads, this.#writes, this);
    // The driver is the timekeeper's host itself: no host object or closures per connection.
    this.time = new Timekeeper(this.#clock, options.idleTimeout ?? 0, this);
    this.closed = new Promise((resolve) => {
      this.#settle = resolve;
    });
  }

  /** Where the driver is in its life. */
  get phase(): DriverPhase {
    return this.#phase;
  }

  /** True while the pumps may run. */
  get running(): boolean {
    return this.#phase === "running";
  }

  /** The connection being driven. Only read by the pumps, which run after `start`. */
  get connection(): Connection {
    return this.#connection as Connection;
  }

  /** The transport bytes go through. Only read by the pumps, which run after `attach`. */
  get transport(): Transport {
    return this.#transport as Transport;
  }

  /** Binds the transport (before `start`, or to replace it after STARTTLS). */
  attach(transport: Transport): void {
    this.#transport = transport;
  }

  /** Called once when the socket is released (listeners use it to count connections). */
  onClosed(callback: () => void): void {
    this.#onClosed = callback;
  }

  /** The session handed to the application (trace events carry it); `secure` when it is TLS from the start. */
  bindSession(session: Session, secure: boolean): void {
    this.#session = session;
    this.#secure = secure;
  }

  /** STARTTLS finished: traced as "tls". */
  tlsEstablished(alpnProtocol: string | null): void {
    const session = this.#session;
    if (this.#trace && session) this.#emit({ type: "tls", session, alpnProtocol });
  }

  /**
   * Starts driving `connection` over the attached transport. `head` bytes (already read from the
   * socket) are offered first. The connection's clock is set before anything else is asked of it.
   */
  start(connection: Connection, head?: Uint8Array): void {
    if (this.#phase !== "created") {
      throw new SansioError(this.#connection ? "driver already started" : "the socket was released before start");
    }
    if (!this.#transport) throw new SansioError("driver.start: attach a transport first");
    this.#connection = connection;
    this.#phase = "running";
    this.counters.opened();
    const session = this.#session;
    if (this.#trace && session) {
      this.#emit({ type: "open", session });
      if (this.#secure) this.#emit({ type: "tls", session, alpnProtocol: session.alpnProtocol });
    }
    this.#hasDeadlines = typeof connection.nextDeadline === "function";
    if (head && head.length > 0) this.#buffer.append(head);
    if (typeof connection.setClock === "function") {
      const clock: Clock = this.#clock;
      this.resumes.enter();
      try {
        connection.setClock(clock);
      } catch (error) {
        this.fail(error);
      }
      this.resumes.leave();
    }
    this.time.start();
    this.#reads.run();
    this.#writes.run();
  }

  // ---- TransportSink -------------------------------------------------------------------------

  data(chunk: Uint8Array): void {
    this.#reads.data(chunk);
  }

  space(): Uint8Array {
    return this.#buffer.space();
  }

  filled(n: number): void {
    this.#reads.filled(n);
  }

  eof(): void {
    if (this.#fault === undefined && this.#writes.state === "io") {
      this.#eofHeld = true;
      return;
    }
    this.#eofHeld = false;
    const fault = this.#fault;
    // After a failed write the input's end is the reset's, not a clean end (the write consumed the
    // ECONNRESET, the read sees 0): every received byte has been offered, so the loss is reported now.
    // A reader yielded at this moment gets its buffered bytes first (readEof), then the loss.
    if (fault && this.#reads.state !== "yielded" && this.#reads.state !== "running") this.#lose(fault);
    else this.#reads.eof();
  }

  error(error: unknown): void {
    if (this.#phase === "releasing" || this.#phase === "released") return;
    const lost = this.#fault ?? toConnectionLost(error, "connection lost");
    if (this.#reads.state === "yielded" && this.#buffer.length > 0) {
      // Received bytes wait for a yielded reader: the loss is reported once it has been offered them
      // and asks for more (turnEnded), or once the read side is done (sideDone).
      this.#fault = lost;
      this.#lossDue = true;
      return;
    }
    this.#lose(lost);
  }

  socketClosed(): void {
    if (this.#phase === "released") return;
    if (this.#lossDue && this.#phase === "running") {
      // The socket is gone but a yielded reader has yet to be offered what it received: the loss is
      // reported after that, and the release follows it (nothing is left to close).
      this.#socketGone = true;
      return;
    }
    if (this.#phase !== "releasing") {
      // The runtime closed the socket under us (peer reset, runtime timeout...).
      this.#closeReason ??= "lost";
      this.#abandonWrite();
      this.#report(this.#fault ?? new ConnectionLostError("the socket was closed before the connection finished"));
    }
    this.#release();
  }

  /** WritePump: a write failed and the connection heard `"closed"`; reading goes on until the input ends. */
  writeFailed(error: unknown): void {
    this.#fault ??= toConnectionLost(error, "connection lost while writing");
    if (this.#eofHeld) this.eof();
    else if (this.#reads.state === "done") this.#lose(this.#fault);
  }

  /** WritePump: a write succeeded; an input end held back for it was a clean one. */
  writeSucceeded(): void {
    if (this.#eofHeld) this.eof();
  }

  /**
   * The peer is gone (reset, or a failed write and then the input's end): a write still in flight hears
   * `"closed"` first, then the connection hears `error` once, and the socket is torn down.
   */
  #lose(error: unknown): void {
    if (this.#phase !== "running" && this.#phase !== "switching") return;
    this.#abandonWrite();
    this.fail(error);
  }

  /** Tells a write in flight `"closed"` (the connection is lost under it). */
  #abandonWrite(): void {
    if (!this.#connection || this.#errorReported) return;
    this.resumes.enter();
    try {
      this.#writes.abandon();
    } catch {
      // The connection is being failed anyway; its throw changes nothing.
    }
    this.resumes.leave();
  }

  // ---- control --------------------------------------------------------------------------------

  /** Graceful shutdown: tells the connection, then asks both sides again where nothing is pending. */
  shutdown(): void {
    const connection = this.#connection;
    if (!connection || (this.#phase !== "running" && this.#phase !== "switching")) return;
    this.resumes.enter();
    try {
      connection.shutdown();
      this.#askAgain();
    } catch (error) {
      this.fail(error);
    }
    this.resumes.leave();
  }

  /** Abortive close: the connection hears `ConnectionClosedError` if it was still open. */
  abort(error?: unknown): void {
    if (this.#phase === "released") return;
    if (this.#phase === "releasing") {
      // A graceful close is under way: force it.
      try {
        this.#transport?.abort();
      } catch {
        // The transport still owes sink.socketClosed().
      }
      return;
    }
    this.#closeReason ??= error === undefined ? "aborted" : "failed";
    this.#report(error ?? new ConnectionClosedError("the session was closed"));
    this.#teardown(true);
  }

  /**
   * Replaces the transport in place (STARTTLS). Allowed only while the reader is yielded or waiting
   * with no read in flight, no write in flight and no unread bytes buffered.
   */
  async switchTransport(make: (old: Transport) => Promise<Transport>): Promise<void> {
    const old = this.#transport;
    if (!old || this.#phase !== "running") throw new ConnectionClosedError("the session is closed");
    if (this.#buffer.length > 0) {
      throw new SansioError(
        `startTls: ${this.#buffer.length} unread plaintext bytes are buffered; they would be mixed with the TLS stream`,
      );
    }
    if (this.#writes.state === "io") {
      throw new SansioError("startTls: a write is in flight; call it once the writer has yielded");
    }
    if (old.pull && this.#reads.state === "io") {
      throw new SansioError("startTls: a read is in flight; call it while the connection's reader is yielded");
    }
    old.readStop();
    this.#phase = "switching"; // both pumps hold while the handshake runs; resumes still land
    if (this.#reads.state === "io") this.#reads.state = "idle";
    let next: Transport;
    try {
      next = await make(old);
    } catch (error) {
      const lost = toConnectionLost(error, "startTls failed");
      if (this.#phase === "switching") {
        this.#phase = "running";
        this.fail(lost);
      }
      throw lost;
    }
    if (this.#phase !== "switching") {
      next.abort();
      throw new ConnectionClosedError("the session was closed during the TLS handshake");
    }
    this.#phase = "running";
    this.#transport = next;
    this.#reads.run();
    this.#writes.run();
  }

  // ---- PumpHost -------------------------------------------------------------------------------

  /** Reports `error` to the connection (once) and tears the socket down abortively. */
  fail(error: unknown): void {
    this.#closeReason ??= "failed";
    this.#report(error);
    this.#teardown(true);
  }

  sideDone(): void {
    if (this.#reads.state === "done" && this.#writes.state === "done") {
      if (this.#fault) {
        this.fail(this.#fault);
        return;
      }
      this.#closeReason ??= "graceful";
      this.#teardown(false);
    }
  }

  halfClosed(direction: "in" | "out"): void {
    const session = this.#session;
    if (this.#trace && session) this.#emit({ type: "half-close", session, direction });
  }

  // ---- time -----------------------------------------------------------------------------------

  /** ResumeScheduler: end of a driver turn; the protocol may have a new deadline (one optional method call). */
  turnEnded(): void {
    if (this.#lossDue && this.#reads.state !== "yielded" && this.#reads.state !== "running") {
      this.#lossDue = false;
      this.#lose(this.#fault);
      return;
    }
    if (!this.#hasDeadlines || this.#phase !== "running") return;
    try {
      this.time.setDeadline((this.#connection as Connection).nextDeadline?.());
    } catch (error) {
      this.fail(error);
    }
  }

  /** Timekeeper: nothing was read or written for `idleTimeout` ms. */
  idleExpired(idleTimeout: number): void {
    this.fail(new TimeoutError(`no bytes read or written for ${idleTimeout} ms (idleTimeout)`));
  }

  /** Timekeeper: the protocol's deadline has come; the connection handles it. */
  deadlineReached(now: number): void {
    const connection = this.#connection;
    if (!connection || this.#phase !== "running") return;
    this.resumes.enter();
    try {
      connection.handleTimeout?.(now);
      this.#askAgain();
    } catch (error) {
      this.fail(error);
    }
    this.resumes.leave();
  }

  /** The connection changed its mind outside a pump (shutdown, timeout): ask both sides where nothing is pending. */
  #askAgain(): void {
    this.#reads.nudge();
    this.#writes.run();
  }

  // ---- closing --------------------------------------------------------------------------------

  #report(error: unknown): void {
    const connection = this.#connection;
    if (!connection || this.#errorReported) return;
    this.#errorReported = true;
    try {
      connection.reportError(error);
    } catch {
      // A protocol that throws from reportError has nothing left to tell; the socket still closes.
    }
    const session = this.#session;
    if (this.#trace && session) this.#emit({ type: "error", session, error });
  }

  /** Calls the trace hook; a hook that throws is ignored (observing must not break the session). */
  #emit(event: TraceEvent): void {
    try {
      this.#trace?.(event);
    } catch {
      // Ignored, as documented on DriveOptions.trace.
    }
  }

  #teardown(abortive: boolean): void {
    if (this.#phase === "releasing" || this.#phase === "released") return;
    this.#phase = "releasing";
    this.#endSides();
    const transport = this.#transport;
    if (!transport || this.#socketGone) {
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
    if (this.#phase === "released") return;
    this.#phase = "released";
    this.#endSides();
    this.counters.closed();
    const session = this.#session;
    if (this.#trace && session && this.#connection) {
      this.#emit({
        type: "close",
        session,
        reason: this.#closeReason ?? "lost",
        counters: this.counters.snapshot(),
      });
    }
    this.#settle();
    const onClosed = this.#onClosed;
    this.#onClosed = undefined;
    onClosed?.();
  }

  #endSides(): void {
    this.#reads.state = "done";
    this.#writes.state = "done";
    this.time.stop();
  }
}
