import { ConnectionClosedError, ConnectionLostError } from "../errors.js";
import type { Transport, TransportSink, WriteCallback } from "../transport.js";
import type { Pipe } from "./pipe.js";
import type { SeededRandom } from "./random.js";

/** How one in-memory socket splits and schedules its I/O. */
export interface MemoryIoPlan {
  readonly rng: SeededRandom;
  /** Largest chunk delivered per read, or "random" for seeded sizes from 1 to 1500. */
  readonly readSize: number | "random";
  /** Largest number of bytes a single write accepts (partial writes), or "random" for 1 to 1500. */
  readonly writeSize: number | "random";
  /** Use the pull path (`sink.space()` + `sink.filled()`) instead of pushed chunks. */
  readonly pull: boolean;
  /** Run some deliveries on macrotasks instead of microtasks (seeded). */
  readonly delays: boolean;
}

/** One end of an in-memory socket as a {@link Transport}: reads from `inbound`, writes to `outbound`. */
export class MemoryTransport implements Transport {
  readonly pull: boolean;
  readonly #sink: TransportSink;
  readonly #inbound: Pipe;
  readonly #outbound: Pipe;
  readonly #plan: MemoryIoPlan;
  #reading = false;
  #scheduled = false;
  #eofSent = false;
  #errorSent = false;
  #gone = false;
  #pendingWrite: { iovecs: readonly Uint8Array[]; done: WriteCallback } | undefined;

  constructor(sink: TransportSink, inbound: Pipe, outbound: Pipe, plan: MemoryIoPlan) {
    this.#sink = sink;
    this.#inbound = inbound;
    this.#outbound = outbound;
    this.#plan = plan;
    this.pull = plan.pull;
    inbound.reader = { wake: () => this.#scheduleDelivery() };
    outbound.onRoom = () => this.#retryWrite();
  }

  readStart(): void {
    this.#reading = true;
    this.#scheduleDelivery();
  }

  readStop(): void {
    this.#reading = false;
  }

  write(iovecs: readonly Uint8Array[], done: WriteCallback): void {
    if (this.#gone || this.#outbound.ended) {
      this.#schedule(() => done(new ConnectionClosedError("write on a closed in-memory socket"), 0));
      return;
    }
    if (this.#outbound.readerGone) {
      this.#schedule(() => done(peerGone(), 0));
      return;
    }
    const written = this.#writeSome(iovecs);
    if (written === 0) {
      this.#pendingWrite = { iovecs, done };
      return;
    }
    if (this.#plan.rng.next() < 0.5) done(null, written);
    else this.#schedule(() => done(null, written));
  }

  shutdownWrite(): void {
    this.#outbound.end();
  }

  close(): void {
    this.#release(false);
  }

  abort(): void {
    this.#release(true);
  }

  #release(reset: boolean): void {
    if (this.#gone) return;
    this.#gone = true;
    this.#reading = false;
    if (reset) this.#outbound.reset();
    else this.#outbound.end();
    this.#inbound.closeReader();
    const pending = this.#pendingWrite;
    this.#pendingWrite = undefined;
    this.#schedule(() => {
      pending?.done(new ConnectionClosedError("the in-memory socket was closed"), 0);
      this.#sink.socketClosed();
    });
  }

  #size(limit: number | "random"): number {
    return limit === "random" ? this.#plan.rng.int(1, 1500) : limit;
  }

  #writeSome(iovecs: readonly Uint8Array[]): number {
    let budget = this.#size(this.#plan.writeSize);
    let written = 0;
    for (const iovec of iovecs) {
      if (budget <= 0) break;
      const n = this.#outbound.push(iovec, budget);
      written += n;
      budget -= n;
      if (n < iovec.length) break;
    }
    return written;
  }

  #retryWrite(): void {
    const pending = this.#pendingWrite;
    if (!pending) return;
    if (this.#outbound.readerGone) {
      this.#pendingWrite = undefined;
      this.#schedule(() => pending.done(peerGone(), 0));
      return;
    }
    if (this.#outbound.size >= this.#outbound.capacity) return;
    this.#pendingWrite = undefined;
    this.#schedule(() => {
      const written = this.#gone ? 0 : this.#writeSome(pending.iovecs);
      if (written === 0) {
        if (this.#gone) pending.done(new ConnectionClosedError("the in-memory socket was closed"), 0);
        else this.#pendingWrite = pending;
      } else pending.done(null, written);
    });
  }

  #schedule(task: () => void): void {
    if (this.#plan.delays && this.#plan.rng.next() < 0.05) setTimeout(task, 0);
    else queueMicrotask(task);
  }

  #scheduleDelivery(): void {
    if (this.#scheduled || !this.#reading || this.#gone) return;
    this.#scheduled = true;
    this.#schedule(() => {
      this.#scheduled = false;
      this.#deliver();
    });
  }

  #deliver(): void {
    if (!this.#reading || this.#gone) return;
    const inbound = this.#inbound;
    if (this.pull) {
      const space = this.#sink.space();
      const chunk = inbound.take(Math.min(space.length, this.#size(this.#plan.readSize)));
      if (chunk) {
        space.set(chunk);
        this.#reading = false;
        this.#sink.filled(chunk.length);
        return;
      }
    } else {
      const chunk = inbound.take(this.#size(this.#plan.readSize));
      if (chunk) {
        this.#sink.data(chunk);
        this.#scheduleDelivery();
        return;
      }
    }
    // As on Linux, bytes received before a reset are still read; the reset comes after them.
    const reset = inbound.resetError;
    if (reset) {
      if (!this.#errorSent) {
        this.#errorSent = true;
        this.#reading = false;
        this.#sink.error(reset);
      }
      return;
    }
    if (inbound.ended && !this.#eofSent) {
      this.#eofSent = true;
      this.#reading = false;
      this.#sink.eof();
    }
  }
}

/** A write to a socket whose peer is gone: a reset, as a TCP write would report it. */
function peerGone(): ConnectionLostError {
  return new ConnectionLostError("connection reset by peer (in-memory)", { code: "ECONNRESET" });
}
