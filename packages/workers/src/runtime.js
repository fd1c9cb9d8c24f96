import { connect as workersConnect } from "cloudflare:sockets";
import {
  abortable,
  ConnectionLostError,
  closeOnAbort,
  DEFAULT_HOSTNAME,
  Driver,
  errorCode,
  throwIfAborted,
  UnsupportedError,
} from "@sansio/runtime-api";
import { startSession } from "./session.js";
import { ignoreRejection } from "./socket.js";
import { planTls } from "./tls.js";

const LISTEN_UNSUPPORTED =
  "listen: Cloudflare Workers cannot accept TCP connections (cloudflare:sockets only connects out); " +
  "serve clients through the Worker's fetch handler instead";
function describe(error) {
  return error instanceof Error ? error.message : String(error);
}
function lost(what, error) {
  return new ConnectionLostError(`${what}: ${describe(error)}`, { cause: error, code: errorCode(error) });
}
/** Waits for the socket (and, for a custom server name, the TLS upgrade) to be established. */
async function establish(socket, where, plan) {
  let info;
  try {
    info = await socket.opened;
  } catch (error) {
    ignoreRejection(socket.close());
    throw lost(`connect to ${where} failed`, error);
  }
  if (plan.serverName === undefined) return { socket, info };
  let tls;
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
class WorkersRuntime {
  name = "workers";
  #connect;
  constructor(options) {
    this.#connect = options.connect ?? ((address, socketOptions) => workersConnect(address, socketOptions));
  }
  async listen(_options, _accept) {
    throw new UnsupportedError(LISTEN_UNSUPPORTED);
  }
  async connect(options, connection) {
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
    let socket;
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
    const cancel = () => ignoreRejection(socket.close());
    signal?.addEventListener("abort", cancel, { once: true });
    let established;
    try {
      established = await abortable(establish(socket, where, plan), signal, "connect", (late) =>
        ignoreRejection(late.socket.close()),
      );
    } finally {
      signal?.removeEventListener("abort", cancel);
    }
    const fallback = { transport: "tcp", hostname, port };
    const session = startSession(driver, established.socket, established.info, fallback, connection);
    closeOnAbort(session, signal);
    return session;
  }
}
/**
 * Makes a Workers runtime. `runtime` is `createRuntime()`; pass `connect` to open sockets through a
 * binding instead of the global outbound.
 */
export function createRuntime(options = {}) {
  return new WorkersRuntime(options);
}
/**
 * The Cloudflare Workers runtime: `connect` over `cloudflare:sockets` (TCP, TLS, STARTTLS);
 * `listen` rejects with `UnsupportedError` (Workers cannot accept TCP connections).
 */
export const runtime = createRuntime();
