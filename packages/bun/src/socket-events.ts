import type { Socket, SocketHandler } from "bun";

/** A Bun socket as this package handles it: its `data` is whatever owns the socket's events. */
export type BunSocket = Socket<unknown>;

/**
 * What a socket's `data` holds while sansio owns the socket: the object its events go to. Bun's
 * handlers are shared by every socket of a listener (and of a `Bun.connect` options object), so the
 * per-socket state lives in `socket.data` and the shared handlers below only dispatch to it.
 */
export abstract class SocketEvents {
  /** The TCP connection is up (TLS: before the handshake, because a `handshake` handler is set). */
  onOpen(_socket: BunSocket): void {}
  /** A TLS handshake finished; `success` is false when the peer's certificate was refused. */
  onHandshake(_socket: BunSocket, _success: boolean, _error: Error | null): void {}
  /** A chunk arrived (a fresh buffer each time). */
  onData(_socket: BunSocket, _chunk: Uint8Array): void {}
  /** The socket can take more bytes after a partial write. */
  onDrain(_socket: BunSocket): void {}
  /** The peer sent FIN. */
  onEnd(_socket: BunSocket): void {}
  /** The socket is closed; `error` is set when it failed (reset, broken pipe...). */
  onClose(_socket: BunSocket, _error: Error | undefined): void {}
  /** A handler threw, or an established TLS session failed. */
  onError(_socket: BunSocket, _error: Error): void {}
  /** `Bun.connect` could not establish the socket. */
  onConnectError(_socket: BunSocket, _error: Error): void {}
}

/** The owner of `socket`'s events, or undefined when sansio does not own it. */
function owner(socket: BunSocket): SocketEvents | undefined {
  const data = socket.data;
  return data instanceof SocketEvents ? data : undefined;
}

/** A `data` chunk as bytes, whatever `binaryType` the handlers were made with. */
function asBytes(chunk: unknown): Uint8Array {
  if (chunk instanceof Uint8Array) return chunk;
  if (ArrayBuffer.isView(chunk)) return new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  return new Uint8Array(chunk as ArrayBuffer);
}

/** Sockets whose handlers are sansio's (so `drive()` may take them over by setting `socket.data`). */
const routedSockets = new WeakSet<object>();

/** True when `socket`'s events already pass through handlers made by {@link socketHandlers}. */
export function isRouted(socket: BunSocket): boolean {
  return routedSockets.has(socket);
}

/**
 * Makes a Bun `SocketHandler` that sends every event of a socket owned by sansio (its `data` is a
 * sansio object, as after {@link drive}) to that owner, and every other socket's events to `fallback`.
 *
 * Use it as `socket:` of your own `Bun.listen` when you want to `drive()` some accepted sockets
 * yourself: Bun shares handlers between all sockets of a listener, so `drive()` cannot replace the
 * handlers of one accepted socket (`socket.reload()` would replace them for the whole listener).
 */
export function socketHandlers<Data = unknown>(fallback: SocketHandler<Data> = {}): SocketHandler<Data> {
  type S = Socket<Data>;
  const asBun = (socket: S): BunSocket => socket as unknown as BunSocket;
  return {
    open(socket: S) {
      routedSockets.add(socket);
      const events = owner(asBun(socket));
      if (events) events.onOpen(asBun(socket));
      else return fallback.open?.(socket);
    },
    handshake(socket: S, success: boolean, error: Error | null) {
      routedSockets.add(socket);
      const events = owner(asBun(socket));
      if (events) events.onHandshake(asBun(socket), success, error);
      else fallback.handshake?.(socket, success, error);
    },
    data(socket: S, chunk: Buffer) {
      const events = owner(asBun(socket));
      if (events) events.onData(asBun(socket), asBytes(chunk));
      else return fallback.data?.(socket, chunk);
    },
    drain(socket: S) {
      const events = owner(asBun(socket));
      if (events) events.onDrain(asBun(socket));
      else return fallback.drain?.(socket);
    },
    end(socket: S) {
      const events = owner(asBun(socket));
      if (events) events.onEnd(asBun(socket));
      else return fallback.end?.(socket);
    },
    close(socket: S, error?: Error) {
      const events = owner(asBun(socket));
      if (events) events.onClose(asBun(socket), error);
      else return fallback.close?.(socket, error);
    },
    error(socket: S, error: Error) {
      const events = owner(asBun(socket));
      if (events) events.onError(asBun(socket), error);
      else return fallback.error?.(socket, error);
    },
    connectError(socket: S, error: Error) {
      const events = owner(asBun(socket));
      if (events) events.onConnectError(asBun(socket), error);
      else return fallback.connectError?.(socket, error);
    },
    timeout(socket: S) {
      // sansio never arms Bun's timeout (it closes the socket); the driver's idleTimeout is used instead.
      if (!owner(asBun(socket))) return fallback.timeout?.(socket);
    },
    binaryType: fallback.binaryType ?? "uint8array",
  };
}

/** The handlers of every socket sansio creates itself (listeners, connects, STARTTLS). */
export const sansioHandlers: SocketHandler<unknown> = socketHandlers<unknown>();
