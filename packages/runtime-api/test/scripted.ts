import type { Connection, ReadOperation, WriteOperation, WriteResult } from "../src/connection.js";

/** A connection whose every answer is a field the test sets; it records every call. */
export class Scripted implements Connection {
  readOp: ReadOperation = "read";
  writeOps: WriteOperation[] = [];
  afterWrites: WriteOperation = { kind: "yield" };
  consume: (length: number) => number = (length) => length;
  readonly offered: number[][] = [];
  readonly eofOffered: number[][] = [];
  readonly results: WriteResult[] = [];
  readonly errors: unknown[] = [];
  readResumes: (() => void)[] = [];
  writeResumes: (() => void)[] = [];
  nextWriteCalls = 0;
  depth = 0;
  maxDepth = 0;
  shutdownCalls = 0;
  onShutdown: () => void = () => {};

  nextReadOperation(): ReadOperation {
    return this.readOp;
  }
  read(buffer: Uint8Array, offset: number, length: number): number {
    this.offered.push([...buffer.subarray(offset, offset + length)]);
    return this.consume(length);
  }
  readEof(buffer: Uint8Array, offset: number, length: number): number {
    this.eofOffered.push([...buffer.subarray(offset, offset + length)]);
    this.readOp = "close";
    return length;
  }
  yieldReader(resume: () => void): void {
    this.readResumes.push(resume);
  }
  nextWriteOperation(): WriteOperation {
    this.nextWriteCalls++;
    return this.writeOps.shift() ?? this.afterWrites;
  }
  reportWriteResult(result: WriteResult): void {
    this.results.push(result);
  }
  yieldWriter(resume: () => void): void {
    this.writeResumes.push(resume);
  }
  reportError(error: unknown): void {
    this.errors.push(error);
  }
  isClosed(): boolean {
    return false;
  }
  shutdown(): void {
    this.shutdownCalls++;
    this.onShutdown();
  }
}
