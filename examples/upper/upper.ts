import type { Connection, ReadOperation, WriteOperation, WriteResult } from "@sansio/runtime-api";

/**
 * A tiny sans-IO protocol: it answers every byte it reads with the same byte in upper case, and
 * half-closes its output once its input has ended. It never touches a socket.
 */
export class UpperCase implements Connection {
  #out: Uint8Array[] = []; // bytes waiting to be written
  #eof = false; // the peer finished sending
  #wakeWriter: (() => void) | undefined;

  nextReadOperation(): ReadOperation {
    return this.#eof ? "close" : "read";
  }
  read(buffer: Uint8Array, offset: number, length: number): number {
    // The bytes are only ours during this call: keep a copy.
    const upper = buffer.slice(offset, offset + length).map((b) => (b >= 97 && b <= 122 ? b - 32 : b));
    this.#out.push(upper);
    this.#wake();
    return length; // consumed everything
  }
  readEof(buffer: Uint8Array, offset: number, length: number): number {
    const consumed = length > 0 ? this.read(buffer, offset, length) : 0;
    this.#eof = true;
    this.#wake();
    return consumed;
  }
  yieldReader(_resume: () => void): void {} // never yields its reader
  nextWriteOperation(): WriteOperation {
    if (this.#out.length > 0) return { kind: "write", iovecs: this.#out };
    return this.#eof ? { kind: "close" } : { kind: "yield" };
  }
  reportWriteResult(result: WriteResult): void {
    if (result === "closed") {
      this.#out = [];
      this.#eof = true;
      return;
    }
    // Drop what was written; a partial write leaves the rest for the next operation.
    let written = result;
    while (written > 0 && this.#out.length > 0) {
      const first = this.#out[0] as Uint8Array;
      if (first.length <= written) {
        written -= first.length;
        this.#out.shift();
      } else {
        this.#out[0] = first.subarray(written);
        written = 0;
      }
    }
  }
  yieldWriter(resume: () => void): void {
    this.#wakeWriter = resume;
  }
  reportError(error: unknown): void {
    console.error("upper-case connection failed:", error);
    this.#eof = true;
    this.#wake();
  }
  isClosed(): boolean {
    return this.#eof && this.#out.length === 0;
  }
  shutdown(): void {
    this.#eof = true;
    this.#wake();
  }
  #wake(): void {
    const resume = this.#wakeWriter;
    this.#wakeWriter = undefined;
    resume?.();
  }
}
