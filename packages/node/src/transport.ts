import type { Socket } from "node:net";
import { ConnectionLostError } from "@sansio/runtime-api";
import type { Transport, TransportSink, WriteCallback } from "@sansio/runtime-api/adapter";
import type { OnreadRelay, OnreadTarget } from "./onread.js";

/** How a {@link NodeTransport} receives input: `data` events, or `onread` callbacks into a reused buffer. */
export type NodeReadMode = "data" | OnreadRelay;

/** Options of a {@link NodeTransport}. */
export interface NodeTransportOptions {
  /** `onread` relay of a client socket made by `net.connect`; default: `data` events. */
  readonly reads?: NodeReadMode;
  /** The raw socket under a TLS socket: released together with it. */
  readonly companion?: Socket;
}

/** Swallows an error that has already been routed, or that nobody can act on any more. */
export function ignoreError(): void {}

/** The socket's own property naming the transport its events go to (at most one transport per socket). */
const TRANSPORT = Symbol("sansio.nodeTransport");

/** A socket driven by a {@link NodeTransport}. */
type RoutedSocket = Socket & { [TRANSPORT]?: NodeTransport };

/** The stream states `net.Socket` keeps (Node internals, present on Node 18 to 24). */
interface StreamStates {
  _readableState?: { autoDestroy: boolean; errored: Error | null };
  _writableState?: { autoDestroy: boolean };
}

/**
 * Keeps a socket whose write failed open for reading. `net.Socket` forces `autoDestroy`, so a failed
 * write (the peer reset) destroys the socket and the bytes the peer sent before its reset, which Linux
 * keeps readable, are lost. With `autoDestroy` off the failed write only errors the stream; the
 * transport then clears the readable side's error so reading goes on to the end of the input. The
 * driver always destroys the socket itself (`close()` / `abort()`), so nothing is left open.
 */
function keepReadableOnWriteError(socket: Socket): void {
  const states = socket as unknown as StreamStates;
  if (states._writableState) states._writableState.autoDestroy = false;
  if (states._readableState) states._readableState.autoDestroy = false;
}

/**
 * Takes what a paused socket read ahead before it failed: `read()` still returns buffered chunks after a
 * destroy, once the readable side is not marked errored. (Whether it also emits them as 'data' depends on
 * whether 'error' was emitted yet, so the caller stops listening to 'data' first.)
 */
function takeReadAhead(socket: Socket, into: (chunk: Uint8Array) => void): void {
  const readable = (socket as unknown as StreamStates)._readableState;
  if (readable) readable.errored = null;
  for (let chunk: Buffer | null = socket.read(); chunk !== null; chunk = socket.read()) into(chunk);
}

/** A failed write left the readable side errored (it would stop reading): clear that, reading goes on. */
function resumeReadableAfterWriteError(socket: Socket, error: Error): void {
  const readable = (socket as unknown as StreamStates)._readableState;
  if (readable && readable.errored === error) readable.errored = null;
}

/** Writes up to this many bytes go without a callback (see `write`); larger ones keep theirs. */
const QUIET_WRITE_MAX = 16 * 1024;

/** The empty write whose callback marks the end of a write still queued in Node. */
const NOTHING = new Uint8Array(0);

/** True when the socket handed every byte written to the kernel and nothing failed. */
function writtenThrough(socket: Socket): boolean {
  return socket.writableLength === 0 && socket.writable;
}

/**
 * One Node `net.Socket` or `tls.TLSSocket` as a {@link Transport}. Input is pushed (`data` chunks on
 * accepted sockets and TLS sockets; `onread` chunks from a reused buffer on `net.connect` sockets),
 * writes are corked into one `writev`, and half-close relies on `allowHalfOpen: true`.
 */
