import { ConnectionLostError, iovecsLength, toConnectionLost } from "@sansio/runtime-api";
import { IovecGatherer, type Transport, type TransportSink, type WriteCallback } from "@sansio/runtime-api/adapter";
import type { TLSOptions } from "bun";
import { type BunSocket, SocketEvents, sansioHandlers } from "./socket-events.js";
import { TlsUpgrade, type UpgradeOwner } from "./tls-upgrade.js";

const NO_PARTS: readonly Uint8Array[] = [];

/**
 * One Bun socket as the driver's {@link Transport}. Bun pushes chunks to the `data` handler, writes
 * partially and buffers nothing, so this keeps the unwritten tail of a write and retries it on `drain`.
 *
 * It owns the socket's events through `socket.data` (see `socket-events.ts`); events of any other
 * socket that still names it (the raw twin Bun leaves behind after STARTTLS) are ignored.
 */
export class BunTransport extends SocketEvents implements Transport, UpgradeOwner {
  readonly pull = false;
  readonly #sink: TransportSink;
  /** The socket the bytes go through: the plain one, then the TLS one after STARTTLS. */
  #socket: BunSocket;
  /** We paused the socket (`readStop`). */
  #paused = false;
  /**
   * The write on its way out (fields, not an object per write): its parts (small iovecs merged), the
   * part and offset where Bun stopped, the total, and whom to tell; `#writeDone` is unset when none.
   */
  #parts: readonly Uint8Array[] = NO_PARTS;
  #partIndex = 0;
  #partOffset = 0;
  #writeTotal = 0;
  #writeDone: WriteCallback | undefined;
  /** Bun has no writev: small iovecs are gathered into reused memory, large ones written as they are. */
  readonly #gatherer = new IovecGatherer();
  /** The peer's FIN was delivered to the sink. */
  #eof = false;
  /** Bun closed the socket (its `close` handler ran). */
  #gone = false;
  /** The driver asked to release the socket (`close()` or `abort()`). */
  #releaseAsked = false;
  /** `sink.socketClosed()` was delivered. */
  #notified = false;
  /** A failed STARTTLS closed the socket: report `socketClosed` only once the driver has heard why and aborts. */
  #holdClose = false;

  constructor(sink: TransportSink, socket: BunSocket) {
    super();
    this.#sink = sink;
    this.#socket = socket;
  }

  /** The Bun socket currently carrying the bytes. */
  get socket(): BunSocket {
    return this.#socket;
  }

  // ---- Transport ------------------------------------------------------------------------------

