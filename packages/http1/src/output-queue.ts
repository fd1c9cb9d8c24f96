/** Most iovecs handed out in one write operation. */
export const MAX_IOVECS = 256;

/**
 * Bytes waiting to be sent, as a list of iovecs (no copying). A write operation hands the driver a
 * snapshot of the list; `advance(n)` drops what the driver reported written.
 */
export class OutputQueue {
  #items: Uint8Array[] = [];
  #head = 0;
  #bytes = 0;

  /** Bytes queued and not yet reported written. */
  get bytes(): number {
    return this.#bytes;
  }

  /** True when nothing is queued. */
  get empty(): boolean {
    return this.#bytes === 0;
  }

  /** Queues `chunk` (kept by reference: it must not change until written). */
  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.#items.push(chunk);
    this.#bytes += chunk.length;
  }

  /**
   * A snapshot of the first queued iovecs (at most {@link MAX_IOVECS}, like writev's limit), for one
   * write operation. Bounded so a long queue of small chunks costs the same per write.
   */
  iovecs(): Uint8Array[] {
    const head = this.#head;
    const end = Math.min(this.#items.length, head + MAX_IOVECS);
    return this.#items.slice(head, end);
  }

  /** Drops the first `n` bytes, reported written. */
  advance(n: number): void {
    if (n > this.#bytes) throw new RangeError(`reported ${n} bytes written of ${this.#bytes} queued`);
    this.#bytes -= n;
    const items = this.#items;
    let head = this.#head;
    while (n > 0) {
      const first = items[head] as Uint8Array;
      if (n >= first.length) {
        n -= first.length;
        head++;
      } else {
        items[head] = first.subarray(n);
        n = 0;
      }
    }
    if (head === items.length) {
      items.length = 0;
      head = 0;
    } else if (head > 64 && head * 2 > items.length) {
      items.splice(0, head);
      head = 0;
    }
    this.#head = head;
  }

  /** Drops everything (the peer is gone). */
  clear(): void {
    this.#items = [];
    this.#head = 0;
    this.#bytes = 0;
  }
}
