import { type Connection, type ConnectOptions, type Session, UnsupportedError } from "@sansio/runtime-api";
import {
  abortable,
  checkConnect,
  closeOnAbort,
  describeAddress,
  startClientConnection,
} from "@sansio/runtime-api/adapter";
import { handshakeRefused, workersLost } from "./errors.js";
import { openSession } from "./session.js";
import { ignoreRejection, type SocketConnector, type WorkersSocket, type WorkersSocketInfo } from "./socket.js";
import { planTls, type TlsPlan } from "./tls.js";

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
    const lost = workersLost(`connect to ${where} failed`, error);
    // workerd hides why a handshake was refused ("internal error; reference = ..."): say only that it was.
    throw plan.secureTransport === "on" ? handshakeRefused(lost) : lost;
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
    throw handshakeRefused(workersLost(`TLS handshake with ${where} (${plan.serverName}) failed`, error));
  }
  return { socket: tls, info };
}

/**
 * `runtime.connect` on Workers: opens a socket with `open` (the global outbound's `connect`, or a
 * binding's), waits until it is established, then drives the connection.
 */
export async function connect(
  open: SocketConnector,
  options: ConnectOptions,
  connection: Connection | ((session: Session) => Connection),
): Promise<Session> {
  const signal = options.signal;
  const { target } = checkConnect(options);
  if (target.transport !== "tcp") {
    throw new UnsupportedError("connect: Workers cannot use unix sockets (cloudflare:sockets is TCP only)");
  }
  const { hostname, port } = target;
  const plan = planTls(options.tls, hostname);
  const where = describeAddress(target);
  let socket: WorkersSocket;
  try {
    socket = open({ hostname, port }, { secureTransport: plan.secureTransport, allowHalfOpen: true }, options);
  } catch (error) {
    throw workersLost(`connect to ${where} failed`, error);
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
  const { driver, session } = openSession(established.socket, options, established.info, target);
  startClientConnection(driver, session, connection);
  closeOnAbort(session, signal);
  return session;
}