  readStart(): void {
    if (!this.#paused || this.#gone) return;
    this.#paused = false;
    this.#socket.resume();
  }

  readStop(): void {
    if (this.#paused || this.#gone) return;
    this.#paused = true;
    this.#socket.pause();
  }

  write(iovecs: readonly Uint8Array[], done: WriteCallback): void {
    if (this.#gone) {
      done(this.#writeOnClosed(), 0);
      return;
    }
    this.#parts = this.#gatherer.gather(iovecs);
    this.#writeTotal = iovecsLength(this.#parts);
    this.#partIndex = 0;
    this.#partOffset = 0;
    this.#writeDone = done;
    this.#flush();
  }

  shutdownWrite(): void {
    if (this.#gone) return;
    // `shutdown()` is the half-close (FIN, reading goes on); `end()` would close the whole socket.
    this.#socket.shutdown();
  }

  close(): void {
    this.#release(false);
  }

  abort(): void {
    this.#release(true);
  }

  // ---- STARTTLS -------------------------------------------------------------------------------

  /**
   * Upgrades the plain socket to TLS as a client (`socket.upgradeTLS`). Resolves with the ALPN protocol
   * once the handshake succeeded; from then on this transport carries the TLS socket.
   */
  upgrade(tls: TLSOptions): Promise<string | null> {
    const raw = this.#socket;
    const upgrade = new TlsUpgrade(this, tls.rejectUnauthorized !== false);
    // The driver paused reading before the switch; a paused socket would stall the handshake.
    if (this.#paused) {
      this.#paused = false;
      raw.resume();
    }
    let pair: [BunSocket, BunSocket];
    try {
      pair = raw.upgradeTLS<unknown>({ data: upgrade, tls, socket: sansioHandlers });
    } catch (error) {
      return Promise.reject(toConnectionLost(error, "startTls failed"));
    }
    // Bun returns [raw, tls]: the raw twin keeps this transport as `data` but sees ciphertext, so
    // from here on only events of the TLS socket count.
    this.#socket = pair[1];
    return upgrade.settled;
  }

  /** The STARTTLS handshake succeeded: the TLS socket's events come here now. */
  adoptUpgraded(socket: BunSocket): void {
    if (socket !== this.#socket) return;
    socket.data = this;
  }

  /** The TLS socket closed during the STARTTLS handshake (the upgrade has been rejected already). */
  upgradeClosed(socket: BunSocket, error: Error | undefined): void {
    if (socket !== this.#socket) return;
    this.#socketGone(error, true);
  }

  // ---- socket events --------------------------------------------------------------------------

  override onData(socket: BunSocket, chunk: Uint8Array): void {
    if (socket !== this.#socket) return;
    this.#sink.data(chunk);
  }

  override onDrain(socket: BunSocket): void {
    if (socket !== this.#socket) return;
    this.#flush();
  }

  override onEnd(socket: BunSocket): void {
    if (socket !== this.#socket || this.#eof) return;
    this.#eof = true;
    this.#sink.eof();
  }

  override onError(socket: BunSocket, error: Error): void {
    if (socket !== this.#socket || this.#gone) return;
    this.#sink.error(error);
  }

  override onClose(socket: BunSocket, error: Error | undefined): void {
    if (socket !== this.#socket) return;
    this.#socketGone(error, false);
  }

  // ---- internals ------------------------------------------------------------------------------

  /** Writes what Bun takes now; keeps the rest for the next `drain`. */
  #flush(): void {
    const done = this.#writeDone;
    if (!done) return;
    const socket = this.#socket;
    const parts = this.#parts;
    while (this.#partIndex < parts.length) {
      const part = parts[this.#partIndex] as Uint8Array;
      const length = part.length - this.#partOffset;
      const written = socket.write(part, this.#partOffset, length);
      if (written < 0) {
        this.#endWrite();
        done(this.#writeOnClosed(), 0);
        return;
      }
      if (written < length) {
        // Bun sent (or, over TLS, encrypted) `written` bytes and kept no reference to the rest.
        this.#partOffset += written;
        return;
      }
      this.#partIndex++;
      this.#partOffset = 0;
    }
    this.#endWrite();
    done(null, this.#writeTotal);
  }

  /**
   * The error of a write Bun refused because the socket is closed: unless we released it, the peer reset
   * it (after a FIN alone the socket stays open for writing: it is half-open).
   */
  #writeOnClosed(): ConnectionLostError {
    return new ConnectionLostError("write: the socket is closed", {
      code: this.#releaseAsked ? undefined : "ECONNRESET",
    });
  }

  /** Forgets the write that just finished (or failed), so its memory is not kept. */
  #endWrite(): void {
    this.#writeDone = undefined;
    this.#parts = NO_PARTS;
    this.#gatherer.clear();
  }

  #release(abortive: boolean): void {
    this.#releaseAsked = true;
    if (this.#gone) {
      this.#holdClose = false;
      queueMicrotask(() => this.#notifyClosed());
      return;
    }
    // terminate(): SO_LINGER 0 + close, the peer sees a reset. end(): FIN and close.
    if (abortive) this.#socket.terminate();
    else this.#socket.end();
    // Bun runs the `close` handler for it, which reports `socketClosed`.
  }

  #socketGone(error: Error | undefined, duringUpgrade: boolean): void {
    if (this.#gone) return;
    this.#gone = true;
    const pending = this.#writeDone;
    this.#endWrite();
    if (!this.#releaseAsked && !duringUpgrade) {
      if (error) this.#sink.error(error);
      else if (!this.#eof) {
        // After our own FIN, Bun closes the socket on the peer's FIN without an `end` event.
        this.#eof = true;
        this.#sink.eof();
      }
    }
    // Bun may close a reset socket without an error while a write waits for `drain`; a FIN alone
    // would not stop the write (the socket is half-open), so the write was cut by a reset.
    pending?.(error ?? this.#writeOnClosed(), 0);
    if (duringUpgrade && !this.#releaseAsked) {
      // The driver learns why from the rejected startTls and then aborts: report the close after that.
      this.#holdClose = true;
      return;
    }
    this.#notifyClosed();
  }

  #notifyClosed(): void {
    if (this.#notified || this.#holdClose) return;
    this.#notified = true;
    this.#sink.socketClosed();
  }
}
