import {
  type Accept,
  type Address,
  acceptConnection,
  checkListen,
  type Listener,
  ListenerCore,
  type ListenOptions,
  toConnectionLost,
} from "@sansio/runtime-api";
import type { TLSOptions } from "bun";
import { openSession } from "./session.js";
import { type BunSocket, SocketEvents, sansioHandlers } from "./socket-events.js";
import { serverTlsOptions } from "./tls.js";

/**
 * The `data` of a Bun listener, so the first `data` of every accepted socket: it accepts the socket
 * (after the TLS handshake when serving TLS) and hands the socket's events to its own transport.
 */
class AcceptContext extends SocketEvents {
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
    if (!core) {
      socket.terminate();
      return;
    }
    // Server-side STARTTLS is not offered: Bun's upgradeTLS() always runs the client handshake.
    const { driver, session } = openSession(socket, {
      drive: this.#options,
      path: this.#options.path,
      canStartTls: false,
    });
    acceptConnection(core, driver, session, this.#accept);
  }
}

/**
 * `runtime.listen` on Bun: `Bun.listen` (half-open) over TCP, TLS or a unix socket, one driven
 * connection per accepted socket. Rejects with `ConnectionLostError` when the address cannot be bound.
 */
export async function listen(options: ListenOptions, accept: Accept): Promise<Listener> {
  const wanted = checkListen(options);
  const context = new AcceptContext(options, accept);
  const tls: TLSOptions | undefined = options.tls ? serverTlsOptions(options.tls) : undefined;
  let stop: () => void;
  let address: Address;
  try {
    if (wanted.transport === "unix") {
      const listener = Bun.listen<unknown>({
        unix: wanted.path,
        tls,
        allowHalfOpen: true,
        data: context,
        socket: sansioHandlers,
      });
      stop = () => listener.stop();
      address = wanted;
    } else {
      const listener = Bun.listen<unknown>({
        hostname: wanted.hostname,
        port: wanted.port,
        tls,
        allowHalfOpen: true,
        data: context,
        socket: sansioHandlers,
      });
      stop = () => listener.stop();
      address = { transport: "tcp", hostname: listener.hostname, port: listener.port };
    }
  } catch (error) {
    throw toConnectionLost(error, "listen failed");
  }
  // stop() only stops accepting; ListenerCore shuts the open connections down and drains them.
  const core = new ListenerCore(address, stop, options.signal);
  context.bind(core);
  return core;
}
