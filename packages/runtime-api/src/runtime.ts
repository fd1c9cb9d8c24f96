import type { Connection } from "./connection.js";

/** Where a socket is: a TCP host and port, or a unix socket path. */
export type Address =
  | { readonly transport: "tcp"; readonly hostname: string; readonly port: number }
  | { readonly transport: "unix"; readonly path: string };

/** PEM text or bytes, as the runtimes accept certificates and keys. */
export type Pem = string | Uint8Array;

/** TLS for a listener: the server's certificate chain and key, and the ALPN protocols it offers. */
export interface ServerTlsOptions {
  /** PEM certificate chain. */
  readonly cert: Pem;
  /** PEM private key. */
  readonly key: Pem;
  /** ALPN protocols in order of preference, e.g. `["h2", "http/1.1"]`. */
  readonly alpnProtocols?: readonly string[];
}

/** TLS for a client. Certificates are verified against the system roots unless `ca` is given. */
export interface ClientTlsOptions {
  /** PEM CA certificates to trust instead of the system roots. */
  readonly ca?: Pem | readonly Pem[];
  /** Name to verify and send as SNI; defaults to the hostname connected to. */
  readonly serverName?: string;
  /** ALPN protocols to offer. */
  readonly alpnProtocols?: readonly string[];
  /**
   * Skip certificate verification. Only for tests against self-signed peers; never the default.
   * Runtimes that cannot skip verification throw `UnsupportedError`.
   */
  readonly insecureSkipVerify?: boolean;
}

/** STARTTLS on a live plain session: client options, or (server side) the certificate to present. */
export type StartTlsOptions = ClientTlsOptions | ({ readonly isServer: true } & ServerTlsOptions);

/** What a session has moved so far: readable at any time, final once `closed` settles. */
export interface SessionCounters {
  /** Bytes read from the socket. */
  readonly bytesIn: number;
  /** Bytes written to the socket (reported by the runtime as no longer needed). */
  readonly bytesOut: number;
  /** Reads: chunks delivered by the runtime (push) or reads completed (pull). */
  readonly reads: number;
  /** Writes completed. */
  readonly writes: number;
  /** The largest read buffer the session needed (owned memory; 0 while every chunk was consumed whole). */
  readonly largestReadBuffer: number;
  /** When the session opened (`Date.now()`), 0 before it started. */
  readonly openedAt: number;
  /** How long it has been open (ms on the driver's clock); frozen once it closed. */
  readonly openFor: number;
}

/** Why a session closed: both sides finished, `close()` or a listener abort, a failure, or the runtime closed the socket. */
export type SessionCloseReason = "graceful" | "aborted" | "failed" | "lost";

/** One event in a session's life, for {@link DriveOptions.trace} (and Node's `diagnostics_channel`). */
export type TraceEvent =
  | { readonly type: "open"; readonly session: Session }
  | { readonly type: "tls"; readonly session: Session; readonly alpnProtocol: string | null }
  | { readonly type: "half-close"; readonly session: Session; readonly direction: "in" | "out" }
  | { readonly type: "error"; readonly session: Session; readonly error: unknown }
  | {
      readonly type: "close";
      readonly session: Session;
      readonly reason: SessionCloseReason;
      readonly counters: SessionCounters;
    };

/** Options every driven socket takes, on every runtime, with the same defaults. */
export interface DriveOptions {
  /** Initial read buffer size in bytes. Default 16 KiB. */
  readonly readBufferSize?: number;
  /** The read buffer never grows past this; a protocol that needs more gets `ReadBufferOverflowError`. Default 1 MiB. */
  readonly maxReadBufferSize?: number;
  /** Close the connection with `TimeoutError` after this many ms with no byte read or written. 0 (default) = never. */
  readonly idleTimeout?: number;
  /**
   * Called with every {@link TraceEvent} of the session: open, TLS established, half-close each way,
   * error, close (with the reason and the final counters). Never on the hot path; a hook that throws
   * is ignored. Default: none (no cost).
   */
  readonly trace?: (event: TraceEvent) => void;
}

