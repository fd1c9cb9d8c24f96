import {
  type Accept,
  type Address,
  type Listener,
  type ListenOptions,
  toConnectionLost,
  UnsupportedError,
} from "@sansio/runtime-api";
import {
  acceptConnection,
  checkListen,
  describeAddress,
  ListenerCore,
  type ListenFeatures,
} from "@sansio/runtime-api/adapter";
import { toAddress } from "./address.ts";
import { setNoDelay } from "./drive.ts";
import { openSession } from "./session.ts";
import { pemText } from "./tls.ts";
import { closeQuietly } from "./transport.ts";

/** Longest pause of the accept loop after a transient accept error (too many open files...). */
const MAX_ACCEPT_BACKOFF = 1000;

/**
 * Whether `Deno.listen({ reusePort })` can be had: Deno sets SO_REUSEPORT only on Linux (elsewhere it
 * ignores it) and only under `--unstable-net` (without it, Deno exits the process). Other unstable-net
 * APIs show whether the flag is on.
 */
export function denoReusePort(
  platform: string = Deno.build.os,
  unstableNet: boolean = typeof (Deno as { listenDatagram?: unknown }).listenDatagram === "function",
): true | string {
  if (platform !== "linux") return `Deno sets SO_REUSEPORT only on Linux, not ${platform}`;
  return unstableNet ? true : 'Deno needs the --unstable-net flag (or "unstable": ["net"] in deno.json) for it';
}

/**
 * Listens on TCP, TLS or a unix socket and drives one connection per accepted conn. Rejects with
 * `ConnectionLostError` (Deno's error as `cause`) when the address cannot be bound. Past
 * `maxConnections` (TLS handshakes included) an accepted conn is closed at once.
 */
export async function listen(options: ListenOptions, accept: Accept): Promise<Listener> {
  const features: ListenFeatures = { maxConnections: true, reusePort: denoReusePort() };
  const wanted = checkListen(options, features);
  if (options.path !== undefined && options.tls) {
    throw new UnsupportedError("listen: Deno cannot serve TLS on a unix socket (Deno.listenTls is TCP only)");
  }
  let listener: Deno.Listener;
  try {
    listener = bind(wanted, options);
  } catch (error) {
    throw toConnectionLost(error, `listen on ${describeAddress(wanted)}`);
  }
  return new DenoListener(listener, options, accept).core;
}

function bind(address: Address, options: ListenOptions): Deno.Listener {
  if (address.transport === "unix") return Deno.listen({ transport: "unix", path: address.path });
  const { hostname, port } = address;
  const reusePort = options.reusePort ? { reusePort: true } : {};
  const tls = options.tls;
  if (!tls) return Deno.listen({ hostname, port, ...reusePort });
  return Deno.listenTls({
    hostname,
    port,
    ...reusePort,
    cert: pemText(tls.cert),
    key: pemText(tls.key),
    ...(tls.alpnProtocols ? { alpnProtocols: [...tls.alpnProtocols] } : {}),
  });
}

/** The accept loop of one Deno listener; {@link ListenerCore} does the counting, draining and `signal`. */
class DenoListener {
  readonly core: ListenerCore;
  readonly #listener: Deno.Listener;
  readonly #options: ListenOptions;
  readonly #accept: Accept;
  readonly #tls: boolean;
  /** Accepted TLS conns whose handshake is still running (closed if the listener closes first). */
  readonly #handshaking = new Set<Deno.Conn>();
  readonly #loop: Promise<void>;
  #stopped = false;

  constructor(listener: Deno.Listener, options: ListenOptions, accept: Accept) {
    this.#listener = listener;
    this.#options = options;
    this.#accept = accept;
    this.#tls = options.tls !== undefined;
    this.core = new ListenerCore(toAddress(listener.addr), () => this.#stop(), options);
    this.#loop = this.#run();
  }

  async #run(): Promise<void> {
    let backoff = 0;
    for (;;) {
      let conn: Deno.Conn;
      try {
        conn = await this.#listener.accept();
        backoff = 0;
      } catch (error) {
        // Closing the listener rejects the pending accept with BadResource (or Interrupted).
        if (this.#stopped || isClosedListenerError(error)) return;
        backoff = Math.min(MAX_ACCEPT_BACKOFF, backoff === 0 ? 5 : backoff * 2);
        await new Promise((resolve) => setTimeout(resolve, backoff));
        if (this.#stopped) return;
        continue;
      }
      // Full or closing: closed before any work is spent on it (the peer sees EOF or a reset).
      if (this.core.admit() !== "admitted") {
        closeQuietly(conn);
        continue;
      }
      if (this.#tls) void this.#handshake(conn);
      else this.#serve(conn, null);
    }
  }

  /** Runs the TLS handshake before the connection is made, so `session.alpnProtocol` is known to `accept`. */
  async #handshake(conn: Deno.Conn): Promise<void> {
    this.#handshaking.add(conn);
    const idle = this.#options.idleTimeout ?? 0;
    const timer = idle > 0 ? setTimeout(() => closeQuietly(conn), idle) : undefined;
    let alpnProtocol: string | null;
    try {
      ({ alpnProtocol } = await (conn as Deno.TlsConn).handshake());
    } catch {
      // A client that fails the handshake (or sends no TLS at all) is dropped; the listener keeps serving.
      this.core.release();
      closeQuietly(conn);
      return;
    } finally {
      clearTimeout(timer);
      this.#handshaking.delete(conn);
    }
    this.#serve(conn, alpnProtocol);
  }

  /** Drives an accepted conn (a closing listener aborts it at once). */
  #serve(conn: Deno.Conn, alpnProtocol: string | null): void {
    let opened: ReturnType<typeof openSession>;
    try {
      setNoDelay(conn);
      opened = openSession(conn, this.#options, alpnProtocol);
    } catch {
      // The conn failed before it could be driven (the peer already reset it); drop it, keep serving.
      this.core.release();
      closeQuietly(conn);
      return;
    }
    acceptConnection(this.core, opened.driver, opened.session, this.#accept, "admitted");
  }

  async #stop(): Promise<void> {
    this.#stopped = true;
    closeQuietly(this.#listener);
    const address = this.core.address;
    if (address.transport === "unix") removeSocketFile(address.path);
    for (const conn of this.#handshaking) closeQuietly(conn);
    await this.#loop;
  }
}

function isClosedListenerError(error: unknown): boolean {
  return error instanceof Deno.errors.BadResource || error instanceof Deno.errors.Interrupted;
}

/** Deno removes a unix listener's socket file itself; this makes sure, ignoring a file already gone. */
function removeSocketFile(path: string): void {
  try {
    if (Deno.lstatSync(path).isSocket) Deno.removeSync(path);
  } catch {
    // Already removed.
  }
}
