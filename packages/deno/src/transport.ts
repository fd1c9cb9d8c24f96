import { ConnectionClosedError, iovecsLength } from "@sansio/runtime-api";
import { IovecGatherer, type Transport, type TransportSink, type WriteCallback } from "@sansio/runtime-api/adapter";

const NO_PARTS: readonly Uint8Array[] = [];

/**
 * One `Deno.Conn` as a pull {@link Transport}: each `readStart()` runs one `conn.read()` into the
 * driver's free buffer space; writes loop over `conn.write()`'s partial results; `closeWrite()` is the
 * half-close. `conn.readable` / `conn.writable` are never touched (finishing either closes the whole conn).
 */
export class DenoTransport implements Transport {
  readonly pull = true;
  readonly #conn: Deno.Conn;
  readonly #sink: TransportSink;
  /** Number of Deno ops in flight (read, write, closeWrite); `socketClosed` waits for them to settle. */
  #ops = 0;
  #reading = false;
  /** No more I/O: closed, aborted, or handed over to `Deno.startTls`. */
  #stopped = false;
  /** `close()` or `abort()` was called: `socketClosed` is owed (or was reported). */
  #released = false;
  #detached = false;
  #closedReported = false;
  /** The TLS conn that replaces this one while `Deno.startTls` runs; closing this transport closes it. */
  #successor: Deno.Conn | undefined;
  /** Deno has no writev: small iovecs are gathered into reused memory, large ones written as they are. */
  readonly #gatherer = new IovecGatherer();
  /** The write in flight (fields, no object or closure per write): its parts, where Deno is, and whom to tell. */
  #parts: readonly Uint8Array[] = NO_PARTS;
  #partIndex = 0;
  #partAt = 0;
  #writeTotal = 0;
  #writeDone: WriteCallback | undefined;

  constructor(conn: Deno.Conn, sink: TransportSink) {
    this.#conn = conn;
    this.#sink = sink;
  }

  /** True while a `conn.read()` is in flight (`Deno.startTls` refuses a conn with a pending read). */
  get readPending(): boolean {
    return this.#reading;
  }

  /** True once `close()` or `abort()` was called. */
  get released(): boolean {
    return this.#released;
  }

  readStart(): void {
    if (this.#stopped || this.#reading) return;
    this.#reading = true;
    this.#ops++;
    this.#conn.read(this.#sink.space()).then(this.#onRead, this.#onReadError);
  }

  readStop(): void {
    // A Deno read cannot be cancelled; the driver starts at most one and waits for it.
  }

  write(iovecs: readonly Uint8Array[], done: WriteCallback): void {
    if (this.#stopped) {
      queueMicrotask(() => done(new ConnectionClosedError("write on a closed Deno connection"), 0));
      return;
    }
    this.#ops++;
    const parts = this.#gatherer.gather(iovecs);
    this.#parts = parts;
    this.#partIndex = 0;
    this.#partAt = 0;
    this.#writeTotal = iovecsLength(parts);
    this.#writeDone = done;
    this.#conn.write(parts[0] as Uint8Array).then(this.#onWritten, this.#onWriteFailed);
  }

  /** `conn.write()` again after a partial write, then the next part; reports once everything is written. */
  #onWritten = (n: number): void => {
    const parts = this.#parts;
    let part = parts[this.#partIndex] as Uint8Array;
    this.#partAt += n;
    if (this.#partAt >= part.length) {
      this.#partIndex++;
      this.#partAt = 0;
      if (this.#partIndex === parts.length) {
        this.#finishWrite(null, this.#writeTotal);
        return;
      }
      part = parts[this.#partIndex] as Uint8Array;
    }
    this.#conn
      .write(this.#partAt === 0 ? part : part.subarray(this.#partAt))
      .then(this.#onWritten, this.#onWriteFailed);
  };

  #onWriteFailed = (error: unknown): void => {
    this.#finishWrite(error, 0);
  };

  #finishWrite(error: unknown, written: number): void {
    const done = this.#writeDone as WriteCallback;
    this.#writeDone = undefined;
    this.#parts = NO_PARTS;
    this.#gatherer.clear();
    this.#opSettled();
    done(error, written);
  }

  shutdownWrite(): void {
    if (this.#stopped) return;
    this.#ops++;
    this.#conn.closeWrite().then(this.#opSettled, this.#opSettled);
  }

  close(): void {
    this.#release();
  }

  /** Deno has no abortive close (no SO_LINGER / RST): this releases the socket as `close()` does. */
  abort(): void {
    this.#release();
  }

  /**
   * Hands the conn over to `Deno.startTls`: this transport stops all I/O and will not close it.
   * Refused while a read is in flight.
   */
  detach(): Deno.Conn {
    if (this.#reading) throw new Error("cannot hand over a Deno conn with a read in flight");
    this.#stopped = true;
    this.#detached = true;
    return this.#conn;
  }

  /** The TLS conn made from the detached one: closed with this transport if it is released before the switch. */
  adoptSuccessor(conn: Deno.Conn | undefined): void {
    this.#successor = conn;
    if (this.#released && conn) closeQuietly(conn);
  }

  #onRead = (n: number | null): void => {
    this.#reading = false;
    this.#opSettled();
    if (this.#stopped) return;
    if (n === null) this.#sink.eof();
    else this.#sink.filled(n); // 0 is not EOF: the driver asks again
  };

  #onReadError = (error: unknown): void => {
    this.#reading = false;
    this.#opSettled();
    // A read cancelled by our own close (Interrupted / BadResource) is not an error.
    if (this.#stopped) return;
    this.#sink.error(error);
  };

  #opSettled = (): void => {
    this.#ops--;
    this.#maybeReportClosed();
  };

  #release(): void {
    if (this.#released) return;
    this.#released = true;
    this.#stopped = true;
    if (!this.#detached) closeQuietly(this.#conn);
    if (this.#successor) closeQuietly(this.#successor);
    // Reported once every op on the conn has settled (closing cancels them), so nothing is left running.
    queueMicrotask(() => this.#maybeReportClosed());
  }

  #maybeReportClosed(): void {
    if (!this.#released || this.#ops > 0 || this.#closedReported) return;
    this.#closedReported = true;
    this.#sink.socketClosed();
  }
}

/** Closes a Deno resource, ignoring `BadResource` when it is already closed (or was consumed by `startTls`). */
export function closeQuietly(resource: { close(): void }): void {
  try {
    resource.close();
  } catch {
    // Already closed.
  }
}
