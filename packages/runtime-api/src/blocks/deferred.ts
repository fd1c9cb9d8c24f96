/**
 * A promise with its `resolve` and `reject` at hand, settled at most once. Its rejection is marked
 * handled: rejecting a `Deferred` nobody awaits raises no unhandled rejection, while whoever awaits
 * `promise` still sees the error.
 *
 * @example
 * ```ts
 * const reply = new Deferred<string>();
 * reply.reject(new ConnectionClosedError("gone")); // nobody awaited: no unhandled rejection
 * reply.resolve("late");                           // already settled: returns false, ignored
 * ```
 */
export class Deferred<T> {
  /** The promise to hand out. */
  readonly promise: Promise<T>;
  #resolve!: (value: T) => void;
  #reject!: (error: unknown) => void;
  #settled = false;

  constructor() {
    this.promise = new Promise<T>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    this.promise.catch(ignore);
  }

  /** True once {@link resolve} or {@link reject} was called. */
  get settled(): boolean {
    return this.#settled;
  }

  /** Fulfils the promise. Returns false (and does nothing) when it was already settled. */
  resolve(value: T): boolean {
    if (this.#settled) return false;
    this.#settled = true;
    this.#resolve(value);
    return true;
  }

  /** Rejects the promise. Returns false (and does nothing) when it was already settled. */
  reject(error: unknown): boolean {
    if (this.#settled) return false;
    this.#settled = true;
    this.#reject(error);
    return true;
  }
}

function ignore(): void {}
