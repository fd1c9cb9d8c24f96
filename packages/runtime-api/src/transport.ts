/**
 * What a driver hands its transport: where input goes and how the socket's fate is reported.
 * A transport calls these from the runtime's own callbacks; the driver never blocks in them.
 */
export interface TransportSink {
  /** Push runtimes: a chunk arrived. The driver may keep the chunk only until this call returns. */
  data(chunk: Uint8Array): void;
  /** Pull runtimes: free read-buffer memory to read into (never empty when a read was asked for). */
  space(): Uint8Array;
  /** Pull runtimes: `n` (> 0) bytes were read into the last `space()` view. */
  filled(n: number): void;
  /** The peer finished sending (FIN). */
  eof(): void;
  /** The runtime reported an I/O error on the socket (reading or in general). */
  error(error: unknown): void;
  /** The socket is released; nothing more will be reported. */
  socketClosed(): void;
}

/** Called once the runtime no longer needs the bytes of a write: `error` set when the socket failed. */
export type WriteCallback = (error: unknown | null, written: number) => void;

/**
 * One socket, as the driver core sees it: the whole runtime-specific part of an adapter.
 * - push transports (Node server sockets, Bun) deliver `sink.data(chunk)` between `readStart` and `readStop`;
 * - pull transports (Deno, Workers, Node `onread`) read into `sink.space()` once per `readStart`
 *   and report `sink.filled(n)` or `sink.eof()`.
 */
export interface Transport {
  /** True when each `readStart()` performs exactly one read into `sink.space()`. */
  readonly pull: boolean;
  /** Ask for input. Push: (re)start delivering. Pull: start one read. Never called while a pull read is in flight. */
  readStart(): void;
  /** Push transports: stop delivering input until `readStart()`. Pull transports may ignore it. */
  readStop(): void;
  /**
   * Send the iovecs in order; call `done` once the runtime no longer needs their memory, with how many
   * bytes that covers (it may be fewer than offered: the driver reports that and asks again). `done`
   * may be called synchronously. Never called while a write is in flight.
   */
  write(iovecs: readonly Uint8Array[], done: WriteCallback): void;
  /** Half-close: send FIN after what was written, keep reading. */
  shutdownWrite(): void;
  /** Release the socket gracefully (after a FIN was sent, or to discard unwanted input); then `sink.socketClosed()`. */
  close(): void;
  /** Tear the socket down now; then `sink.socketClosed()`. Safe to call more than once. */
  abort(): void;
}
