import { ConnectionLostError } from "@sansio/runtime-api";
import { lostCode } from "@sansio/runtime-api/adapter";
import { type BunSocket, SocketEvents } from "./socket-events.js";
import { handshakeError } from "./tls.js";

/** Who is upgrading: told when the TLS socket is ready, or when it closed during the handshake. */
export interface UpgradeOwner {
  /** The handshake succeeded: `socket`'s events go to the owner from now on. */
  adoptUpgraded(socket: BunSocket): void;
  /** The TLS socket closed during the handshake (the upgrade has been rejected already). */
  upgradeClosed(socket: BunSocket, error: Error | undefined): void;
}

/** The events of a socket during a client STARTTLS handshake, until it is handed back to its transport. */
export class TlsUpgrade extends SocketEvents {
  /** Resolves with the ALPN protocol once the handshake succeeded; rejects with `ConnectionLostError`. */
  readonly settled: Promise<string | null>;
  readonly #owner: UpgradeOwner;
  /** The peer's certificate is checked (false with `insecureSkipVerify`). */
  readonly #verify: boolean;
  #done = false;
  #resolve!: (alpn: string | null) => void;
  #reject!: (error: unknown) => void;

  constructor(owner: UpgradeOwner, verify = true) {
    super();
    this.#owner = owner;
    this.#verify = verify;
    this.settled = new Promise((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
  }

  override onHandshake(socket: BunSocket, success: boolean, error: Error | null): void {
    if (this.#done) return;
    this.#done = true;
    // As in ConnectAttempt: with verification off Bun still reports a failed check (a name mismatch)
    // as `success: false`; the opt-out means neither the chain nor the name counts, as on Node.
    if (success || !this.#verify) {
      this.#owner.adoptUpgraded(socket);
      this.#resolve(socket.alpnProtocol || null);
      return;
    }
    this.#reject(handshakeError("startTls", error));
    socket.terminate();
  }

  override onError(_socket: BunSocket, error: Error): void {
    if (this.#done) return;
    this.#done = true;
    this.#reject(new ConnectionLostError(`startTls failed: ${error.message}`, { cause: error, code: lostCode(error) }));
  }

  override onClose(socket: BunSocket, error: Error | undefined): void {
    if (!this.#done) {
      this.#done = true;
      this.#reject(
        new ConnectionLostError("startTls failed: the socket closed during the TLS handshake", {
          cause: error,
          code: lostCode(error),
        }),
      );
    }
    this.#owner.upgradeClosed(socket, error);
  }
}
