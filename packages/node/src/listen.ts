import * as net from "node:net";
import type * as tls from "node:tls";
import {
  type Accept,
  type Address,
  abortable,
  DEFAULT_HOSTNAME,
  Driver,
  type Listener,
  ListenerCore,
  type ListenOptions,
  throwIfAborted,
  toConnectionLost,
} from "@sansio/runtime-api";
import { sessionInfo } from "./addresses.js";
import { ignoreError } from "./node-transport.js";
import { openSocketSession } from "./session.js";
import { acceptTls, handshakeTimeout } from "./tls-handshake.js";
import { alpnProtocols, negotiatedAlpn, serverSecureContext } from "./tls-options.js";

/** The bound address of a listening server. */
function boundAddress(server: net.Server, options: ListenOptions): Address {
  const bound = server.address();
  if (typeof bound === "string") return { transport: "unix", path: bound };
  if (bound === null) {
    return options.path !== undefined
      ? { transport: "unix", path: options.path }
      : { transport: "tcp", hostname: options.hostname ?? DEFAULT_HOSTNAME, port: options.port ?? 0 };
  }
  return { transport: "tcp", hostname: bound.address, port: bound.port };
}

/**
 * `runtime.listen` on Node: a `net.Server` (half-open, `noDelay`) whose accepted sockets are driven
 * one connection each; with `tls`, each accepted socket first completes a server-side TLS handshake.
 * Rejects with `ConnectionLostError` (code `EADDRINUSE`, `EACCES`...) when the address cannot be bound.
 * A unix socket file is removed when the listener closes; an existing one is never deleted.
 */
export async function listen(options: ListenOptions, accept: Accept): Promise<Listener> {
  throwIfAborted(options.signal, "listen");
  new Driver(options); // validates the buffer and timeout options before anything is bound
  const tlsOptions = options.tls;
  const secureContext = tlsOptions ? serverSecureContext(tlsOptions) : undefined;
  const alpn = alpnProtocols(tlsOptions?.alpnProtocols);
  const timeout = handshakeTimeout(options.idleTimeout);
  const unixPath = options.path;
  const server = net.createServer({ allowHalfOpen: true, noDelay: unixPath === undefined });
  /** Accepted sockets still in their TLS handshake: not sessions yet, destroyed when the listener closes. */
  const handshaking = new Set<net.Socket>();
  let listener: ListenerCore | undefined;

  const serve = (socket: net.Socket, raw?: net.Socket): void => {
    const core = listener as ListenerCore;
    if (core.isClosing) {
      socket.destroy();
      raw?.destroy();
      return;
    }
    const driver = new Driver(options);
    const session = openSocketSession(socket, driver, {
      drive: options,
      info: sessionInfo(socket, raw ? negotiatedAlpn(socket as tls.TLSSocket) : null, { local: unixPath }),
      companion: raw,
      startTlsHostname: raw ? undefined : (socket.remoteAddress ?? "localhost"),
    });
    core.track(driver);
    let connection: ReturnType<Accept>;
    try {
      connection = accept(session);
    } catch (error) {
      driver.abort(error);
      return;
    }
    driver.start(connection);
  };

  server.on("connection", (raw: net.Socket) => {
    raw.on("error", ignoreError);
    if (!listener || listener.isClosing) {
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
      const where = unixPath ?? `${options.hostname ?? DEFAULT_HOSTNAME}:${options.port ?? 0}`;
      reject(toConnectionLost(error, `listen on ${where} failed`));
    };
    const onListening = (): void => {
      server.off("error", onError);
      // Accept errors (EMFILE...) are transient: the server keeps listening.
      server.on("error", ignoreError);
      listener = new ListenerCore(boundAddress(server, options), stopAccepting, options.signal);
      resolve(listener);
    };
    server.once("error", onError);
    server.once("listening", onListening);
    if (unixPath !== undefined) server.listen({ path: unixPath });
    else server.listen({ host: options.hostname ?? DEFAULT_HOSTNAME, port: options.port ?? 0 });
  });
  return abortable(bound, options.signal, "listen", (late) => void late.close());
}
