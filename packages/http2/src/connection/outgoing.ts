import { Deferred } from "@sansio/runtime-api";

/**
 * What one stream has to send after its HEADERS: body chunks, then the end (END_STREAM on the last
 * DATA, or trailers). The connection takes from it as flow control allows; writers wait (backpressure)
 * while more than `highWaterMark` bytes are queued, so a zero window never pins unbounded memory.
 */
export class OutgoingData {
  private chunks: Uint8Array[] = [];
  private queued = 0;
  private drain: Deferred<void> | undefined;
  private error: unknown;
  /** The application finished the body. */
  ended = false;
  /** Trailers to send after the body, if any. */
  trailers: string[] | null = null;

  constructor(private readonly highWaterMark: number) {}

  /** Bytes queued and not yet sent. */
  get bytes(): number {
    return this.queued;
  }

  /** True when the body and its end are all sent (nothing more to take). */
  get done(): boolean {
    return this.ended && this.queued === 0 && this.trailers === null;
  }

  /** True when there is something to send now (data, or the end). */
  get pending(): boolean {
    return this.queued > 0 || this.ended;
  }

  /** Queues a chunk (not copied). Returns false when the writer should wait for {@link drained}. */
  push(chunk: Uint8Array): boolean {
    if (this.error !== undefined) return false;
    if (chunk.length > 0) {
      this.chunks.push(chunk);
      this.queued += chunk.length;
    }
    return this.queued < this.highWaterMark;
  }

  /** Resolves once fewer than `highWaterMark` bytes are queued; rejects once the stream failed. */
  drained(): Promise<void> {
    if (this.error !== undefined) return Promise.reject(this.error);
    if (this.queued < this.highWaterMark) return Promise.resolve();
    this.drain ??= new Deferred<void>();
    return this.drain.promise;
  }

  /** Takes up to `max` bytes from the front (a view of the queued chunk). */
  take(max: number): Uint8Array {
    const first = this.chunks[0] as Uint8Array;
    let part: Uint8Array;
    if (first.length <= max) {
      this.chunks.shift();
      part = first;
    } else {
      part = first.subarray(0, max);
      this.chunks[0] = first.subarray(max);
    }
    this.queued -= part.length;
    if (this.drain !== undefined && this.queued < this.highWaterMark) {
      const drain = this.drain;
      this.drain = undefined;
      drain.resolve();
    }
    return part;
  }

  /** The stream can send no more: queued bytes are dropped and waiting writers fail with `error`. */
  fail(error: unknown): void {
    if (this.error !== undefined) return;
    this.error = error;
    this.chunks = [];
    this.queued = 0;
    this.drain?.reject(error);
    this.drain = undefined;
  }
}
