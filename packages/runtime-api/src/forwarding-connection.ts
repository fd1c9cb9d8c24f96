import type { Clock, Connection, ReadOperation, WriteOperation, WriteResult } from "./connection.js";

/**
 * A {@link Connection} that forwards every call, the optional time methods included, to `inner`.
 * Extend it to change a few calls of another connection (add a header, watch or alter what the driver
 * does) and inherit the rest.
 */
export class ForwardingConnection implements Connection {
  /** The connection every call goes to. */
  protected readonly inner: Connection;

  constructor(inner: Connection) {
    this.inner = inner;
  }

  nextReadOperation(): ReadOperation {
    return this.inner.nextReadOperation();
  }
  read(buffer: Uint8Array, offset: number, length: number): number {
    return this.inner.read(buffer, offset, length);
  }
  readEof(buffer: Uint8Array, offset: number, length: number): number {
    return this.inner.readEof(buffer, offset, length);
  }
  yieldReader(resume: () => void): void {
    this.inner.yieldReader(resume);
  }
  nextWriteOperation(): WriteOperation {
    return this.inner.nextWriteOperation();
  }
  reportWriteResult(result: WriteResult): void {
    this.inner.reportWriteResult(result);
  }
  yieldWriter(resume: () => void): void {
    this.inner.yieldWriter(resume);
  }
  reportError(error: unknown): void {
    this.inner.reportError(error);
  }
  isClosed(): boolean {
    return this.inner.isClosed();
  }
  shutdown(): void {
    this.inner.shutdown();
  }
  setClock(clock: Clock): void {
    this.inner.setClock?.(clock);
  }
  nextDeadline(): number | undefined {
    return this.inner.nextDeadline?.();
  }
  handleTimeout(now: number): void {
    this.inner.handleTimeout?.(now);
  }
}
