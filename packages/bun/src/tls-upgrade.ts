import { ConnectionLostError, errorCode } from "@sansio/runtime-api";
import { type BunSocket, SocketEvents } from "./socket-events.js";
import type { BunTransport } from "./transport.js";

/** The events of a socket during a client STARTTLS handshake, until it is handed back to its transport. */
export class TlsUpgrade extends SocketEvents {
  /** Resolves with the ALPN protocol once the handshake succeeded; rejects with `ConnectionLostError`. */
  readonly settled: Promise<string | null>;
  readonly #transport: BunTransport;
  #done = false;
  #resolve!: (alpn: string | null) => void;
  #reject!: (error: unknown) => void;

  constructor(transport: BunTransport) {
    super();
    this.#transport = transport;
    this.settled = new Promise((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
  }

  override onHandshake(socket: BunSocket, success: boolean, error: Error | null): void {
    if (this.#done) return;
    this.#done = true;
    if (success) {
      this.#transport.adoptUpgraded(socket);
      this.#resolve(socket.alpnProtocol || null);
      return;
    }
    this.#reject(handshakeError("startTls", error));
    socket.terminate();
  }

  override onError(_socket: BunSocket, error: Error): void {
    if (this.#done) return;
    this.#done = true;
    this.#reject(
      new ConnectionLostError(`startTls failed: ${error.message}`, { cause: error, code: errorCode(error) }),
    );
  }

  override onClose(socket: BunSocket, error: Error | undefined): void {
    if (!this.#done) {
      this.#done = true;
      this.#reject(
        new ConnectionLostError("startTls failed: the socket closed during the TLS handshake", {
          cause: error,
          code: errorCode(error),
        }),
      );
    }
    this.#transport.upgradeClosed(socket, error);
  }
}

/** The error for a refused TLS handshake (certificate not trusted, wrong name...), Bun's error as `cause`. */
export function handshakeError(what: string, error: Error | null): ConnectionLostError {
  const detail = error?.message ?? "the TLS handshake failed";
  return new ConnectionLostError(`${what}: TLS handshake failed: ${detail}`, { cause: error, code: errorCode(error) });
}
