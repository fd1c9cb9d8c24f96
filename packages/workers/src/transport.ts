import { ConnectionClosedError, iovecsLength, SansioError } from "@sansio/runtime-api";
import { IovecGatherer, type Transport, type TransportSink, type WriteCallback } from "@sansio/runtime-api/adapter";
import { workersLost } from "./errors.js";
import { ignoreRejection, type WorkersSocket } from "./socket.js";

type State = "open" | "closing" | "closed";

/**
 * One Workers socket as a pull {@link Transport}.
 *
 * Reads: one BYOB reader; each `readStart()` is one `reader.read(view)` of at most `sink.space()`
 * bytes. A BYOB read transfers (detaches) the buffer it is given and returns the bytes in a new one,
 * so it reads into a transport-owned scratch buffer (taken back from every result) and copies into
 * the driver's read buffer; the driver's memory is never detached.
 *
 * Writes: one writer; iovecs are coalesced, written in order, and reported once every
 * `writer.write()` has resolved (the stream may keep a chunk until then). Half-close is
 * `writer.close()` (FIN). The socket is closed explicitly at the end: workerd does not settle
 * `closed` by itself after both directions finished.
 */
export class WorkersTransport implements Transport {
  readonly pull = true;
  readonly #socket: WorkersSocket;
  readonly #sink: TransportSink;
  readonly #reader: ReadableStreamBYOBReader;
  readonly #writer: WritableStreamDefaultWriter<Uint8Array>;
  #scratch: ArrayBuffer | undefined;
  /** The driver's read space the read in flight is copied into. */
  #readSpace: Uint8Array | undefined;
  #reading = false;
  #writing = false;
  /** Small iovecs are gathered into reused memory (one stream chunk), large ones written as they are. */
  readonly #gatherer = new IovecGatherer();
  /** The write in flight: one chunk, or several (gathered), its size, and whom to tell. */
  #chunk: Uint8Array | undefined;
  #chunks: readonly Uint8Array[] | undefined;
  #writeTotal = 0;
  #writeDone: WriteCallback | undefined;
  #fin: Promise<void> | undefined;
  #state: State = "open";
  /** Replaced by a TLS transport (STARTTLS): its streams are released and its events ignored. */
  #retired = false;
  /** The TLS socket being set up by {@link startTls}; closed with this one if the session ends first. */
  #successor: WorkersSocket | undefined;
  #reported = false;

  constructor(socket: WorkersSocket, sink: TransportSink, scratch?: ArrayBuffer) {
    this.#socket = socket;
    this.#sink = sink;
    this.#scratch = scratch;
    ignoreRejection(socket.closed);
    this.#reader = socket.readable.getReader({ mode: "byob" });
    this.#writer = socket.writable.getWriter();
  }

  readStart(): void {
    if (this.#reading || this.#state !== "open" || this.#retired) return;
    const space = this.#sink.space();
    if (space.length === 0) return;
    let scratch = this.#scratch;
    if (scratch === undefined || scratch.byteLength < space.length) scratch = new ArrayBuffer(space.length);
    this.#scratch = undefined;
    this.#readSpace = space;
    this.#reading = true;
    this.#reader.read(new Uint8Array(scratch, 0, space.length)).then(this.#onRead, this.#onReadError);
  }

  readStop(): void {
    // A pull transport reads only when asked; there is nothing to pause.
  }

  write(iovecs: readonly Uint8Array[], done: WriteCallback): void {
    if (this.#state !== "open" || this.#retired || this.#fin !== undefined) {
      queueMicrotask(() => done(new ConnectionClosedError("write after the socket's write side was closed"), 0));
      return;
    }
    // One chunk (the usual case) goes out as it is: no array, closure or extra promise per write.
    const chunks = this.#gatherer.gather(iovecs);
    if (chunks.length === 1) {
      const chunk = chunks[0] as Uint8Array;
      this.#chunk = chunk;
      this.#writeTotal = chunk.length;
    } else {
      this.#chunks = chunks;
      this.#writeTotal = iovecsLength(chunks);
    }
    this.#writeDone = done;
    this.#writing = true;
    const desired = this.#writer.desiredSize;
    if (desired !== null && desired <= 0) this.#writer.ready.then(this.#send, this.#onWriteFailed);
    else this.#send();
  }

  #send = (): void => {
    const writer = this.#writer;
    const chunks = this.#chunks;
    const sent = chunks
      ? Promise.all(chunks.map((chunk) => writer.write(chunk)))
      : writer.write(this.#chunk as Uint8Array);
    sent.then(this.#onWritten, this.#onWriteFailed);
  };

  #onWritten = (): void => {
    const done = this.#endWrite();
    done?.(null, this.#writeTotal);
  };

  #onWriteFailed = (error: unknown): void => {
    const done = this.#endWrite();
    done?.(workersLost("write failed", error), 0);
  };

  /** Forgets the write in flight (its memory goes back to the connection); returns whom to tell. */
  #endWrite(): WriteCallback | undefined {
    const done = this.#writeDone;
    this.#writeDone = undefined;
    this.#chunk = undefined;
    this.#chunks = undefined;
    this.#gatherer.clear();
    this.#writing = false;
    return done;
  }

