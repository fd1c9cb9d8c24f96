import type { Clock, Connection, ReadOperation, WriteOperation, WriteResult } from "../connection.js";
import { ForwardingConnection } from "../forwarding-connection.js";
import { advanceIovecs, iovecsLength } from "../iovec.js";
import type { Runtime, Session } from "../runtime.js";

/**
 * A driver bug the conformance suite must catch:
 * - `"never-reoffer-buffered"`: bytes the protocol left unconsumed before it yielded are dropped;
 * - `"second-resume"`: two resumes are registered for one yield;
 * - `"write-after-closed"`: the protocol is asked to write again after `"closed"`;
 * - `"drop-eof"`: the peer's FIN never reaches the protocol;
 * - `"epipe-spin"`: a failed write (or a lost socket) is reported as 0 bytes written and retried from
 *   `setImmediate`, asking the protocol again each time (gluten#85);
 * - `"dead-socket-spin"`: the same spin without asking the protocol (the driver retries its last write
 *   on the dead socket): only the CPU clock can see it;
 * - `"buffer-writes"`: every write is copied into an unbounded queue and reported written at once;
 * - `"resume-after-close"`: a resume called after the socket was released runs the loop again;
 * - `"swallow-throws"`: what the protocol throws is caught and dropped, and the side it came from parks
 *   for good (never reported, never released: gluten#81/#88).
 */
export type DriverFlaw =
  | "never-reoffer-buffered"
  | "second-resume"
  | "write-after-closed"
  | "drop-eof"
  | "epipe-spin"
  | "dead-socket-spin"
  | "buffer-writes"
  | "resume-after-close"
  | "swallow-throws";

/** How long a spinning flaw keeps spinning (ms): long enough to be measured, bounded so a test ends. */
const SPIN_MS = 1500;

/** Runs `task` on the next macrotask: setImmediate where the runtime has it (the Gluten spin), else a 0 ms timer. */
const nextTurn: (task: () => void) => void =
  typeof (globalThis as { setImmediate?: unknown }).setImmediate === "function"
    ? (task) => (globalThis as unknown as { setImmediate: (task: () => void) => void }).setImmediate(task)
    : (task) => setTimeout(task, 0);

/**
 * Sits between a driver and a connection and makes the pair behave as a driver with `flaw` would.
 * The real driver is untouched: the flaw lives here, on the test side.
 */
class FlawedConnection extends ForwardingConnection {
  readonly #flaw: DriverFlaw;
  /** never-reoffer-buffered: bytes the inner connection left unconsumed at its last read. */
  #unconsumed = 0;
  /** never-reoffer-buffered: bytes to drop from the next offer (the ones that were buffered at the yield). */
  #drop = 0;
  /** drop-eof: the end of input was seen and hidden; the reader is parked for good. */
  #eofHidden = false;
  /** epipe-spin, dead-socket-spin: the spin has started. */
  #spinning = false;
  /** buffer-writes: bytes reported written to the protocol but not yet taken by the real driver. */
  #queued: Uint8Array[] = [];
  /** buffer-writes: the queue handed to the real driver in the current write. */
  #inFlight: readonly Uint8Array[] = [];
  /** buffer-writes: the protocol asked to close its output; sent once the queue is empty. */
  #closeQueued = false;
  /** resume-after-close: the session's socket was released. */
  #released = false;
  /** swallow-throws: the protocol threw; both sides are parked for good. */
  #parked = false;

  constructor(inner: Connection, flaw: DriverFlaw) {
    super(inner);
    this.#flaw = flaw;
  }

  /** The session this connection runs on (resume-after-close watches it). */
  bindSession(session: Session): void {
    void session.closed.then(() => {
      this.#released = true;
    });
  }

