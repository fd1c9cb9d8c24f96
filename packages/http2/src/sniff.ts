import { type Connection, type ReadOperation, UpgradableConnection, type WriteOperation } from "@sansio/runtime-api";
import { CONNECTION_PREFACE } from "./frame/constants.js";

const YIELD: WriteOperation = Object.freeze({ kind: "yield" });
const CLOSE: WriteOperation = Object.freeze({ kind: "close" });

/** The decision the first bytes allow: true (HTTP/2 preface), false (anything else) or undefined (need more). */
export function sniffPreface(buffer: Uint8Array, offset: number, length: number): boolean | undefined {
  const n = Math.min(length, CONNECTION_PREFACE.length);
  for (let i = 0; i < n; i++) if (buffer[offset + i] !== CONNECTION_PREFACE[i]) return false;
  return n === CONNECTION_PREFACE.length ? true : undefined;
}

/**
 * One port for HTTP/1.1 and HTTP/2 by prior knowledge: reads the first bytes of a connection and hands
 * it, bytes included, to the HTTP/2 connection when they are the client preface
 * (`PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n`), to the HTTP/1.1 one as soon as they cannot be. Everything,
 * time included, is then forwarded to the chosen connection.
 */
export class PrefaceSniffer extends UpgradableConnection {
  constructor(h2: () => Connection, http1: () => Connection) {
    super(new Sniffing((isH2) => this.#choose(isH2 ? h2() : http1())));
  }

  /** The connection chosen, once the first bytes decided it. */
  get chosen(): Connection | undefined {
    return this.current instanceof Sniffing ? undefined : this.current;
  }

  #choose(next: Connection): Connection {
    this.upgrade(next);
    return next;
  }
}

/** The protocol before the decision: it reads nothing until the bytes decide, and writes nothing. */
class Sniffing implements Connection {
  #closed = false;
  #writeResume: (() => void) | undefined;
  constructor(private readonly decide: (h2: boolean) => Connection) {}

  nextReadOperation(): ReadOperation {
    return this.#closed ? "close" : "read";
  }
  read(buffer: Uint8Array, offset: number, length: number): number {
    const h2 = sniffPreface(buffer, offset, length);
    if (h2 === undefined) return 0;
    return this.decide(h2).read(buffer, offset, length);
  }
  readEof(buffer: Uint8Array, offset: number, length: number): number {
    return this.decide(sniffPreface(buffer, offset, length) === true).readEof(buffer, offset, length);
  }
  yieldReader(): void {}
  nextWriteOperation(): WriteOperation {
    return this.#closed ? CLOSE : YIELD;
  }
  reportWriteResult(): void {}
  yieldWriter(resume: () => void): void {
    this.#writeResume = resume;
  }
  reportError(): void {
    this.shutdown();
  }
  isClosed(): boolean {
    return this.#closed;
  }
  /** Closed before anything was decided (listener closing, an error): the driver is told `close`. */
  shutdown(): void {
    this.#closed = true;
    const resume = this.#writeResume;
    this.#writeResume = undefined;
    resume?.();
  }
}
