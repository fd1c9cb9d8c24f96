import type { Connection } from "../connection.js";
import type {
  Address,
  ClientTlsOptions,
  ConnectOptions,
  Listener,
  ListenOptions,
  Runtime,
  ServerTlsOptions,
  Session,
} from "../runtime.js";
import { PrefixedConnection } from "./clients.js";
import { CASE_HEADER, conformanceAccept } from "./serve.js";
import type { ServerParams, ServerRecord } from "./server-types.js";
import type { ConformanceOptions, RemotePeer } from "./types.js";

/** Thrown by a case that does not apply to this run; the result is "n.a." with the message. */
export class NotApplicable extends Error {
  override readonly name = "NotApplicable";
}

/** Where a case's client connects: a conformance server. */
export interface Target {
  readonly address: Address;
  readonly tls?: ClientTlsOptions;
  /** True when the server runs in this process, so its records can be read. */
  readonly local: boolean;
}

/** A remote conformance server, with the extra endpoints some cases need. */
export interface RemoteEndpoints extends RemotePeer {
  /** A TLS conformance server (certificates from `tls`). */
  readonly tlsAddress?: Address;
  /** A port where nothing listens, for the refused-connect case. */
  readonly refusedPort?: number;
}

const encoder = new TextEncoder();

let tokens = 0;

/** What a case runs with: the runtime under test, where servers are, and cleanup bookkeeping. */
export class CaseContext {
  readonly runtime: Runtime;
  readonly options: ConformanceOptions;
  readonly #server: Runtime | undefined;
  readonly #remote: RemoteEndpoints | undefined;
  readonly #records = new Map<string, ServerRecord>();
  readonly #accepted: Session[] = [];
  readonly #released = new WeakSet<Session>();
  readonly sessions: Session[] = [];
  readonly listeners: Listener[] = [];
  /** What the case measured, for the result's `measured` field (e.g. CPU time after a fault). */
  readonly measurements: string[] = [];

  constructor(runtime: Runtime, options: ConformanceOptions) {
    this.runtime = runtime;
    this.options = options;
    const peer = options.peer;
    if (peer && "address" in peer) this.#remote = peer as RemoteEndpoints;
    else this.#server = (peer as Runtime | undefined) ?? runtime;
  }

  /** Records a measured value for the case's result (shown by runners; never decides pass or fail). */
  measured(text: string): void {
    this.measurements.push(text);
  }

  /** True when the runtime under test is also the one listening. */
  get runtimeListens(): boolean {
    return this.options.peer === undefined;
  }

