import { type Accept, Driver, DriverSession, type ListenerCore, type ListenOptions } from "@sansio/runtime-api";
import { sessionInfo } from "./session-info.js";
import { type BunSocket, SocketEvents } from "./socket-events.js";
import { BunTransport } from "./transport.js";

/**
 * The `data` of a Bun listener, so the first `data` of every accepted socket: it accepts the socket
 * (after the TLS handshake when serving TLS) and hands the socket's events to its own transport.
 */
export class AcceptContext extends SocketEvents {
  readonly #options: ListenOptions;
  readonly #accept: Accept;
  readonly #tls: boolean;
  #core: ListenerCore | undefined;

  constructor(options: ListenOptions, accept: Accept) {
    super();
    this.#options = options;
    this.#accept = accept;
    this.#tls = options.tls !== undefined;
  }

  /** Binds the listener bookkeeping (once the Bun listener exists). */
  bind(core: ListenerCore): void {
    this.#core = core;
  }

  override onOpen(socket: BunSocket): void {
    // TLS: with a `handshake` handler set, `open` comes before the handshake; accept after it.
    if (!this.#tls) this.#start(socket);
  }

  override onHandshake(socket: BunSocket, success: boolean): void {
    if (success) this.#start(socket);
    else socket.terminate();
  }

  #start(socket: BunSocket): void {
    const core = this.#core;
    if (!core || core.isClosing) {
      socket.terminate();
      return;
    }
    const driver = new Driver(this.#options);
    const transport = new BunTransport(driver, socket);
    socket.data = transport;
    driver.attach(transport);
    // Server-side STARTTLS is not offered: Bun's upgradeTLS() always runs the client handshake.
    const session = new DriverSession(driver, sessionInfo(socket, this.#options.path));
    core.track(driver);
    if (driver.isReleased) return;
    try {
      driver.start(this.#accept(session));
    } catch (error) {
      driver.abort(error);
    }
  }
}
