import type { Connection, ReadOperation, WriteOperation, WriteResult } from "@sansio/runtime-api";
import { OutputQueue } from "@sansio/runtime-api";

/**
 * A tiny sans-IO protocol: it answers every byte it reads with the same byte in upper case, and
 * half-closes its output once its input has ended. It never touches a socket.
 */
export class UpperCase implements Connection {
  // Bytes waiting to be written: write operations, partial writes, "closed" and the writer's wake-up.
  readonly #out = new OutputQueue();

  nextReadOperation(): ReadOperation {
    return this.#out.state === "open" ? "read" : "close"; // stop once the input ended or the peer left
  }
  read(buffer: Uint8Array, offset: number, length: number): number {
    // The bytes are only ours during this call: map() makes an upper-cased copy.
    this.#out.write(buffer.subarray(offset, offset + length).map((b) => (b >= 97 && b <= 122 ? b - 32 : b)));
    return length; // consumed everything
  }
  readEof(buffer: Uint8Array, offset: number, length: number): number {
    const consumed = this.read(buffer, offset, length);
    this.#out.end(); // half-close once everything queued is written
    return consumed;
  }
  yieldReader(_resume: () => void): void {} // never yields its reader
  nextWriteOperation(): WriteOperation {
    return this.#out.nextWriteOperation();
  }
  reportWriteResult(result: WriteResult): void {
    this.#out.reportWriteResult(result);
  }
  yieldWriter(resume: () => void): void {
    this.#out.yieldWriter(resume);
  }
  reportError(error: unknown): void {
    console.error("upper-case connection failed:", error);
    this.#out.discard(error);
  }
  isClosed(): boolean {
    return this.#out.finished;
  }
  shutdown(): void {
    this.#out.end();
  }
}
