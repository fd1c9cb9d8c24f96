import type { Clock, Connection, ReadOperation, WriteOperation, WriteResult } from "@sansio/runtime-api";
import { CONNECTION_PREFACE } from "./frame/constants.js";

const YIELD: WriteOperation = Object.freeze({ kind: "yield" });
const CLOSE: WriteOperation = Object.freeze({ kind: "close" });

/**
 * One port for HTTP/1.1 and HTTP/2 by prior knowledge: reads the first bytes of a connection and hands
 * it, bytes included, to the HTTP/2 connection when they are the client preface
 * (`PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n`), to the HTTP/1.1 one as soon as they cannot be. Everything,
 * time included (`setClock`, deadlines), is then forwarded to the chosen connection.
 */
export class PrefaceSniffer implements Connection {
  readonly #h2: () => Connection;
  readonly #http1: () => Connection;
  #chosen: Connection | undefined;
  #closed = false;
  #clock: Clock | undefined;
  #writeResume: (() => void) | undefined;

  constructor(h2: () => Connection, http1: () => Connection) {
    this.#h2 = h2;
    this.#http1 = http1;
  }

  /** The connection chosen, once the first bytes decided it. */
  get chosen(): Connection | undefined {
    return this.#chosen;
  }

  #choose(h2: boolean): Connection {
    const chosen = h2 ? this.#h2() : this.#http1();
    if (this.#clock !== undefined) chosen.setClock?.(this.#clock);
    this.#chosen = chosen;
    // The driver's writer waits on us: let it ask the chosen connection.
    const resume = this.#writeResume;
    this.#writeResume = undefined;
    resume?.();
    return chosen;
  }

  /** The decision the bytes allow: true (HTTP/2), false (HTTP/1.1) or undefined (need more). */
  #sniff(buffer: Uint8Array, offset: number, length: number): boolean | undefined {
    const n = Math.min(length, CONNECTION_PREFACE.length);
    for (let i = 0; i < n; i++) if (buffer[offset + i] !== CONNECTION_PREFACE[i]) return false;
    return n === CONNECTION_PREFACE.length ? true : undefined;
  }

  nextReadOperation(): ReadOperation {
    if (this.#chosen !== undefined) return this.#chosen.nextReadOperation();
    return this.#closed ? "close" : "read";
  }

  read(buffer: Uint8Array, offset: number, length: number): number {
    if (this.#chosen !== undefined) return this.#chosen.read(buffer, offset, length);
    const h2 = this.#sniff(buffer, offset, length);
    if (h2 === undefined) return 0;
    return this.#choose(h2).read(buffer, offset, length);
  }

  readEof(buffer: Uint8Array, offset: number, length: number): number {
    if (this.#chosen !== undefined) return this.#chosen.readEof(buffer, offset, length);
    return this.#choose(this.#sniff(buffer, offset, length) === true).readEof(buffer, offset, length);
  }

  yieldReader(resume: () => void): void {
    if (this.#chosen !== undefined) this.#chosen.yieldReader(resume);
    else resume();
  }

  nextWriteOperation(): WriteOperation {
    if (this.#chosen !== undefined) return this.#chosen.nextWriteOperation();
    return this.#closed ? CLOSE : YIELD;
  }

  reportWriteResult(result: WriteResult): void {
    this.#chosen?.reportWriteResult(result);
  }

  yieldWriter(resume: () => void): void {
    if (this.#chosen !== undefined) this.#chosen.yieldWriter(resume);
    else this.#writeResume = resume;
  }

  reportError(error: unknown): void {
    if (this.#chosen !== undefined) this.#chosen.reportError(error);
    else this.#finish();
  }

  isClosed(): boolean {
    return this.#chosen !== undefined ? this.#chosen.isClosed() : this.#closed;
  }

  shutdown(): void {
    if (this.#chosen !== undefined) this.#chosen.shutdown();
    else this.#finish();
  }

  setClock(clock: Clock): void {
    this.#clock = clock;
    this.#chosen?.setClock?.(clock);
  }

  nextDeadline(): number | undefined {
    return this.#chosen?.nextDeadline?.();
  }

  handleTimeout(now: number): void {
    this.#chosen?.handleTimeout?.(now);
  }

  #finish(): void {
    this.#closed = true;
    const resume = this.#writeResume;
    this.#writeResume = undefined;
    resume?.();
  }
}