  /** The server runtime in this process, or n.a. */
  get serverRuntime(): Runtime {
    if (!this.#server) throw new NotApplicable("needs a server in this process (the peer is remote)");
    return this.#server;
  }

  /** Server TLS options, or n.a. */
  get serverTls(): ServerTlsOptions {
    if (!this.options.tls) throw new NotApplicable("no test certificates were given (options.tls)");
    return this.options.tls.server;
  }

  /** Client TLS options trusting the test CA, or n.a. */
  get clientTls(): ClientTlsOptions {
    if (!this.options.tls) throw new NotApplicable("no test certificates were given (options.tls)");
    return this.options.tls.client;
  }

  /** A conformance server: in this process (with `listen` options), or the remote one. */
  async target(listen: ListenOptions = {}, kind: "plain" | "tls" = listen.tls ? "tls" : "plain"): Promise<Target> {
    const remote = this.#remote;
    if (remote) {
      const special = Object.keys(listen).filter((key) => key !== "tls");
      if (special.length > 0) throw new NotApplicable(`needs a server with ${special.join(", ")} (the peer is remote)`);
      if (kind === "tls") {
        if (!remote.tlsAddress) throw new NotApplicable("the remote peer serves no TLS endpoint");
        return { address: remote.tlsAddress, tls: remote.tls ?? this.clientTls, local: false };
      }
      return { address: remote.address, local: false };
    }
    const accept = conformanceAccept({
      records: this.#records,
      startTls: this.options.tls ? { isServer: true, ...this.options.tls.server } : undefined,
    });
    const listener = await this.serverRuntime.listen({ hostname: "127.0.0.1", port: 0, ...listen }, (session) => {
      this.#accepted.push(session);
      void session.closed.then(() => this.#released.add(session));
      return accept(session);
    });
    this.listeners.push(listener);
    return { address: listener.address, tls: kind === "tls" ? this.clientTls : undefined, local: true };
  }

  /** True once every session the in-process servers accepted so far was released. */
  acceptedClosed(): boolean {
    return this.#accepted.length > 0 && this.#accepted.every((session) => this.#released.has(session));
  }

  /** Connects the runtime under test to `target`, asking for the server protocol `server`. */
  async connect(
    target: Target,
    server: string,
    params: ServerParams,
    client: Connection | ((session: Session) => Connection),
    options: ConnectOptions = {},
  ): Promise<{ session: Session; record: () => ServerRecord }> {
    const token = `t${++tokens}`;
    const header = encoder.encode(`${CASE_HEADER} ${server} ${JSON.stringify({ ...params, token })}\n`);
    const address = target.address;
    const where: ConnectOptions =
      address.transport === "unix" ? { path: address.path } : { hostname: address.hostname, port: address.port };
    const session = await this.runtime.connect(
      { ...where, ...(target.tls ? { tls: target.tls } : {}), ...options },
      (s) => new PrefixedConnection(header, typeof client === "function" ? client(s) : client),
    );
    this.sessions.push(session);
    const record = (): ServerRecord => {
      if (!target.local) throw new NotApplicable("watching the server needs it in this process");
      const found = this.#records.get(token);
      if (!found) throw new Error(`the server never dispatched case ${server} (${token})`);
      return found;
    };
    return { session, record };
  }

  /** Connects with `tls: true` (system roots only) to a TLS target, expecting a rejection. */
  connectRaw(options: ConnectOptions, connection: Connection): Promise<Session> {
    return this.runtime.connect(options, connection).then((session) => {
      this.sessions.push(session);
      return session;
    });
  }

  /** A port where nothing listens. */
  async refusedPort(): Promise<number> {
    if (this.#remote) {
      if (this.#remote.refusedPort === undefined) throw new NotApplicable("the remote peer named no refused port");
      return this.#remote.refusedPort;
    }
    const listener = await this.serverRuntime.listen({ hostname: "127.0.0.1", port: 0 }, conformanceAccept());
    const address = listener.address;
    await listener.close({ timeout: 0 });
    if (address.transport !== "tcp") throw new Error("expected a TCP listener");
    return address.port;
  }

  /** A unix socket path for this case, or n.a. */
  unixPath(name: string): string {
    if (!this.options.unixDir) throw new NotApplicable("no directory for unix sockets was given (options.unixDir)");
    return `${this.options.unixDir}/${name}-${processId()}-${++tokens}.sock`;
  }
}

function processId(): string {
  const g = globalThis as { process?: { pid?: number } };
  return String(g.process?.pid ?? Math.floor(Math.random() * 1e9));
}

/** Rejects with a clear message when `promise` does not settle within `ms`. */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: did not happen within ${ms} ms`)), ms);
  });
  return Promise.race([promise, expired]).finally(() => clearTimeout(timer));
}

/** Throws unless `condition` holds. */
export function check(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

/** Throws unless two byte arrays are equal, naming the first difference. */
export function checkBytes(actual: Uint8Array, expected: Uint8Array, what: string): void {
  if (actual.length !== expected.length) {
    throw new Error(`${what}: got ${actual.length} bytes, expected ${expected.length}`);
  }
  for (let i = 0; i < actual.length; i++) {
    if (actual[i] !== expected[i]) throw new Error(`${what}: byte ${i} is ${actual[i]}, expected ${expected[i]}`);
  }
}

/** Splits `bytes` into write operations of one iovec each of at most `size` bytes. */
export function writesOf(bytes: Uint8Array, size: number): Uint8Array[][] {
  const out: Uint8Array[][] = [];
  for (let at = 0; at < bytes.length; at += size) out.push([bytes.subarray(at, Math.min(bytes.length, at + size))]);
  return out;
}

/** The error's name, or a short description. */
export function nameOf(error: unknown): string {
  return error instanceof Error ? error.name : typeof error;
}

/** Waits `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `condition` every 5 ms until it holds, or fails after `ms`. */
export async function eventually(condition: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`${what}: did not happen within ${ms} ms`);
    await sleep(5);
  }
}
