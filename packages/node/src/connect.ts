import * as net from "node:net";
import * as tls from "node:tls";
import {
  AbortedError,
  type Address,
  type Connection,
  type ConnectOptions,
  type Session,
  toConnectionLost,
} from "@sansio/runtime-api";
import {
  checkConnect,
  closeOnAbort,
  describeAddress,
  startClientConnection,
  throwIfAborted,
} from "@sansio/runtime-api/adapter";
import { sessionInfo } from "./address.js";
import { OnreadRelay } from "./onread.js";
import { openSession } from "./session.js";
import { clientTlsOptions, negotiatedAlpn } from "./tls.js";
import { ignoreError } from "./transport.js";

/**
 * Opens a socket (TCP, unix, optionally TLS) and resolves once it is established ('connect', or
 * 'secureConnect' after the handshake and certificate check). Rejects with `ConnectionLostError` when
 * it cannot be, or `AbortedError` when `signal` aborts first; the socket is destroyed either way.
 */
function openClientSocket(
  options: ConnectOptions,
  target: Address,
  hostname: string,
  relay: OnreadRelay,
): Promise<net.Socket> {
  const signal = options.signal;
  const where = target.transport === "unix" ? { path: target.path } : { host: target.hostname, port: target.port };
  const tcp = target.transport === "tcp";
  let socket: net.Socket;
  if (options.tls !== undefined) {
    // tls.connect passes these on to its socket (Node 22/24 source); @types/node does not list them.
    const secure: tls.ConnectionOptions & { allowHalfOpen: boolean; noDelay: boolean; onread: net.OnReadOpts } = {
      ...where,
      ...clientTlsOptions(options.tls, hostname),
      allowHalfOpen: true,
      noDelay: tcp,
      onread: relay.options,
    };
    socket = tls.connect(secure);
  } else {
    socket = net.connect({ ...where, allowHalfOpen: true, noDelay: tcp, onread: relay.options });
  }
  // Stays attached: errors after a failed or aborted attempt have nowhere else to go.
  socket.on("error", ignoreError);
  const established = options.tls !== undefined ? "secureConnect" : "connect";
  return new Promise((resolve, reject) => {
    const finish = (): void => {
      socket.off(established, onEstablished);
      socket.off("error", onError);
      signal?.removeEventListener("abort", onAbort);
    };
    const onEstablished = (): void => {
      finish();
      resolve(socket);
    };
    const onError = (error: Error): void => {
      finish();
      socket.destroy();
      reject(toConnectionLost(error, `connect to ${describeAddress(target)} failed`));
    };
    const onAbort = (): void => {
      finish();
      socket.destroy();
      reject(new AbortedError("connect aborted", { cause: signal?.reason }));
    };
    socket.once(established, onEstablished);
    socket.on("error", onError);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * `runtime.connect` on Node: connects, then drives the connection (or the one made from the session).
 * Client sockets read through `onread` into a reused buffer.
 */
export async function connect(
  options: ConnectOptions,
  connection: Connection | ((session: Session) => Connection),
): Promise<Session> {
  const { target, hostname } = checkConnect(options);
  const relay = new OnreadRelay();
  const socket = await openClientSocket(options, target, hostname, relay);
  const { driver, session } = openSession(socket, {
    drive: options,
    reads: relay,
    info: sessionInfo(
      socket,
      socket instanceof tls.TLSSocket ? negotiatedAlpn(socket) : null,
      options.path !== undefined ? { remote: options.path } : undefined,
    ),
    startTlsHostname: options.tls !== undefined ? undefined : hostname,
  });
  try {
    // The signal may have fired between 'connect' and here: the attempt counts as aborted.
    throwIfAborted(options.signal, "connect");
  } catch (error) {
    driver.abort(error);
    throw error;
  }
  startClientConnection(driver, session, connection);
  closeOnAbort(session, options.signal);
  return session;
}
