import { ConnectionLostError, type Session, toConnectionLost } from "@sansio/runtime-api";
import { lostCode } from "@sansio/runtime-api/adapter";
import { type BunSocket, SocketEvents } from "./socket-events.js";
import { handshakeError } from "./tls.js";

/**
 * The events of a socket made by `Bun.connect` until it is established: the TCP connection, then
 * (TLS) the handshake. `establish` runs synchronously inside Bun's handler, so no byte can arrive
 * before the session's transport owns the socket.
 */
export class ConnectAttempt extends SocketEvents {
  /** Resolves with the session once established; rejects with `ConnectionLostError`. */
  readonly settled: Promise<Session>;
  readonly #tls: boolean;
  readonly #establish: (socket: BunSocket) => Session;
  #socket: BunSocket | undefined;
  #done = false;
  #cancelled = false;
  #resolve!: (session: Session) => void;
  #reject!: (error: unknown) => void;

  /** The peer's certificate is checked (false with `insecureSkipVerify`). */
  readonly #verify: boolean;

  constructor(tls: boolean, establish: (socket: BunSocket) => Session, verify = true) {
    super();
    this.#tls = tls;
    this.#verify = verify;
    this.#establish = establish;
    this.settled = new Promise((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    this.settled.catch(() => {});
  }

  /** Gives up (the signal aborted): an established socket is never handed to the connection. */
  cancel(): void {
    this.#cancelled = true;
    if (this.#done) return;
    this.fail(new ConnectionLostError("connect was cancelled"));
    this.#socket?.terminate();
  }

  /** The attempt failed before Bun called a handler (e.g. `Bun.connect` rejected). */
  fail(error: unknown): void {
    if (this.#done) return;
    this.#done = true;
    this.#reject(toConnectionLost(error, "connect failed"));
  }

  override onOpen(socket: BunSocket): void {
    this.#socket = socket;
    if (this.#cancelled) {
      socket.terminate();
      return;
    }
    // TLS: with a `handshake` handler set, `open` comes before the handshake; wait for it.
    if (!this.#tls) this.#succeed(socket);
  }

  override onHandshake(socket: BunSocket, success: boolean, error: Error | null): void {
    this.#socket = socket;
    if (this.#done) return;
    // With verification off, Bun still reports a failed check (e.g. when a server name is sent) as
    // `success: false`; the opt-out means what it means on Node: neither the chain nor the name counts.
    if (!success && this.#verify) {
      // The certificate was refused (untrusted, wrong name, expired...). Bun closes the socket too.
      this.#done = true;
      this.#reject(handshakeError("connect", error));
      socket.terminate();
      return;
    }
    this.#succeed(socket);
  }

  override onConnectError(_socket: BunSocket, error: Error): void {
    this.fail(error);
  }

  override onError(socket: BunSocket, error: Error): void {
    if (this.#done) return;
    this.fail(error);
    socket.terminate();
  }

  override onClose(_socket: BunSocket, error: Error | undefined): void {
    if (this.#done) return;
    this.#done = true;
    this.#reject(
      new ConnectionLostError("connect failed: the socket closed before it was established", {
        cause: error,
        code: lostCode(error),
      }),
    );
  }

  #succeed(socket: BunSocket): void {
    if (this.#done) return;
    this.#done = true;
    try {
      this.#resolve(this.#establish(socket));
    } catch (error) {
      this.#reject(error);
      // Nothing took the socket over (a started driver releases it itself): do not leak it.
      if (socket.data === this) socket.terminate();
    }
  }
}
