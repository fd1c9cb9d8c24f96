import type { Socket } from "node:net";
import * as tls from "node:tls";
import { ConnectionLostError, TimeoutError, toConnectionLost } from "@sansio/runtime-api";
import { ignoreError } from "./transport.js";

/** A TLS handshake on an accepted socket must finish within this many ms (or `idleTimeout` when shorter). */
export const TLS_HANDSHAKE_TIMEOUT = 30_000;

/** The handshake deadline for a server-side TLS socket driven with `idleTimeout` (0 = none). */
export function handshakeTimeout(idleTimeout: number | undefined): number {
  return idleTimeout !== undefined && idleTimeout > 0
    ? Math.min(idleTimeout, TLS_HANDSHAKE_TIMEOUT)
    : TLS_HANDSHAKE_TIMEOUT;
}

/** Server side of a handshake on `raw`: what the TLS socket presents and how long it may take. */
export interface AcceptTlsOptions {
  readonly secureContext: tls.SecureContext;
  readonly alpnProtocols: string[] | undefined;
  readonly timeout: number;
}

/**
 * Runs the server side of a TLS handshake on a connected socket (an accepted socket, or STARTTLS) and
 * resolves with the TLS socket once it is secure. On failure the TLS socket is destroyed, which also
 * releases `raw`, and the promise rejects with `ConnectionLostError` (or `TimeoutError`).
 */
export function acceptTls(raw: Socket, options: AcceptTlsOptions): Promise<tls.TLSSocket> {
  return new Promise((resolve, reject) => {
    const socket = new tls.TLSSocket(raw, {
      isServer: true,
      secureContext: options.secureContext,
      ALPNProtocols: options.alpnProtocols,
    });
    socket.on("error", ignoreError);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const finish = (): void => {
      clearTimeout(timer);
      socket.off("secure", onSecure);
      socket.off("error", onError);
      socket.off("_tlsError", onError);
      socket.off("close", onClose);
    };
    const fail = (error: Error): void => {
      finish();
      socket.destroy();
      raw.destroy();
      reject(error);
    };
    const onSecure = (): void => {
      finish();
      // Until Node's own server code releases control of a TLS socket, errors after the handshake are
      // only emitted as '_tlsError'; route them to 'error' so the transport sees them.
      socket.on("_tlsError", (error: Error) => {
        if (!socket.destroyed) socket.destroy(error);
      });
      resolve(socket);
    };
    const onError = (error: Error): void => fail(toConnectionLost(error, "TLS handshake failed") as Error);
    const onClose = (): void => fail(new ConnectionLostError("the socket closed during the TLS handshake"));
    timer = setTimeout(
      () => fail(new TimeoutError(`the TLS handshake did not finish within ${options.timeout} ms`)),
      options.timeout,
    );
    timer.unref();
    socket.once("secure", onSecure);
    socket.on("error", onError);
    socket.on("_tlsError", onError);
    socket.once("close", onClose);
  });
}

/**
 * Client side of a TLS handshake: `tls.connect` on a live socket (STARTTLS) or a fresh connection.
 * Resolves once the handshake is done and the certificate verified.
 */
export function connectTls(options: tls.ConnectionOptions): Promise<tls.TLSSocket> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect(options);
    socket.on("error", ignoreError);
    const finish = (): void => {
      socket.off("secureConnect", onSecure);
      socket.off("error", onError);
      socket.off("close", onClose);
    };
    const onSecure = (): void => {
      finish();
      resolve(socket);
    };
    const onError = (error: Error): void => {
      finish();
      socket.destroy();
      options.socket?.destroy();
      reject(toConnectionLost(error, "TLS handshake failed"));
    };
    const onClose = (): void => onError(new ConnectionLostError("the socket closed during the TLS handshake"));
    socket.once("secureConnect", onSecure);
    socket.on("error", onError);
    socket.once("close", onClose);
  });
}
