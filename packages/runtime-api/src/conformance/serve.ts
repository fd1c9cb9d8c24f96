import type { Connection, ReadOperation, WriteOperation } from "../connection.js";
import type { Listener, ListenOptions, Runtime, Session, StartTlsOptions } from "../runtime.js";
import { UpgradableConnection } from "../upgradable.js";
import { newRecord, type ServerFactory, type ServerParams, type ServerRecord, serverFactories } from "./servers.js";

/** The first line a conformance client sends: `SANSIO-CASE <server name> <json params>\n`. */
export const CASE_HEADER = "SANSIO-CASE";
const MAX_HEADER = 4096;

/** Options of {@link serveConformance}. */
export interface ServeConformanceOptions {
  /** The certificate the `starttls` server presents after STARTTLS. */
  readonly startTls?: StartTlsOptions;
  /** Where server records go, by the `token` parameter (in-process runs watch the server through it). */
  readonly records?: Map<string, ServerRecord>;
}

/** Reads the case header, then upgrades to the named server protocol; leftover bytes go to it. */
class CaseDispatcher implements Connection {
  readonly #factories: Record<string, ServerFactory>;
  readonly #session: Session;
  readonly #options: ServeConformanceOptions;
  #upgradable: UpgradableConnection | undefined;
  #line: number[] = [];
  #done = false;
  #writeResume: (() => void) | undefined;

  constructor(factories: Record<string, ServerFactory>, session: Session, options: ServeConformanceOptions) {
    this.#factories = factories;
    this.#session = session;
    this.#options = options;
  }

  bind(upgradable: UpgradableConnection): void {
    this.#upgradable = upgradable;
  }

  nextReadOperation(): ReadOperation {
    return this.#done ? "close" : "read";
  }
  read(buffer: Uint8Array, offset: number, length: number): number {
    for (let i = 0; i < length; i++) {
      const byte = buffer[offset + i] as number;
      if (byte !== 10) {
        this.#line.push(byte);
        if (this.#line.length > MAX_HEADER) throw new Error("conformance header too long");
        continue;
      }
      this.#dispatch(new TextDecoder().decode(new Uint8Array(this.#line)));
      return i + 1;
    }
    return length;
  }
  readEof(): number {
    this.#finish();
    return 0;
  }
  yieldReader(): void {}
  nextWriteOperation(): WriteOperation {
    return this.#done ? { kind: "close" } : { kind: "yield" };
  }
  reportWriteResult(): void {}
  yieldWriter(resume: () => void): void {
    this.#writeResume = resume;
  }
  reportError(): void {
    this.#finish();
  }
  isClosed(): boolean {
    return this.#done;
  }
  shutdown(): void {
    this.#finish();
  }

  #finish(): void {
    this.#done = true;
    const resume = this.#writeResume;
    this.#writeResume = undefined;
    resume?.();
  }

  #dispatch(line: string): void {
    const space = line.indexOf(" ", CASE_HEADER.length + 1);
    if (!line.startsWith(`${CASE_HEADER} `) || space < 0) throw new Error(`bad conformance header: ${line}`);
    const name = line.slice(CASE_HEADER.length + 1, space);
    const params = JSON.parse(line.slice(space + 1)) as ServerParams;
    const factory = this.#factories[name];
    if (!factory) throw new Error(`unknown conformance server: ${name}`);
    const record = newRecord();
    if (typeof params.token === "string") this.#options.records?.set(params.token, record);
    const upgradable = this.#upgradable as UpgradableConnection;
    const next = factory(params, { session: this.#session, record, upgrade: (c) => upgradable.upgrade(c) });
    this.#done = true;
    upgradable.upgrade(next);
  }
}

/** The `accept` function of a conformance server. */
export function conformanceAccept(options: ServeConformanceOptions = {}): (session: Session) => Connection {
  const factories = serverFactories({ startTls: options.startTls });
  return (session) => {
    const dispatcher = new CaseDispatcher(factories, session, options);
    const upgradable = new UpgradableConnection(dispatcher);
    dispatcher.bind(upgradable);
    return upgradable;
  };
}

/**
 * Serves the server half of every conformance case that can run remotely, so a client on another
 * runtime or in another process (Workers) can run `runConformance` against it.
 */
export function serveConformance(
  runtime: Runtime,
  listen: ListenOptions,
  options: ServeConformanceOptions = {},
): Promise<Listener> {
  return runtime.listen(listen, conformanceAccept(options));
}
