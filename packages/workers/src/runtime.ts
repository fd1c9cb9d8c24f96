import { connect as workersConnect } from "cloudflare:sockets";
import {
  type Accept,
  type Address,
  abortable,
  type Connection,
  ConnectionLostError,
  type ConnectOptions,
  closeOnAbort,
  DEFAULT_HOSTNAME,
  Driver,
  errorCode,
  type Listener,
  type ListenOptions,
  type Runtime,
  type Session,
  throwIfAborted,
  UnsupportedError,
} from "@sansio/runtime-api";
import { startSession } from "./session.js";
import { ignoreRejection, type SocketConnector, type WorkersSocket, type WorkersSocketInfo } from "./socket.js";
import { planTls, type TlsPlan } from "./tls.js";

/** Options of {@link createRuntime}. */
export interface WorkersRuntimeOptions {
  /**
   * Opens the sockets: default `connect` from `cloudflare:sockets` (through the Worker's global
   * outbound). Pass another to route them, e.g. `(address, options) => env.MY_SERVICE.connect(address, options)`.
   * It receives the `ConnectOptions` of the call too, to route by them.
   */
  readonly connect?: SocketConnector;
}

const LISTEN_UNSUPPORTED =
  "listen: Cloudflare Workers cannot accept TCP connections (cloudflare:sockets only connects out); " +
  "serve clients through the Worker's fetch handler instead";

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function lost(what: string, error: unknown): ConnectionLostError {
  return new ConnectionLostError(`${what}: ${describe(error)}`, { cause: error, code: errorCode(error) });
}

/** Waits for the socket (and, for a custom server name, the TLS upgrade) to be established. */
async function establish(
  socket: WorkersSocket,
  where: string,
  plan: TlsPlan,
): Promise<{ socket: WorkersSocket; info: WorkersSocketInfo }> {
  let info: WorkersSocketInfo;
  try {
    info = await socket.opened;
  } catch (error) {
    ignoreRejection(socket.close());
    throw lost(`connect to ${where} failed`, error);
  }
  if (plan.serverName === undefined) return { socket, info };
  let tls: WorkersSocket | undefined;
  try {
    tls = socket.startTls({ expectedServerHostname: plan.serverName });
    ignoreRejection(tls.closed);
    info = await tls.opened;
  } catch (error) {
    if (tls) ignoreRejection(tls.close());
    ignoreRejection(socket.close());
    throw lost(`TLS handshake with ${where} (${plan.serverName}) failed`, error);
  }
  return { socket: tls, info };
}

class WorkersRuntime implements Runtime {
  readonly name = "workers";
  readonly #connect: SocketConnector;

  constructor(options: WorkersRuntimeOptions) {
    this.#connect = options.connect ?? ((address, socketOptions) => workersConnect(address, socketOptions));
  }

  async listen(_options: ListenOptions, _accept: Accept): Promise<Listener> {
    throw new UnsupportedError(LISTEN_UNSUPPORTED);
  }

  async connect(
    options: ConnectOptions,
    connection: Connection | ((session: Session) => Connection),
  ): Promise<Session> {
    const signal = options.signal;
    throwIfAborted(signal, "connect");
    if (options.path !== undefined) {
      throw new UnsupportedError("connect: Workers cannot use unix sockets (cloudflare:sockets is TCP only)");
    }
    const hostname = options.hostname ?? DEFAULT_HOSTNAME;
    const port = options.port;
    if (port === undefined || !Number.isInteger(port) || port < 1 || port > 65535) {
      throw new RangeError(`connect: port must be an integer from 1 to 65535, got ${String(port)}`);
    }
    const plan = planTls(options.tls, hostname);
    const driver = new Driver(options); // checks the buffer and timeout options before a socket exists
    const where = `${hostname}:${port}`;
    let socket: WorkersSocket;
    try {
      socket = this.#connect(
        { hostname, port },
        { secureTransport: plan.secureTransport, allowHalfOpen: true },
        options,
      );
    } catch (error) {
      throw lost(`connect to ${where} failed`, error);
    }
    ignoreRejection(socket.closed);
    const cancel = (): void => ignoreRejection(socket.close());
    signal?.addEventListener("abort", cancel, { once: true });
    let established: { socket: WorkersSocket; info: WorkersSocketInfo };
    try {
      established = await abortable(establish(socket, where, plan), signal, "connect", (late) =>
        ignoreRejection(late.socket.close()),
      );
    } finally {
      signal?.removeEventListener("abort", cancel);
    }
    const fallback: Address = { transport: "tcp", hostname, port };
    const session = startSession(driver, established.socket, established.info, fallback, connection);
    closeOnAbort(session, signal);
    return session;
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
