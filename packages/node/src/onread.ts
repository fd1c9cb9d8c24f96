import type { OnReadOpts } from "node:net";

/** Bytes per read of a client socket that reads through `onread` (Node's own read size). */
export const ONREAD_BUFFER_SIZE = 64 * 1024;

/** Where an {@link OnreadRelay} hands its chunks: returns whether to keep reading. */
export interface OnreadTarget {
  onRead(chunk: Uint8Array): boolean;
}

/**
 * The `onread` option of a `net.connect` socket: Node reads into one buffer that is reused for every
 * read (no allocation per chunk) and hands each chunk to the transport, which offers it to the driver.
 * The driver keeps nothing of the chunk after `data()` returns (it copies only an unconsumed tail), so
 * reusing the buffer is safe. Returning false from the callback stops the handle reading.
 *
 * Why not `buffer: () => sink.space()`: Node asks for the next buffer right after each callback, long
 * before the next read, and the read buffer may be consumed, compacted or grown in between; a read
 * would then land in a stale view. A private buffer keeps the push contract exact for one small copy
 * of unconsumed tails.
 */
export class OnreadRelay {
  readonly #buffer = new Uint8Array(ONREAD_BUFFER_SIZE);
  #target: OnreadTarget | undefined;
  #early: Uint8Array[] | undefined;

  /** What to pass as `onread` to `net.connect`. */
  readonly options: OnReadOpts = {
    buffer: this.#buffer,
    callback: (n: number, buffer: Uint8Array): boolean => {
      const chunk = buffer.subarray(0, n);
      const target = this.#target;
      if (target) return target.onRead(chunk);
      // Bytes read before a transport was bound (not expected: reads start after 'connect').
      if (this.#early) this.#early.push(chunk.slice());
      else this.#early = [chunk.slice()];
      return true;
    },
  };

  /** Routes chunks to `target` (or nowhere); chunks read before it was bound are delivered first. */
  bind(target: OnreadTarget | undefined): void {
    this.#target = target;
    const early = this.#early;
    this.#early = undefined;
    if (target && early) for (const chunk of early) target.onRead(chunk);
  }
}