  shutdownWrite(): void {
    if (this.#fin !== undefined || this.#state !== "open" || this.#retired) return;
    // A failed FIN (peer reset) is reported by the read side; closing waits for it either way.
    this.#fin = this.#writer.close().catch(() => {});
  }

  close(): void {
    if (this.#state !== "open") return;
    this.#state = "closing";
    // Let the FIN leave before the socket goes (every write has already been accepted by then).
    const fin = this.#fin ?? Promise.resolve();
    void fin.then(() => this.#release(false));
  }

  abort(): void {
    this.#release(true);
  }

  /** Throws when STARTTLS cannot start on this socket now, for reasons the driver does not check itself. */
  checkStartTls(): void {
    if (this.#state !== "open" || this.#retired) throw new ConnectionClosedError("startTls: the session is closed");
    if (this.#fin !== undefined) throw new SansioError("startTls: the write side is already closed (half-closed)");
  }

  /**
   * STARTTLS: releases this transport's reader and writer (workerd's `startTls()` waits for that),
   * upgrades the socket, waits for the handshake and returns the transport of the TLS socket.
   * The driver calls it only with no read or write in flight and nothing buffered.
   */
  async startTls(serverName: string | undefined): Promise<WorkersTransport> {
    this.checkStartTls();
    if (this.#reading) throw new SansioError("startTls: a read is in flight");
    if (this.#writing) throw new SansioError("startTls: a write is in flight");
    this.#retired = true;
    this.#reader.releaseLock();
    this.#writer.releaseLock();
    const tls = this.#socket.startTls(serverName === undefined ? undefined : { expectedServerHostname: serverName });
    this.#successor = tls;
    ignoreRejection(tls.closed);
    await tls.opened;
    if (this.#state !== "open") throw new ConnectionClosedError("the session was closed during the TLS handshake");
    return new WorkersTransport(tls, this.#sink, this.#scratch);
  }

  #onRead = (result: ReadableStreamReadResult<Uint8Array>): void => {
    const space = this.#readSpace as Uint8Array;
    this.#readSpace = undefined;
    this.#reading = false;
    const value = result.value;
    if (value !== undefined) this.#scratch = value.buffer as ArrayBuffer;
    if (this.#state !== "open" || this.#retired) return;
    if (result.done) {
      this.#sink.eof();
      return;
    }
    if (value === undefined || value.length === 0) {
      this.readStart();
      return;
    }
    space.set(value);
    this.#sink.filled(value.length);
  };

  #onReadError = (error: unknown): void => {
    this.#readSpace = undefined;
    this.#reading = false;
    if (this.#state !== "open" || this.#retired) return;
    this.#sink.error(workersLost("read failed", error));
  };

  #release(abortive: boolean): void {
    if (this.#state === "closed") return;
    this.#state = "closed";
    const reason = new ConnectionClosedError("the session was closed");
    if (!this.#retired) {
      // A pending write would keep socket.close() from settling; aborting the writer ends it.
      if (abortive || this.#writing) ignoreRejection(this.#writer.abort(reason));
    }
    const sockets = this.#successor ? [this.#socket, this.#successor] : [this.#socket];
    void Promise.all(sockets.map((socket) => socket.close().catch(() => {}))).then(() => {
      // After writer.abort() a pending BYOB read settles only when cancelled.
      if (this.#reading && !this.#retired) ignoreRejection(this.#reader.cancel(reason));
      this.#reportClosed();
    });
  }

  #reportClosed(): void {
    if (this.#reported) return;
    this.#reported = true;
    this.#sink.socketClosed();
  }
}
