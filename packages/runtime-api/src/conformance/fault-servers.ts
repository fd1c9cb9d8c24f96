import type { Connection, ReadOperation, WriteOperation, WriteResult } from "../connection.js";
import type { Session } from "../runtime.js";
import { num, patternBytes } from "./pattern.js";
import { recordRead, type ServerFactory, type ServerParams, type ServerRecord } from "./server-types.js";

/**
 * The peer of the fault cases. It writes `reply` bytes of the conformance pattern (in 64 KiB writes),
 * then, per `ending`:
 * - `"reset"`: waits `delay` ms and closes the session abortively. It never reads, so what the client
 *   sent is still unread in the kernel and closing sends a reset on every runtime (Deno has no other
 *   way to send one);
 * - `"reset-midway"`: the same, but at once after `after` bytes were written, with more to send;
 * - `"fin"`: half-closes (FIN), then reads to the client's EOF and closes;
 * - `"silent"`: does nothing more until the client goes away.
 * With `announce`, it first sends one byte, {@link RESETS} or {@link FINS}: whether its close can be a
 * reset at all (a Deno peer's cannot).
 */
export class FaultPeer implements Connection {
  readonly #session: Session;
  readonly #record: ServerRecord;
  readonly #ending: string;
  readonly #reply: number;
  readonly #after: number;
  readonly #delay: number;
  #written = 0;
  #inFlight = 0;
  #block: Uint8Array | undefined;
  #blockAt = -1;
  #resetArmed = false;
  /** The byte saying whether this peer can reset (`announce`), until it is written. */
  #announcement: Uint8Array | undefined;
  /** The FIN peer's reader, waiting until the reply is written. */
  #readResume: (() => void) | undefined;
  #eof = false;
  #closed = false;

  constructor(params: ServerParams, session: Session, record: ServerRecord) {
    this.#session = session;
    this.#record = record;
    this.#ending = String(params.ending ?? "silent");
    this.#reply = num(params, "reply", 0);
    this.#after = num(params, "after", this.#reply);
    this.#delay = num(params, "delay", 0);
    if (params.announce === true) this.#announcement = new Uint8Array([canReset() ? RESETS : FINS]);
    if (this.#reply === 0) this.#finishedWriting();
  }

  nextReadOperation(): ReadOperation {
    if (this.#closed || this.#eof) return "close";
    // Only the FIN peer reads (after its FIN); the others leave the client's bytes unread in the kernel.
    return this.#ending === "fin" && this.#written >= this.#reply ? "read" : "yield";
  }
  read(_buffer: Uint8Array, _offset: number, length: number): number {
    return recordRead(this.#record, length);
  }
  readEof(_buffer: Uint8Array, _offset: number, length: number): number {
    this.#eof = true;
    return recordRead(this.#record, length, true);
  }
  yieldReader(resume: () => void): void {
    if (this.#ending === "fin") this.#readResume = resume;
  }

  nextWriteOperation(): WriteOperation {
    if (this.#closed) return { kind: "close" };
    if (this.#announcement) return { kind: "write", iovecs: [this.#announcement] };
    // Past `after`, the midway reset is due: write no more (a fast reader would otherwise take the rest
    // before the close runs, every write completing at once).
    if (this.#resetArmed && this.#ending === "reset-midway") return { kind: "yield" };
    if (this.#written < this.#reply) {
      const at = this.#written;
      const length = Math.min(64 * 1024, this.#reply - at);
      if (this.#blockAt !== at || !this.#block || this.#block.length !== length) {
        this.#block = patternBytes(at, length);
        this.#blockAt = at;
      }
      this.#inFlight = length;
      return { kind: "write", iovecs: [this.#block] };
    }
    if (this.#ending === "fin") return { kind: "close" };
    return { kind: "yield" };
  }
  reportWriteResult(result: WriteResult): void {
    if (result === "closed") {
      this.#closed = true;
      return;
    }
    if (this.#announcement) {
      if (result > 0) this.#announcement = undefined;
      return;
    }
    if (result < this.#inFlight && this.#block) {
      this.#block = this.#block.subarray(result);
      this.#blockAt += result;
    }
    this.#inFlight -= result;
    this.#written += result;
    if (this.#ending === "reset-midway" && this.#written >= this.#after) this.#arm(-1);
    if (this.#written >= this.#reply) this.#finishedWriting();
  }
  yieldWriter(): void {}
  reportError(error: unknown): void {
    this.#record.errors.push(error);
    this.#closed = true;
  }
  isClosed(): boolean {
    return this.#closed || this.#eof;
  }
  shutdown(): void {
    this.#record.shutdownCalled = true;
  }

  #finishedWriting(): void {
    if (this.#ending === "reset") this.#arm(this.#delay);
    if (this.#ending === "fin") {
      const resume = this.#readResume;
      this.#readResume = undefined;
      resume?.();
    }
  }

  /** Closes the session abortively after `delay` ms (-1: on a microtask, with writes still queued). */
  #arm(delay: number): void {
    if (this.#resetArmed) return;
    this.#resetArmed = true;
    if (delay < 0) queueMicrotask(() => this.#session.close());
    else setTimeout(() => this.#session.close(), delay);
  }
}

/** The first byte of an announcing fault peer: its close is a reset when input is unread. */
export const RESETS = 0x52;
/** The first byte of an announcing fault peer on Deno: its close sends a FIN first (then the reset). */
export const FINS = 0x46;

/**
 * Whether this process's sockets send a reset when closed with input unread. Deno's `close()` sends a
 * FIN first (measured: its client sees a clean end, and only a later read or write the reset), and Deno
 * has no SO_LINGER: a Deno peer cannot make its client see a reset first.
 */
function canReset(): boolean {
  return (globalThis as { Deno?: unknown }).Deno === undefined;
}

/** The server protocols the fault cases use, offered by every conformance server. */
export function faultServerFactories(): Record<string, ServerFactory> {
  return {
    fault: (params, { session, record }) => new FaultPeer(params, session, record),
  };
}

/** Speaks plain text first and closes: what a TLS client meets when it dials a non-TLS port. */
export class PlainSpeaker implements Connection {
  #sent = false;
  readonly #text = new TextEncoder().encode("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n");

  nextReadOperation(): ReadOperation {
    return this.#sent ? "close" : "yield";
  }
  read(_buffer: Uint8Array, _offset: number, length: number): number {
    return length;
  }
  readEof(_buffer: Uint8Array, _offset: number, length: number): number {
    return length;
  }
  yieldReader(): void {}
  nextWriteOperation(): WriteOperation {
    return this.#sent ? { kind: "close" } : { kind: "write", iovecs: [this.#text] };
  }
  reportWriteResult(result: WriteResult): void {
    if (result === "closed" || result >= this.#text.length) this.#sent = true;
  }
  yieldWriter(): void {}
  reportError(): void {
    this.#sent = true;
  }
  isClosed(): boolean {
    return this.#sent;
  }
  shutdown(): void {
    this.#sent = true;
  }
}
