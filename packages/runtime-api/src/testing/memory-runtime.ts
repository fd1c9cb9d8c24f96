import { checkConnect, checkListen, describeAddress } from "../address.js";
import type { Connection } from "../connection.js";
import { Driver } from "../driver/driver.js";
import { ConnectionLostError } from "../errors.js";
import { ListenerCore } from "../listener.js";
import type { Accept, Address, ConnectOptions, Listener, ListenOptions, Runtime, Session } from "../runtime.js";
import { abortable, closeOnAbort, DriverSession, type StartTlsImpl } from "../session.js";
import { acceptConnection, startClientConnection } from "../start.js";
import { MemoryClock } from "./memory-clock.js";
import { MemoryTransport } from "./memory-transport.js";
import { Pipe } from "./pipe.js";
import { SeededRandom } from "./random.js";

/** How the in-memory runtime splits and schedules I/O. Every choice is seeded: the same seed, the same run. */
export interface MemoryRuntimeOptions {
  /** Seed for every random choice. Default 1. */
  readonly seed?: number;
  /** Largest chunk handed to a reader: a fixed size (1 = one byte at a time) or "random" (1 to 1500, seeded). Default 65536. */
  readonly readSize?: number | "random";
  /** Largest number of bytes one write accepts, so writes are partial: a size or "random". Default unlimited. */
  readonly writeSize?: number | "random";
  /** Bytes in flight per direction before writers wait (backpressure). Default 256 KiB. */
  readonly pipeCapacity?: number;
  /** Deliver through the pull path (as Deno and Workers do) instead of pushed chunks (Node, Bun). Default false. */
  readonly pull?: boolean;
  /** Run some deliveries on macrotasks (seeded), not all on microtasks. Default false. */
  readonly delays?: boolean;
  /**
   * The clock of every driver of this runtime (idle timeouts, protocol deadlines, `setClock`):
   * `"monotonic"` (default, real time) or `"virtual"` (moves only with `runtime.clock.advance(ms)`).
   */
  readonly clock?: "monotonic" | "virtual";
}

interface MemoryEndpoint {
  readonly options: ListenOptions;
  readonly accept: Accept;
  readonly listener: ListenerCore;
}

/**
 * A deterministic in-memory {@link Runtime}: `listen` and `connect` over in-memory pipes, driven by the
 * same driver core as the real adapters, with chosen or seeded read sizes, partial writes and delays.
 * Use it to test a protocol at every chunk boundary without sockets.
 */
export class MemoryRuntime implements Runtime {
  readonly name = "memory";
  /** The clock every driver of this runtime keeps time with (see {@link MemoryRuntimeOptions.clock}). */
  readonly clock: MemoryClock;
  readonly #endpoints = new Map<string, MemoryEndpoint>();
  readonly #rng: SeededRandom;
  readonly #options: MemoryRuntimeOptions;
  #nextPort = 40000;
  #nextClientPort = 50000;

  constructor(options: MemoryRuntimeOptions = {}) {
    this.#options = options;
    this.clock = new MemoryClock(options.clock);
    this.#rng = new SeededRandom(options.seed ?? 1);
  }

  async listen(options: ListenOptions, accept: Accept): Promise<Listener> {
    const wanted = checkListen(options, { maxConnections: true });
    const address: Address =
      wanted.transport === "tcp" && wanted.port === 0 ? { ...wanted, port: this.#nextPort++ } : wanted;
    const key = keyOf(address);
    if (this.#endpoints.has(key)) {
      throw new ConnectionLostError(`listen: address already in use: ${key}`, { code: "EADDRINUSE" });
    }
    const listener = new ListenerCore(address, () => void this.#endpoints.delete(key), options);
    this.#endpoints.set(key, { options, accept, listener });
    return listener;
  }

  async connect(
    options: ConnectOptions,
    connection: Connection | ((session: Session) => Connection),
  ): Promise<Session> {
    const remote = checkConnect(options).target;
    const attempt = new Promise<void>((resolve) => queueMicrotask(resolve)).then(() => {
      const endpoint = this.#endpoints.get(keyOf(remote));
      if (!endpoint || endpoint.listener.isClosing) {
        const cause = Object.assign(new Error(`connect ECONNREFUSED ${keyOf(remote)}`), { code: "ECONNREFUSED" });
        throw new ConnectionLostError(`connect: connection refused: ${keyOf(remote)}`, { cause, code: "ECONNREFUSED" });
      }
      return this.#open(endpoint, remote, options, connection);
    });
    const session = await abortable(attempt, options.signal, "connect", (late) => late.close());
    closeOnAbort(session, options.signal);
    return session;
  }

  #open(
    endpoint: MemoryEndpoint,
    remote: Address,
    options: ConnectOptions,
    connection: Connection | ((session: Session) => Connection),
  ): Session {
    const capacity = this.#options.pipeCapacity ?? 256 * 1024;
    const toServer = new Pipe(capacity);
    const toClient = new Pipe(capacity);
    const plan = {
      rng: this.#rng,
      readSize: this.#options.readSize ?? 65536,
      writeSize: this.#options.writeSize ?? Number.MAX_SAFE_INTEGER,
      pull: this.#options.pull ?? false,
      delays: this.#options.delays ?? false,
    };
    const local: Address =
      remote.transport === "unix" ? remote : { transport: "tcp", hostname: "127.0.0.1", port: this.#nextClientPort++ };
    const alpn = negotiateAlpn(
      endpoint.options.tls?.alpnProtocols,
      typeof options.tls === "object" ? options.tls.alpnProtocols : undefined,
    );

    const clock = this.clock;
    const serverDriver = new Driver({ ...endpoint.options, clock });
    serverDriver.attach(new MemoryTransport(serverDriver, toServer, toClient, plan));
    const secure = endpoint.options.tls !== undefined;
    const serverSession = new DriverSession(
      serverDriver,
      { remote: local, local: remote, alpnProtocol: alpn, secure },
      noTls,
    );
    const clientDriver = new Driver({ ...options, clock });
    clientDriver.attach(new MemoryTransport(clientDriver, toClient, toServer, plan));
    const clientSession = new DriverSession(clientDriver, { remote, local, alpnProtocol: alpn, secure }, noTls);

    acceptConnection(endpoint.listener, serverDriver, serverSession, endpoint.accept);
    startClientConnection(clientDriver, clientSession, connection);
    return clientSession;
  }
}

/** Makes a deterministic in-memory runtime. */
export function createMemoryRuntime(options?: MemoryRuntimeOptions): MemoryRuntime {
  return new MemoryRuntime(options);
}

/** STARTTLS in memory: nothing to encrypt, the same transport carries on. */
const noTls: StartTlsImpl = async (_options, old) => ({ transport: old, alpnProtocol: null });

function keyOf(address: Address): string {
  return address.transport === "unix" ? `unix:${address.path}` : `tcp:${describeAddress(address)}`;
}

/** The first of the client's ALPN protocols that the server also offers (the server's order wins), or null. */
export function negotiateAlpn(
  server: readonly string[] | undefined,
  client: readonly string[] | undefined,
): string | null {
  if (!server || !client) return null;
  for (const protocol of server) if (client.includes(protocol)) return protocol;
  return null;
}
