import { connect as workersConnect } from "cloudflare:sockets";
import type {
  Accept,
  Connection,
  ConnectOptions,
  Listener,
  ListenOptions,
  Runtime,
  Session,
} from "@sansio/runtime-api";
import { connect } from "./connect.js";
import { listen } from "./listen.js";
import type { SocketConnector } from "./socket.js";

/** Options of {@link createRuntime}. */
export interface WorkersRuntimeOptions {
  /**
   * Opens the sockets: default `connect` from `cloudflare:sockets` (through the Worker's global
   * outbound). Pass another to route them, e.g. `(address, options) => env.MY_SERVICE.connect(address, options)`.
   * It receives the `ConnectOptions` of the call too, to route by them.
   */
  readonly connect?: SocketConnector;
}

class WorkersRuntime implements Runtime {
  readonly name = "workers";
  readonly #open: SocketConnector;

  constructor(options: WorkersRuntimeOptions) {
    this.#open = options.connect ?? ((address, socketOptions) => workersConnect(address, socketOptions));
  }

  listen(options: ListenOptions, accept: Accept): Promise<Listener> {
    return listen(options, accept);
  }

  connect(options: ConnectOptions, connection: Connection | ((session: Session) => Connection)): Promise<Session> {
    return connect(this.#open, options, connection);
  }
}

/**
 * Makes a Workers runtime. `runtime` is `createRuntime()`; pass `connect` to open sockets through a
 * binding instead of the global outbound.
 */
export function createRuntime(options: WorkersRuntimeOptions = {}): Runtime {
  return new WorkersRuntime(options);
}

/**
 * The Cloudflare Workers runtime: `connect` over `cloudflare:sockets` (TCP, TLS, STARTTLS);
 * `listen` rejects with `UnsupportedError` (Workers cannot accept TCP connections).
 */
export const runtime: Runtime = createRuntime();