/** How to listen: TCP (`hostname`, `port`) or a unix socket (`path`), optionally with TLS. */
export interface ListenOptions extends DriveOptions {
  /** Interface to bind. Default `"127.0.0.1"`. */
  readonly hostname?: string;
  /** Port; 0 (default) picks a free one, reported in `listener.address`. */
  readonly port?: number;
  /** Unix socket path, instead of hostname/port. */
  readonly path?: string;
  /** Serve TLS with this certificate. */
  readonly tls?: ServerTlsOptions;
  /** Aborting it closes the listener as `listener.close()` does. */
  readonly signal?: AbortSignal;
  /**
   * Most sockets open at once, TLS handshakes included. A socket accepted past it is closed at once
   * (the peer sees EOF or a reset) and counted in `listener.counters.rejected`; the open ones carry on,
   * and the listener accepts again once below. A positive integer or `Infinity`. Default 16 384
   * (`DEFAULT_MAX_CONNECTIONS`). An adapter that cannot enforce it rejects with `UnsupportedError`.
   */
  readonly maxConnections?: number;
  /**
   * Set `SO_REUSEPORT` so several listeners (one per process or worker) bind the same TCP port and the
   * kernel spreads connections among them. Linux on Node >= 22.12, Bun and Deno (with `--unstable-net`);
   * elsewhere `listen` rejects with `UnsupportedError`. TCP only (`TypeError` with `path`). Default false.
   */
  readonly reusePort?: boolean;
}

/** Where to connect: TCP (`hostname`, `port`) or a unix socket (`path`), optionally with TLS. */
export interface ConnectOptions extends DriveOptions {
  /** Host to connect to. Default `"127.0.0.1"`. */
  readonly hostname?: string;
  /** TCP port. */
  readonly port?: number;
  /** Unix socket path, instead of hostname/port. */
  readonly path?: string;
  /** `true` for TLS verified against the system roots, or client TLS options. */
  readonly tls?: true | ClientTlsOptions;
  /** Aborting it cancels the connect attempt (rejects with `AbortedError`), or closes the session once established. */
  readonly signal?: AbortSignal;
}

/** One socket being driven: where it is, and how to end it. */
export interface Session {
  /** The peer's address. */
  readonly remote: Address;
  /** This end's address. */
  readonly local: Address;
  /** The ALPN protocol negotiated over TLS, or `null`. */
  readonly alpnProtocol: string | null;
  /** Settles once the socket is released, whatever happened; never rejects. */
  readonly closed: Promise<void>;
  /**
   * Upgrades this plain session to TLS in place (STARTTLS). Call it while the connection's reader is
   * yielded and no unread plaintext is buffered; bytes after the handshake are encrypted both ways.
   */
  startTls(options?: StartTlsOptions): Promise<void>;
  /** Abortive close: tear the socket down now. The connection gets `ConnectionClosedError` if it was still open. */
  close(): void;
  /** Bytes and operations so far; final once `closed` settles. */
  readonly counters: SessionCounters;
}

/** What a listener has let in and turned away: readable at any time. */
export interface ListenerCounters {
  /** Sockets admitted under `maxConnections` (a TLS socket counts here before its handshake). */
  readonly accepted: number;
  /** Sockets closed at once because `maxConnections` were already open. */
  readonly rejected: number;
}

/** An open listener. Dispose it (`await using`) or `close()` it. */
export interface Listener extends AsyncDisposable {
  /** The bound address: the real port when 0 was asked. */
  readonly address: Address;
  /** Sessions currently open. */
  readonly connections: number;
  /** Sockets admitted and rejected so far (see {@link ListenOptions.maxConnections}). */
  readonly counters: ListenerCounters;
  /**
   * Stops accepting, asks every open connection to `shutdown()`, waits for them up to `timeout` ms
   * (default 10 000), then aborts what is left. Resolves once every socket is released.
   */
  close(options?: { readonly timeout?: number }): Promise<void>;
}

/** Makes the connection for an accepted session. */
export type Accept = (session: Session) => Connection;

/** A runtime adapter: the same interface on Node, Deno, Bun and Workers. */
export interface Runtime {
  /** Which runtime this adapter drives. */
  readonly name: "node" | "deno" | "bun" | "workers" | (string & {});
  /** Listens and drives one `Connection` per accepted socket. Rejects when the address cannot be bound. */
  listen(options: ListenOptions, accept: Accept): Promise<Listener>;
  /**
   * Connects and drives `connection` (or the one made from the session). Resolves once the socket is
   * established (and the TLS handshake done); rejects with `ConnectionLostError` (runtime error as
   * `cause`) when it cannot be, `AbortedError` when `signal` aborts first.
   */
  connect(options: ConnectOptions, connection: Connection | ((session: Session) => Connection)): Promise<Session>;
}