export class NodeTransport implements Transport, OnreadTarget {
  readonly pull = false;
  readonly #socket: Socket;
  readonly #sink: TransportSink;
  readonly #companion: Socket | undefined;
  readonly #onread: OnreadRelay | undefined;
  #reading = false;
  #inOnread = false;
  #detached = false;
  #releaseAsked = false;
  #closeEmitted = false;
  #closeReported = false;
  #errored = false;
  #gotEnd = false;
  #sentEnd = false;
  #writeDone: WriteCallback | undefined;
  #writeTotal = 0;
  /** The error a write failed with: when the socket emits it as 'error', reading goes on. */
  #writeError: Error | undefined;

  constructor(socket: Socket, sink: TransportSink, options: NodeTransportOptions = {}) {
    this.#socket = socket;
    this.#sink = sink;
    this.#companion = options.companion;
    const reads = options.reads ?? "data";
    this.#onread = reads === "data" ? undefined : reads;
    // The listeners are shared by every transport (no closures per socket): they find this transport
    // on the socket, which emits them.
    (socket as RoutedSocket)[TRANSPORT] = this;
    keepReadableOnWriteError(socket);
    // 'error' and 'close' stay attached for the socket's whole life: no error can go unhandled.
    socket.on("error", NodeTransport.#onError);
    socket.on("close", NodeTransport.#onClose);
    this.#companion?.on("error", ignoreError);
    socket.on("end", NodeTransport.#onEnd);
    // Input waits until the driver asks for it.
    socket.pause();
    if (this.#onread) this.#onread.bind(this);
    else socket.on("data", NodeTransport.#onData);
    if (socket.destroyed) {
      // Already torn down before we got it: nothing will be read or written.
      this.#closeEmitted = true;
      queueMicrotask(() => this.#reportClosed());
    }
  }

  /** The socket being driven. */
  get socket(): Socket {
    return this.#socket;
  }

  readStart(): void {
    if (this.#reading || this.#detached) return;
    this.#reading = true;
    // Inside an onread callback the return value keeps the handle reading.
    if (!this.#inOnread) this.#socket.resume();
  }

  readStop(): void {
    if (!this.#reading) return;
    this.#reading = false;
    // Inside an onread callback, returning false stops the handle.
    if (!this.#inOnread) this.#socket.pause();
  }

  write(iovecs: readonly Uint8Array[], done: WriteCallback): void {
    const socket = this.#socket;
    let total = 0;
    let last = -1;
    let count = 0;
    for (let i = 0; i < iovecs.length; i++) {
      const length = (iovecs[i] as Uint8Array).length;
      if (length === 0) continue;
      total += length;
      last = i;
      count++;
    }
    this.#writeDone = done;
    this.#writeTotal = total;
    // A small write goes without a callback: when the kernel takes it at once (the usual case), Node
    // then spends no tick and no object on it, and the driver hears at once. (With a callback Node
    // defers it to a nextTick.) A large write, which often waits in Node, keeps its callback.
    const callback = total > QUIET_WRITE_MAX ? this.#onWritten : undefined;
    if (count === 1) socket.write(iovecs[last] as Uint8Array, callback);
    else {
      // One writev syscall for all iovecs; the last one's callback runs once Node needs none of them.
      socket.cork();
      for (let i = 0; i <= last; i++) {
        const iovec = iovecs[i] as Uint8Array;
        if (iovec.length > 0) socket.write(iovec, i === last ? callback : undefined);
      }
      socket.uncork();
    }
    if (callback) return;
    if (writtenThrough(socket)) this.#onWritten();
    // Still queued in Node (or failed): an empty write queued after it calls back once Node no longer
    // needs the bytes, or with the error that failed them.
    else socket.write(NOTHING, this.#onWritten);
  }

  shutdownWrite(): void {
    if (this.#sentEnd) return;
    this.#sentEnd = true;
    this.#socket.end();
  }

  close(): void {
    if (this.#releaseAsked) return;
    this.#releaseAsked = true;
    this.#reading = false;
    if (this.#closeEmitted) {
      queueMicrotask(() => this.#reportClosed());
      return;
    }
    // Sends FIN if not sent yet, and destroys the socket once everything written has been flushed.
    this.#socket.destroySoon();
  }

  abort(): void {
    this.#releaseAsked = true;
    this.#reading = false;
    if (this.#closeEmitted) {
      queueMicrotask(() => this.#reportClosed());
      return;
    }
    this.#socket.destroy();
    this.#companion?.destroy();
  }

  /**
   * Stops routing this socket's input and events to the driver (before STARTTLS hands the socket to a
   * TLS layer). `close()`/`abort()` still release it and report `socketClosed` if the upgrade fails.
   */
  detach(): void {
    if (this.#detached) return;
    this.readStop();
    this.#detached = true;
    this.#socket.off("end", NodeTransport.#onEnd);
    if (this.#onread) this.#onread.bind(undefined);
    else this.#socket.off("data", NodeTransport.#onData);
  }

  /** Called by the `onread` relay with a view of its buffer; returns whether to keep reading. */
  onRead(chunk: Uint8Array): boolean {
    if (this.#detached || this.#releaseAsked) return false;
    this.#inOnread = true;
    try {
      this.#sink.data(chunk);
    } finally {
      this.#inOnread = false;
    }
    return this.#reading;
  }

  // ---- socket events: `this` is the socket; each finds its transport on it ----------------------

  static readonly #onData = function (this: RoutedSocket, chunk: Buffer): void {
    const transport = this[TRANSPORT];
    if (transport) transport.#data(chunk);
  };

  static readonly #onEnd = function (this: RoutedSocket): void {
    const transport = this[TRANSPORT];
    if (transport) transport.#end();
  };

  static readonly #onError = function (this: RoutedSocket, error: Error): void {
    const transport = this[TRANSPORT];
    if (transport) transport.#error(error);
  };

  static readonly #onClose = function (this: RoutedSocket): void {
    const transport = this[TRANSPORT];
    if (transport) transport.#close();
  };

  #data(chunk: Buffer): void {
    if (this.#releaseAsked) return;
    this.#sink.data(chunk);
  }

  #end(): void {
    this.#gotEnd = true;
    if (this.#releaseAsked) return;
    this.#sink.eof();
  }

  readonly #onWritten = (error?: Error | null): void => {
    const done = this.#writeDone;
    if (!done) return;
    this.#writeDone = undefined;
    if (error) {
      this.#writeError = error;
      done(error, 0);
    } else done(null, this.#writeTotal);
  };

  #error(error: Error): void {
    if (error === this.#writeError && !this.#socket.destroyed) {
      // The write side failed and the driver knows ("closed"); what the peer sent is still readable.
      resumeReadableAfterWriteError(this.#socket, error);
      return;
    }
    this.#errored = true;
    if (this.#detached || this.#releaseAsked) return;
    // A paused socket may hold bytes Node read ahead before the reset: read() still hands them out
    // (as 'data' events, to the driver) after the destroy, and they come before the error.
    if (!this.#onread) {
      this.#socket.off("data", NodeTransport.#onData);
      takeReadAhead(this.#socket, this.#sink.data.bind(this.#sink));
    }
    // A write in flight learns first that the peer is gone (one "closed" result), then the driver.
    this.#onWritten(error);
    this.#sink.error(error);
  }

  #close(): void {
    this.#closeEmitted = true;
    if (this.#companion && !this.#companion.destroyed) this.#companion.destroy();
    if (this.#writeDone) this.#onWritten(new ConnectionLostError("the socket closed with a write in flight"));
    if (!this.#releaseAsked) {
      if (this.#detached) return;
      // Both FINs were exchanged and Node closed the socket by itself: nothing was lost. The driver
      // is still finishing the protocol; it releases the session when it calls close().
      if (this.#gotEnd && this.#sentEnd && !this.#errored) return;
    }
    this.#reportClosed();
  }

  #reportClosed(): void {
    if (this.#closeReported) return;
    this.#closeReported = true;
    this.#sink.socketClosed();
  }
}
