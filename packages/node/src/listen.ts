import * as net from "node:net";
import type * as tls from "node:tls";
import {
  type Accept,
  type Address,
  type Listener,
  type ListenOptions,
  toConnectionLost,
  UnsupportedError,
} from "@sansio/runtime-api";
import {
  abortable,
  acceptConnection,
  checkListen,
  describeAddress,
  ListenerCore,
  type ListenFeatures,
} from "@sansio/runtime-api/adapter";
import { sessionInfo } from "./address.js";
import { openSession } from "./session.js";
import { alpnProtocols, negotiatedAlpn, serverSecureContext } from "./tls.js";
import { acceptTls, handshakeTimeout } from "./tls-handshake.js";
import { ignoreError } from "./transport.js";

/** The bound address of a listening server (`wanted` when Node does not say). */
function boundAddress(server: net.Server, wanted: Address): Address {
  const bound = server.address();
  if (typeof bound === "string") return { transport: "unix", path: bound };
  if (bound === null) return wanted;
  return { transport: "tcp", hostname: bound.address, port: bound.port };
}

/** `net` has `reusePort` from Node 22.12 and 23.1; libuv refuses it (ENOTSUP) on platforms without it. */
export function nodeReusePort(version: string = process.versions.node): true | string {
  const [major = 0, minor = 0] = version.split(".").map(Number);
  const has = major > 23 || (major === 23 && minor >= 1) || (major === 22 && minor >= 12);
  return has ? true : `Node ${version} has no net reusePort (it came in 22.12 and 23.1)`;
}

/**
 * `runtime.listen` on Node: a `net.Server` (half-open, `noDelay`) whose accepted sockets are driven
 * one connection each; with `tls`, each accepted socket first completes a server-side TLS handshake.
 * Rejects with `ConnectionLostError` (code `EADDRINUSE`, `EACCES`...) when the address cannot be bound.
 * A unix socket file is removed when the listener closes; an existing one is never deleted.
 * Past `maxConnections` (TLS handshakes included) an accepted socket is destroyed at once.
 */
export async function listen(options: ListenOptions, accept: Accept): Promise<Listener> {
  const features: ListenFeatures = { maxConnections: true, reusePort: nodeReusePort() };
  const wanted = checkListen(options, features);
  const tlsOptions = options.tls;
  const secureContext = tlsOptions ? serverSecureContext(tlsOptions) : undefined;
  const alpn = alpnProtocols(tlsOptions?.alpnProtocols);
  const timeout = handshakeTimeout(options.idleTimeout);
  const unixPath = options.path;
  const server = net.createServer({ allowHalfOpen: true, noDelay: unixPath === undefined });
  /** Accepted sockets still in their TLS handshake: not sessions yet, destroyed when the listener closes. */
  const handshaking = new Set<net.Socket>();
  let listener: ListenerCore | undefined;

  /** Drives an admitted socket (`raw` is the plain socket under a TLS one); a closing listener aborts it. */
  const serve = (socket: net.Socket, raw?: net.Socket): void => {
    const { driver, session } = openSession(socket, {
      drive: options,
      info: sessionInfo(socket, raw ? negotiatedAlpn(socket as tls.TLSSocket) : null, { local: unixPath }),
      companion: raw,
      startTlsHostname: raw ? undefined : (socket.remoteAddress ?? "localhost"),
    });
    acceptConnection(listener as ListenerCore, driver, session, accept, "admitted");
  };

  server.on("connection", (raw: net.Socket) => {
    raw.on("error", ignoreError);
    // Full or closing: destroyed before any work is spent on it (the peer sees EOF or a reset).
    if (listener?.admit() !== "admitted") {
      raw.destroy();
      return;
    }
    if (!secureContext) {
      serve(raw);
      return;
    }
    handshaking.add(raw);
    acceptTls(raw, { secureContext, alpnProtocols: alpn, timeout }).then(
      (socket) => {
        handshaking.delete(raw);
        serve(socket, raw);
      },
      () => {
        // A failed handshake never became a session: there is no connection to tell.
        handshaking.delete(raw);
        listener?.release();
      },
    );
  });

  const stopAccepting = (): void => {
    server.close();
    for (const raw of handshaking) raw.destroy();
    handshaking.clear();
  };

  const bound = new Promise<Listener>((resolve, reject) => {
    const onError = (error: Error): void => {
      server.off("listening", onListening);
      server.close();
      if (options.reusePort && (error as NodeJS.ErrnoException).code === "ENOTSUP") {
        reject(new UnsupportedError(`listen: reusePort is not available on ${process.platform}`, { cause: error }));
        return;
      }
      reject(toConnectionLost(error, `listen on ${describeAddress(wanted)} failed`));
    };
    const onListening = (): void => {
      server.off("error", onError);
      // Accept errors (EMFILE...) are transient: the server keeps listening.
      server.on("error", ignoreError);
      listener = new ListenerCore(boundAddress(server, wanted), stopAccepting, options);
      resolve(listener);
    };
    server.once("error", onError);
    server.once("listening", onListening);
    if (wanted.transport === "unix") server.listen({ path: wanted.path });
    else server.listen({ host: wanted.hostname, port: wanted.port, ...(options.reusePort ? { reusePort: true } : {}) });
  });
  return abortable(bound, options.signal, "listen", (late) => void late.close());
}
