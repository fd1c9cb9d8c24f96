import { type Accept, type Address, type Listener, type ListenOptions, toConnectionLost } from "@sansio/runtime-api";
import { acceptConnection, checkListen, ListenerCore, type ListenFeatures } from "@sansio/runtime-api/adapter";
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
  /** Admitted TLS sockets whose handshake has not finished: each holds a place until it ends either way. */
  readonly #handshaking = new Set<BunSocket>();
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
    // Full or closing: terminated before any work is spent on it (the peer sees a reset or EOF).
    if (this.#core?.admit() !== "admitted") {
      socket.terminate();
      return;
    }
    // TLS: with a `handshake` handler set, `open` comes before the handshake; accept after it.
    if (this.#tls) this.#handshaking.add(socket);
    else this.#start(socket, this.#core);
  }

  override onHandshake(socket: BunSocket, success: boolean): void {
    const core = this.#core;
    if (!core || !this.#handshaking.delete(socket)) return;
    if (success) {
      this.#start(socket, core);
      return;
    }
    core.release();
    socket.terminate();
  }

  override onClose(socket: BunSocket): void {
    // Closed before its handshake finished: the place it held is free again.
    if (this.#handshaking.delete(socket)) this.#core?.release();
  }

  #start(socket: BunSocket, core: ListenerCore): void {
    // Server-side STARTTLS is not offered: Bun's upgradeTLS() always runs the client handshake.
    const { driver, session } = openSession(socket, {
      drive: this.#options,
      path: this.#options.path,
      canStartTls: false,
    });
    acceptConnection(core, driver, session, this.#accept, "admitted");
  }
}

/** `Bun.listen` sets SO_REUSEPORT when asked; only Linux spreads connections among the listeners. */
export function bunReusePort(platform: string = process.platform): true | string {
  return platform === "linux" ? true : `SO_REUSEPORT spreads connections only on Linux, not ${platform}`;
}

/**
 * `runtime.listen` on Bun: `Bun.listen` (half-open) over TCP, TLS or a unix socket, one driven
 * connection per accepted socket. Rejects with `ConnectionLostError` when the address cannot be bound.
 * Past `maxConnections` (TLS handshakes included) an accepted socket is terminated at once.
 */
export async function listen(options: ListenOptions, accept: Accept): Promise<Listener> {
  const features: ListenFeatures = { maxConnections: true, reusePort: bunReusePort() };
  const wanted = checkListen(options, features);
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
        ...(options.reusePort ? { reusePort: true } : {}),
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
  const core = new ListenerCore(address, stop, options);
  context.bind(core);
  return core;
}
