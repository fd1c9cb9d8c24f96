import { SansioError } from "../errors.js";
import { iovecsLength } from "../iovec.js";
import type { WriteCallback } from "../transport.js";
import type { PumpHost, PumpState } from "./pump-host.js";

/** What the write pump needs besides a {@link PumpHost}: where a failed write goes. */
export interface WritePumpHost extends PumpHost {
  /**
   * A write failed (the peer is gone) and the connection has heard `"closed"`: the write side is done.
   * The driver keeps reading what was received and reports the loss once the input ends.
   */
  writeFailed(error: unknown): void;
  /** A write succeeded and the connection heard how much (an input end held back for it is due now). */
  writeSucceeded(): void;
}

/** A protocol that asks for empty writes this many times in a row is stopped (it would spin). */
const MAX_EMPTY_WRITES = 64;

/**
 * The write side of a driver: hands the connection's iovecs to the transport one write at a time and
 * reports each outcome. A write the transport completes synchronously is reported by the pump's own
 * loop (no recursion, no stack growth); after a failed write the connection hears `"closed"` once and
 * the side is done: nothing is ever written after `"closed"`.
 *
 * The iovecs array of a write operation is read once, when the operation starts: the pump copies the
 * array (the views, not the bytes) into one array it reuses, so a protocol that appends to or reuses its
 * array while the write is in flight changes nothing about that write, on any transport.
 */
export class WritePump {
  state: PumpState = "idle";
  readonly #host: WritePumpHost;
  /** The views of the write in flight, copied from the operation when it started (reused; emptied after). */
  readonly #iovecs: Uint8Array[] = [];
  /** Empty write operations in a row (a protocol that only asks for those would spin). */
  #emptyWrites = 0;
  /** True while `transport.write` runs: a completion reported meanwhile is left to the loop. */
  #inWriteCall = false;
  /** A completion reported inside `transport.write`: bytes written (-1: none yet) and error. */
  #syncWritten = -1;
  #syncError: unknown = null;
  /** The completion callback of every write (one per driver: no closure per write). */
  readonly #onWritten: WriteCallback = (error, written) => {
    if (this.#inWriteCall) {
      this.#syncError = error;
      this.#syncWritten = written;
      return;
    }
    this.#completed(error, written);
  };

  constructor(host: WritePumpHost) {
    this.#host = host;
  }

  /** The connection's resume ran: ask it again. */
  resume(): void {
    if (this.state !== "yielded") return;
    this.state = "idle";
    this.run();
  }

  /** Runs the loop if the side is idle and the driver running. */
  run(): void {
    const host = this.#host;
    if (this.state !== "idle" || !host.running) return;
    host.resumes.enter();
    this.#guardedLoop();
    host.resumes.leave();
  }

  #guardedLoop(): void {
    this.state = "running";
    try {
      this.#loop();
    } catch (error) {
      if (this.state === "running") this.state = "idle";
      this.#host.fail(error);
    }
  }

  #loop(): void {
    const host = this.#host;
    const connection = host.connection;
    const transport = host.transport;
    for (;;) {
      const op = connection.nextWriteOperation();
      if (op.kind === "write") {
        if (iovecsLength(op.iovecs) === 0) {
          if (++this.#emptyWrites > MAX_EMPTY_WRITES) {
            throw new SansioError(`the protocol asked for ${MAX_EMPTY_WRITES} empty writes in a row`);
          }
          connection.reportWriteResult(0);
          continue;
        }
        this.#emptyWrites = 0;
        this.state = "io";
        this.#syncWritten = -1;
        this.#inWriteCall = true;
        try {
          transport.write(this.#snapshot(op.iovecs), this.#onWritten);
        } finally {
          this.#inWriteCall = false;
        }
        const written = this.#syncWritten;
        if (written < 0) return; // completes later
        const error = this.#syncError;
        this.#syncError = null;
        this.state = "running";
        if (!this.#report(error, written)) return;
        continue;
      }
      if (op.kind === "yield") {
        this.state = "yielded";
        connection.yieldWriter(host.resumes.resumer("write"));
        return;
      }
      if (op.kind === "close") {
        this.state = "done";
        transport.shutdownWrite();
        host.halfClosed("out");
        host.sideDone();
        return;
      }
      throw new TypeError(`nextWriteOperation returned ${String((op as { kind?: unknown }).kind)}`);
    }
  }

  /** Copies the operation's views into the pump's own array: the operation is read once, at its start. */
  #snapshot(iovecs: readonly Uint8Array[]): readonly Uint8Array[] {
    const copy = this.#iovecs;
    copy.length = 0;
    for (let i = 0; i < iovecs.length; i++) copy.push(iovecs[i] as Uint8Array);
    return copy;
  }

  /**
   * The connection is lost while a write is in flight (a read error, the socket closed under us): the
   * write hears `"closed"` now, before the driver reports the loss. True when it did.
   */
  abandon(): boolean {
    if (this.state !== "io") return false;
    this.state = "done";
    this.#iovecs.length = 0;
    this.#host.connection.reportWriteResult("closed");
    return true;
  }

  /** A write completed later (from the runtime's callback): report it and carry on in the same turn. */
  #completed(error: unknown, written: number): void {
    const host = this.#host;
    if (this.state !== "io" || !host.running) return;
    this.state = "running";
    host.resumes.enter();
    let more = false;
    try {
      more = this.#report(error, written);
    } catch (thrown) {
      this.state = "idle";
      host.fail(thrown);
    }
    if (more && host.running) this.#guardedLoop();
    else if (more) this.state = "idle";
    host.resumes.leave();
  }

  /** Reports a write's outcome to the connection; false when the write side is now finished. */
  #report(error: unknown, written: number): boolean {
    const host = this.#host;
    this.#iovecs.length = 0;
    if (error !== null && error !== undefined) {
      // The peer is gone: say so once, then never write again (no spinning on EPIPE). Reading goes on.
      this.state = "done";
      host.connection.reportWriteResult("closed");
      host.writeFailed(error);
      return false;
    }
    host.time.touch();
    host.counters.bytesOut += written;
    host.counters.writes++;
    host.connection.reportWriteResult(written);
    host.writeSucceeded();
    return true;
  }
}
