import type { Connection, ReadOperation, WriteResult } from "../connection.js";
import { ForwardingConnection } from "../forwarding-connection.js";
import type { Runtime, Session } from "../runtime.js";

/**
 * A driver bug the conformance suite must catch:
 * - `"never-reoffer-buffered"`: bytes the protocol left unconsumed before it yielded are dropped;
 * - `"second-resume"`: two resumes are registered for one yield;
 * - `"write-after-closed"`: the protocol is asked to write again after `"closed"`;
 * - `"drop-eof"`: the peer's FIN never reaches the protocol.
 */
export type DriverFlaw = "never-reoffer-buffered" | "second-resume" | "write-after-closed" | "drop-eof";

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

  constructor(inner: Connection, flaw: DriverFlaw) {
    super(inner);
    this.#flaw = flaw;
  }

  override nextReadOperation(): ReadOperation {
    if (this.#eofHidden) return "yield";
    return this.inner.nextReadOperation();
  }

  override read(buffer: Uint8Array, offset: number, length: number): number {
    const drop = Math.min(this.#drop, length);
    this.#drop = 0;
    if (drop === length && drop > 0) return drop;
    const n = this.inner.read(buffer, offset + drop, length - drop);
    this.#unconsumed = length - drop - n;
    return drop + n;
  }

  override readEof(buffer: Uint8Array, offset: number, length: number): number {
    if (this.#flaw !== "drop-eof") return this.inner.readEof(buffer, offset, length);
    this.#eofHidden = true;
    return length > 0 ? this.inner.read(buffer, offset, length) : 0;
  }

  override yieldReader(resume: () => void): void {
    if (this.#eofHidden) return; // the FIN was "lost": nothing will wake this reader
    if (this.#flaw === "never-reoffer-buffered") this.#drop = this.#unconsumed;
    this.inner.yieldReader(resume);
    if (this.#flaw === "second-resume") this.inner.yieldReader(resume);
  }

  override reportWriteResult(result: WriteResult): void {
    this.inner.reportWriteResult(result);
    // A driver that keeps asking after "closed" (gluten#85).
    if (result === "closed" && this.#flaw === "write-after-closed") this.inner.nextWriteOperation();
  }
}

/**
 * `runtime` with a deliberate driver bug: every connection it drives (accepted or connected) is
 * wrapped so that it sees what a driver with `flaw` would do. It exists to prove that the conformance
 * suite catches each kind of broken driver; never use it for anything else.
 */
export function createFlawedRuntime(runtime: Runtime, flaw: DriverFlaw): Runtime {
  const wrap = (connection: Connection): Connection => new FlawedConnection(connection, flaw);
  return {
    name: `${runtime.name} with the flaw ${flaw}`,
    listen: (options, accept) => runtime.listen(options, (session) => wrap(accept(session))),
    connect: (options, connection) =>
      runtime.connect(
        options,
        typeof connection === "function" ? (session: Session) => wrap(connection(session)) : wrap(connection),
      ),
  };
}
