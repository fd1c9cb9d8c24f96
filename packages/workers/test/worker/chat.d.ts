import type { Connection, ReadOperation, WriteOperation, WriteResult } from "@sansio/runtime-api";
/**
 * A client the case drives step by step: `send` queues bytes (all queued buffers go out as the iovecs
 * of one write), `finish` half-closes, `pauseReading` makes the reader yield. It records what the
 * driver did: bytes received, EOF, errors, write results and writes asked for after "closed".
 */
export declare class Chat implements Connection {
  #private;
  readonly errors: unknown[];
  readonly writeResults: WriteResult[];
  receivedBytes: number;
  sawEof: boolean;
  writesAfterClosed: number;
  /** At most this many queued buffers go into one write operation. */
  maxIovecs: number;
  constructor(...first: Uint8Array[]);
  /** Queues bytes to send. */
  send(...buffers: Uint8Array[]): void;
  /** Half-closes once everything queued was sent. */
  finish(): void;
  /** Makes the reader yield (true) or read again (false). */
  pauseReading(paused: boolean): void;
  /** Bytes the driver reported written. */
  get bytesWritten(): number;
  /** Bytes queued and not yet reported written. */
  get unsent(): number;
  /** Everything received, in one array. */
  bytes(): Uint8Array;
  /** Everything received, as latin1 text. */
  text(): string;
  nextReadOperation(): ReadOperation;
  read(buffer: Uint8Array, offset: number, length: number): number;
  readEof(buffer: Uint8Array, offset: number, length: number): number;
  yieldReader(resume: () => void): void;
  nextWriteOperation(): WriteOperation;
  reportWriteResult(result: WriteResult): void;
  yieldWriter(resume: () => void): void;
  reportError(error: unknown): void;
  isClosed(): boolean;
  shutdown(): void;
}
/** Writes `header` before the wrapped connection's own output; everything else is delegated. */
export declare class Prefixed implements Connection {
  #private;
  constructor(header: Uint8Array, inner: Connection);
  nextReadOperation(): ReadOperation;
  read(buffer: Uint8Array, offset: number, length: number): number;
  readEof(buffer: Uint8Array, offset: number, length: number): number;
  yieldReader(resume: () => void): void;
  nextWriteOperation(): WriteOperation;
  reportWriteResult(result: WriteResult): void;
  yieldWriter(resume: () => void): void;
  reportError(error: unknown): void;
  isClosed(): boolean;
  shutdown(): void;
}
