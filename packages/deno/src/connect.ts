import {
  type Address,
  type ClientTlsOptions,
  type Connection,
  type ConnectOptions,
  type Session,
  toConnectionLost,
  UnsupportedError,
} from "@sansio/runtime-api";
import {
  abortable,
  checkConnect,
  closeOnAbort,
  describeAddress,
  startClientConnection,
} from "@sansio/runtime-api/adapter";
import { setNoDelay } from "./drive.ts";
import { openSession } from "./session.ts";
import { denoClientTls } from "./tls.ts";
import { closeQuietly } from "./transport.ts";

/** The conn being set up, so an abort can close it. */
interface Progress {
  conn?: Deno.Conn;
}

/** An established conn and the ALPN protocol its TLS handshake chose. */
interface Opened {
  readonly conn: Deno.Conn;
  readonly alpnProtocol: string | null;
}

/**
 * Connects over TCP, TLS or a unix socket and drives `connection`. Resolves once the socket is up (and
 * the TLS handshake has verified the peer); rejects with `ConnectionLostError` (Deno's error as `cause`),
 * or `AbortedError` when `options.signal` aborts first.
 */
export async function connect(
  options: ConnectOptions,
  connection: Connection | ((session: Session) => Connection),
): Promise<Session> {
  const { target, hostname } = checkConnect(options);
  const tls: ClientTlsOptions | undefined = options.tls === true ? {} : options.tls;
  if (tls && target.transport === "unix") {
    throw new UnsupportedError("connect: Deno cannot run TLS over a unix socket (Deno.connectTls is TCP only)");
  }
  const tlsOptions = tls ? denoClientTls(tls, hostname) : undefined;
  const signal = options.signal;
  const progress: Progress = {};
  // An abort during the TLS handshake closes the conn, so the handshake does not linger.
  const onAbort = (): void => {
    if (progress.conn) closeQuietly(progress.conn);
  };
  signal?.addEventListener("abort", onAbort, { once: true });
  const attempt = open(target, tlsOptions, progress).then(
    (opened) => {
      signal?.removeEventListener("abort", onAbort);
      return opened;
    },
    (error: unknown) => {
      signal?.removeEventListener("abort", onAbort);
      throw toConnectionLost(error, `connect to ${describeAddress(target)}`);
    },
  );
  const opened = await abortable(attempt, signal, "connect", (late) => closeQuietly(late.conn));
  const { driver, session } = openSession(opened.conn, options, opened.alpnProtocol, hostname);
  closeOnAbort(session, options.signal);
  startClientConnection(driver, session, connection);
  return session;
}

async function open(target: Address, tls: Deno.StartTlsOptions | undefined, progress: Progress): Promise<Opened> {
  if (target.transport === "unix") {
    return { conn: await Deno.connect({ transport: "unix", path: target.path }), alpnProtocol: null };
  }
  const { hostname, port } = target;
  if (!tls) {
    const conn = await Deno.connect({ hostname, port });
    setNoDelay(conn);
    return { conn, alpnProtocol: null };
  }
  let conn: Deno.TlsConn;
  if (tls.hostname === hostname) {
    conn = await Deno.connectTls({ ...tls, hostname, port });
    progress.conn = conn;
  } else {
    // Deno.connectTls verifies the name it connects to; a different serverName needs connect + startTls.
    const plain = await Deno.connect({ hostname, port });
    progress.conn = plain;
    setNoDelay(plain);
    conn = await Deno.startTls(plain, tls);
    progress.conn = conn;
  }
  try {
    const { alpnProtocol } = await conn.handshake();
    setNoDelay(conn);
    return { conn, alpnProtocol };
  } catch (error) {
    closeQuietly(conn);
    throw error;
  }
}
