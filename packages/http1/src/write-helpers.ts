import { ConnectionClosedError } from "@sansio/runtime-api";

/** A resolved promise shared by every write that needs no waiting. */
export const READY: Promise<void> = Promise.resolve();

/** A rejected promise already marked handled: awaiting it throws, ignoring it is safe. */
export function handledRejection(error: unknown): Promise<never> {
  const promise = Promise.reject(error);
  promise.catch(() => {});
  return promise;
}

/** Waiters for queued output to fall below a high-water mark (one promise per backpressure episode). */
export class DrainSignal {
  #promise: Promise<void> | undefined;
  #resolve: (() => void) | undefined;
  #reject: ((error: unknown) => void) | undefined;

  /** The promise to wait on. */
  wait(): Promise<void> {
    if (!this.#promise) {
      this.#promise = new Promise<void>((resolve, reject) => {
        this.#resolve = resolve;
        this.#reject = reject;
      });
      this.#promise.catch(() => {});
    }
    return this.#promise;
  }

  /** True while someone may be waiting. */
  get pending(): boolean {
    return this.#promise !== undefined;
  }

  /** Output drained: wake the waiters. */
  resolve(): void {
    const resolve = this.#resolve;
    this.#promise = undefined;
    this.#resolve = undefined;
    this.#reject = undefined;
    resolve?.();
  }

  /** The connection is gone: fail the waiters. */
  reject(error: unknown = new ConnectionClosedError("the connection is closed")): void {
    const reject = this.#reject;
    this.#promise = undefined;
    this.#resolve = undefined;
    this.#reject = undefined;
    reject?.(error);
  }
}

/** True for an async or sync iterable that is not a string or a byte array. */
export function isStreamBody(body: unknown): body is AsyncIterable<Uint8Array> | Iterable<Uint8Array> {
  if (body === null || typeof body !== "object" || body instanceof Uint8Array) return false;
  return Symbol.asyncIterator in body || Symbol.iterator in body;
}