  override nextReadOperation(): ReadOperation {
    if (this.#eofHidden || this.#parked) return "yield";
    if (this.#flaw === "swallow-throws") return this.#swallow(() => this.inner.nextReadOperation(), "yield");
    return this.inner.nextReadOperation();
  }

  /** swallow-throws: runs `call`; a throw is dropped and the connection parks (`fallback` answers for it). */
  #swallow<T>(call: () => T, fallback: T): T {
    try {
      return call();
    } catch {
      this.#parked = true;
      return fallback;
    }
  }

  override read(buffer: Uint8Array, offset: number, length: number): number {
    if (this.#flaw === "swallow-throws") return this.#swallow(() => this.inner.read(buffer, offset, length), length);
    const drop = Math.min(this.#drop, length);
    this.#drop = 0;
    if (drop === length && drop > 0) return drop;
    const n = this.inner.read(buffer, offset + drop, length - drop);
    this.#unconsumed = length - drop - n;
    return drop + n;
  }

  override readEof(buffer: Uint8Array, offset: number, length: number): number {
    if (this.#flaw === "swallow-throws") return this.#swallow(() => this.inner.readEof(buffer, offset, length), length);
    if (this.#flaw !== "drop-eof") return this.inner.readEof(buffer, offset, length);
    this.#eofHidden = true;
    return length > 0 ? this.inner.read(buffer, offset, length) : 0;
  }

  override yieldReader(resume: () => void): void {
    if (this.#eofHidden || this.#parked) return; // the FIN was "lost", or a throw was: nothing will wake this reader
    if (this.#flaw === "swallow-throws") {
      this.#swallow(() => this.inner.yieldReader(resume), undefined);
      return;
    }
    if (this.#flaw === "never-reoffer-buffered") this.#drop = this.#unconsumed;
    if (this.#flaw === "resume-after-close") {
      this.inner.yieldReader(this.#resumeAfterClose(resume, () => this.inner.nextReadOperation()));
      return;
    }
    this.inner.yieldReader(resume);
    if (this.#flaw === "second-resume") this.inner.yieldReader(resume);
  }

  override yieldWriter(resume: () => void): void {
    if (this.#parked) return;
    if (this.#flaw === "swallow-throws") {
      this.#swallow(() => this.inner.yieldWriter(resume), undefined);
      return;
    }
    if (this.#flaw === "resume-after-close") {
      this.inner.yieldWriter(this.#resumeAfterClose(resume, () => this.inner.nextWriteOperation()));
      return;
    }
    this.inner.yieldWriter(resume);
  }

  override nextWriteOperation(): WriteOperation {
    if (this.#parked) return { kind: "yield" };
    if (this.#flaw === "swallow-throws") return this.#swallow(() => this.inner.nextWriteOperation(), { kind: "yield" });
    if (this.#flaw !== "buffer-writes") return this.inner.nextWriteOperation();
    // Take everything the protocol has, report it written at once, and keep it here.
    for (;;) {
      if (this.#closeQueued) break;
      const op = this.inner.nextWriteOperation();
      if (op.kind === "write") {
        const length = iovecsLength(op.iovecs);
        for (const iovec of op.iovecs) this.#queued.push(iovec.slice());
        this.inner.reportWriteResult(length);
        continue;
      }
      if (op.kind === "close") this.#closeQueued = true;
      else if (this.#queued.length === 0) return op;
      break;
    }
    if (this.#queued.length > 0) {
      this.#inFlight = this.#queued;
      return { kind: "write", iovecs: this.#queued };
    }
    return { kind: "close" };
  }

  override reportWriteResult(result: WriteResult): void {
    if (this.#flaw === "swallow-throws") {
      this.#swallow(() => this.inner.reportWriteResult(result), undefined);
      return;
    }
    if (this.#flaw === "buffer-writes") {
      if (result === "closed") {
        this.#queued = [];
        this.inner.reportWriteResult(result);
      } else this.#queued = advanceIovecs(this.#inFlight, result).concat(this.#queued.slice(this.#inFlight.length));
      return;
    }
    if (result === "closed" && (this.#flaw === "epipe-spin" || this.#flaw === "dead-socket-spin")) {
      // EPIPE answered with "0 bytes written, try again" (gluten#85).
      this.inner.reportWriteResult(0);
      this.#spin();
      return;
    }
    this.inner.reportWriteResult(result);
    // A driver that keeps asking after "closed" (gluten#85).
    if (result === "closed" && this.#flaw === "write-after-closed") this.inner.nextWriteOperation();
  }

  override setClock(clock: Clock): void {
    if (this.#flaw === "swallow-throws") {
      this.#swallow(() => this.inner.setClock?.(clock), undefined);
      return;
    }
    this.inner.setClock?.(clock);
  }

  override nextDeadline(): number | undefined {
    if (this.#parked) return undefined;
    if (this.#flaw === "swallow-throws") return this.#swallow(() => this.inner.nextDeadline?.(), undefined);
    return this.inner.nextDeadline?.();
  }

  override handleTimeout(now: number): void {
    if (this.#flaw === "swallow-throws") {
      this.#swallow(() => this.inner.handleTimeout?.(now), undefined);
      return;
    }
    this.inner.handleTimeout?.(now);
  }

  override reportError(error: unknown): void {
    this.inner.reportError(error);
    if (this.#flaw === "epipe-spin" || this.#flaw === "dead-socket-spin") this.#spin();
  }

  /** Retries the dead socket from every macrotask for {@link SPIN_MS}: asking the protocol each time, or not. */
  #spin(): void {
    if (this.#spinning) return;
    this.#spinning = true;
    const askProtocol = this.#flaw === "epipe-spin";
    const until = Date.now() + SPIN_MS;
    const retry = (): void => {
      if (Date.now() > until) return;
      if (askProtocol) {
        try {
          if (this.inner.nextWriteOperation().kind === "write") this.inner.reportWriteResult(0);
        } catch {
          return;
        }
      }
      nextTurn(retry);
    };
    nextTurn(retry);
  }

  /** A resume that, once the socket was released, runs the side's loop again on the dead connection. */
  #resumeAfterClose(resume: () => void, ask: () => unknown): () => void {
    return () => {
      resume();
      if (!this.#released) return;
      try {
        ask();
      } catch {
        // The flawed driver swallows what the released connection throws.
      }
    };
  }
}

/**
 * `runtime` with a deliberate driver bug: every connection it drives (accepted or connected) is
 * wrapped so that it sees what a driver with `flaw` would do. It exists to prove that the conformance
 * suite catches each kind of broken driver; never use it for anything else.
 */
export function createFlawedRuntime(runtime: Runtime, flaw: DriverFlaw): Runtime {
  const wrap = (connection: Connection, session: Session): Connection => {
    const flawed = new FlawedConnection(connection, flaw);
    flawed.bindSession(session);
    return flawed;
  };
  return {
    name: `${runtime.name} with the flaw ${flaw}`,
    listen: (options, accept) => runtime.listen(options, (session) => wrap(accept(session), session)),
    connect: (options, connection) =>
      runtime.connect(options, (session: Session) =>
        wrap(typeof connection === "function" ? connection(session) : connection, session),
      ),
  };
}
