import {
  COALESCE_THRESHOLD,
  ConnectionClosedError,
  type Transport,
  type TransportSink,
  type WriteCallback,
} from "@sansio/runtime-api";

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
  /** Where small iovecs are gathered into one write; made on the first write of several iovecs. */
  #scratch: Uint8Array | undefined;
  /** The buffer of the write in flight (fast path), how much of it is written, and whom to tell. */
  #out: Uint8Array | undefined;
  #outAt = 0;
  #outDone: WriteCallback | undefined;

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
    const bytes = this.#oneWrite(iovecs);
    if (bytes !== undefined) {
      // One buffer (the usual case): conn.write() again on partial writes, no closure or async frame per write.
      this.#out = bytes;
      this.#outAt = 0;
      this.#outDone = done;
      this.#conn.write(bytes).then(this.#onWritten, this.#onWriteFailed);
      return;
    }
    this.#writeAll(iovecs).then(
      (written) => {
        this.#opSettled();
        done(null, written);
      },
      (error: unknown) => {
        this.#opSettled();
        done(error, 0);
      },
    );
  }

  /**
   * The iovecs as one buffer when that needs no allocation: a single iovec, or small ones gathered in
   * the scratch buffer. Undefined when they need several writes (see {@link #writeAll}).
   */
  #oneWrite(iovecs: readonly Uint8Array[]): Uint8Array | undefined {
    if (iovecs.length === 1) return iovecs[0] as Uint8Array;
    let total = 0;
    for (const iovec of iovecs) total += iovec.length;
    if (total > SCRATCH_SIZE) return undefined;
    this.#scratch ??= new Uint8Array(SCRATCH_SIZE);
    const scratch = this.#scratch;
    let at = 0;
    for (const iovec of iovecs) {
      scratch.set(iovec, at);
      at += iovec.length;
    }
    return scratch.subarray(0, total);
  }

  #onWritten = (n: number): void => {
    const bytes = this.#out as Uint8Array;
    this.#outAt += n;
    if (this.#outAt < bytes.length) {
      this.#conn.write(bytes.subarray(this.#outAt)).then(this.#onWritten, this.#onWriteFailed);
      return;
    }
    const done = this.#outDone as WriteCallback;
    this.#out = undefined;
    this.#outDone = undefined;
    this.#opSettled();
    done(null, bytes.length);
  };

  #onWriteFailed = (error: unknown): void => {
    const done = this.#outDone as WriteCallback;
    this.#out = undefined;
    this.#outDone = undefined;
    this.#opSettled();
    done(error, 0);
  };

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

  /**
   * Writes every iovec in order, looping on partial writes. Deno has no writev: iovecs under
   * `COALESCE_THRESHOLD` are copied together into one reused scratch buffer (one write, no allocation);
   * larger ones are written in place.
   */
  #writeAll = async (iovecs: readonly Uint8Array[]): Promise<number> => {
    const conn = this.#conn;
    if (iovecs.length === 1) return await writeFully(conn, iovecs[0] as Uint8Array);
    this.#scratch ??= new Uint8Array(SCRATCH_SIZE);
    const scratch = this.#scratch;
    let total = 0;
    let fill = 0;
    for (const iovec of iovecs) {
      if (iovec.length >= COALESCE_THRESHOLD) {
        if (fill > 0) total += await writeFully(conn, scratch.subarray(0, fill));
        fill = 0;
        total += await writeFully(conn, iovec);
        continue;
      }
      if (fill + iovec.length > SCRATCH_SIZE) {
        total += await writeFully(conn, scratch.subarray(0, fill));
        fill = 0;
      }
      scratch.set(iovec, fill);
      fill += iovec.length;
    }
    if (fill > 0) total += await writeFully(conn, scratch.subarray(0, fill));
    return total;
  };

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

/** Size of the scratch buffer small iovecs are gathered in: 64 KiB. */
const SCRATCH_SIZE = 64 * 1024;

/** Writes all of `bytes`, looping on Deno's partial writes; returns `bytes.length`. */
async function writeFully(conn: Deno.Conn, bytes: Uint8Array): Promise<number> {
  let at = 0;
  while (at < bytes.length) at += await conn.write(at === 0 ? bytes : bytes.subarray(at));
  return bytes.length;
}

/** Closes a Deno resource, ignoring `BadResource` when it is already closed (or was consumed by `startTls`). */
export function closeQuietly(resource: { close(): void }): void {
  try {
    resource.close();
  } catch {
    // Already closed.
  }
}
