import { type Connection, type ConnectOptions, type Session, toConnectionLost } from "@sansio/runtime-api";
import { abortable, checkConnect, closeOnAbort, startClientConnection } from "@sansio/runtime-api/adapter";
import type { TLSOptions } from "bun";
import { ConnectAttempt } from "./connect-attempt.js";
import { openSession } from "./session.js";
import { type BunSocket, sansioHandlers } from "./socket-events.js";
import { clientTlsOptions } from "./tls.js";

/**
 * `runtime.connect` on Bun: `Bun.connect` (half-open) over TCP, TLS or a unix socket. Resolves once
 * the socket is established (and its certificate verified); the connection is started inside Bun's
 * `open`/`handshake` handler, so no byte arrives before the driver owns the socket.
 */
export async function connect(
  options: ConnectOptions,
  connection: Connection | ((session: Session) => Connection),
): Promise<Session> {
  const { target, hostname } = checkConnect(options);
  const tls: TLSOptions | undefined = options.tls ? clientTlsOptions(options.tls, hostname) : undefined;
  const establish = (socket: BunSocket): Session => {
    const { driver, session } = openSession(socket, {
      drive: options,
      path: options.path,
      canStartTls: tls === undefined,
      startTlsHostname: target.transport === "tcp" ? hostname : options.hostname,
    });
    startClientConnection(driver, session, connection);
    return session;
  };
  const attempt = new ConnectAttempt(tls !== undefined, establish, tls?.rejectUnauthorized !== false);
  let connecting: Promise<unknown>;
  try {
    connecting =
      target.transport === "unix"
        ? Bun.connect<unknown>({ unix: target.path, tls, allowHalfOpen: true, data: attempt, socket: sansioHandlers })
        : Bun.connect<unknown>({
            hostname: target.hostname,
            port: target.port,
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
