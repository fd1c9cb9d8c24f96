import {
  type Accept,
  type Address,
  abortable,
  type Connection,
  type ConnectOptions,
  closeOnAbort,
  DEFAULT_HOSTNAME,
  Driver,
  DriverSession,
  type Listener,
  ListenerCore,
  type ListenOptions,
  type Runtime,
  type Session,
  startClientConnection,
  throwIfAborted,
  toConnectionLost,
} from "@sansio/runtime-api";
import type { TLSOptions } from "bun";
import { AcceptContext } from "./accept-context.js";
import { ConnectAttempt } from "./connect-attempt.js";
import { sessionInfo } from "./session-info.js";
import { type BunSocket, sansioHandlers } from "./socket-events.js";
import { ClientSession } from "./start-tls.js";
import { clientTlsOptions, serverTlsOptions } from "./tls-options.js";
import { BunTransport } from "./transport.js";

/** The Bun adapter: `Bun.listen` and `Bun.connect` over TCP, TLS and unix sockets. */
export class BunRuntime implements Runtime {
  readonly name = "bun";

  async listen(options: ListenOptions, accept: Accept): Promise<Listener> {
    throwIfAborted(options.signal, "listen");
    new Driver(options); // validates the buffer and timeout options before anything is bound
    const context = new AcceptContext(options, accept);
    const tls: TLSOptions | undefined = options.tls ? serverTlsOptions(options.tls) : undefined;
    let stop: () => void;
    let address: Address;
    try {
      if (options.path !== undefined) {
        const listener = Bun.listen<unknown>({
          unix: options.path,
          tls,
          allowHalfOpen: true,
          data: context,
          socket: sansioHandlers,
        });
        stop = () => listener.stop();
        address = { transport: "unix", path: options.path };
      } else {
        const listener = Bun.listen<unknown>({
          hostname: options.hostname ?? DEFAULT_HOSTNAME,
          port: options.port ?? 0,
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

  async connect(
    options: ConnectOptions,
    connection: Connection | ((session: Session) => Connection),
  ): Promise<Session> {
    throwIfAborted(options.signal, "connect");
    new Driver(options); // validates the buffer and timeout options before connecting
    const hostname = options.hostname ?? DEFAULT_HOSTNAME;
    if (options.path === undefined && options.port === undefined) {
      throw new TypeError("connect: give a port (TCP) or a path (unix socket)");
    }
    const tls: TLSOptions | undefined = options.tls ? clientTlsOptions(options.tls, hostname) : undefined;
    const attempt = new ConnectAttempt(tls !== undefined, (socket) =>
      this.#establish(socket, options, hostname, tls !== undefined, connection),
    );
    let connecting: Promise<unknown>;
    try {
      connecting =
        options.path !== undefined
          ? Bun.connect<unknown>({
              unix: options.path,
              tls,
              allowHalfOpen: true,
              data: attempt,
              socket: sansioHandlers,
            })
          : Bun.connect<unknown>({
              hostname,
              port: options.port as number,
              tls,
              allowHalfOpen: true,
              data: attempt,
              socket: sansioHandlers,
            });
    } catch (error) {
      throw toConnectionLost(error, "connect failed");
    }
    connecting.catch((error: unknown) => attempt.fail(error));
    const signal = options.signal;
    const onAbort = (): void => attempt.cancel();
    signal?.addEventListener("abort", onAbort, { once: true });
    try {
      const session = await abortable(attempt.settled, signal, "connect", (late) => late.close());
      closeOnAbort(session, signal);
      return session;
    } finally {
      signal?.removeEventListener("abort", onAbort);
    }
  }

  /** The socket is up (and TLS verified): drive it. Runs inside Bun's `open`/`handshake` handler. */
  #establish(
    socket: BunSocket,
    options: ConnectOptions,
    hostname: string,
    tls: boolean,
    connection: Connection | ((session: Session) => Connection),
  ): Session {
    const driver = new Driver(options);
    const transport = new BunTransport(driver, socket);
    socket.data = transport;
    driver.attach(transport);
    const info = sessionInfo(socket, options.path);
    const session = tls
      ? new DriverSession(driver, info)
      : new ClientSession(driver, info, transport, options.path === undefined ? hostname : options.hostname);
    startClientConnection(driver, session, connection);
    return session;
  }
}

/** The Bun runtime adapter: `import { runtime } from "@sansio/bun"`. */
export const runtime: Runtime = new BunRuntime();
