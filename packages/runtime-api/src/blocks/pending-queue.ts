/** What a {@link PendingQueue} entry must offer: a way to fail it (a {@link Deferred} has one). */
export interface Rejectable {
  /** Fails the entry with `error`. */
  reject(error: unknown): unknown;
}

/**
 * The FIFO of requests a pipelined client has sent (or queued) and not yet seen answered: push at
 * the tail when a request goes out, {@link peek} / {@link shift} at the head as answers arrive in
 * order, and {@link failAll} when the connection ends (EOF, error, close) so every waiting request
 * fails exactly once. O(1) per operation; no allocation per entry beyond the caller's own.
 *
 * Entries are anything with `reject(error)`; a {@link Deferred} (whose rejection is already marked
 * handled) makes failing a request nobody awaits safe.
 *
 * @example
 * ```ts
 * const waiting = new PendingQueue<Deferred<Reply>>();
 * // send: const answer = new Deferred<Reply>(); waiting.push(answer); return answer.promise;
 * // a reply parsed: waiting.shift()?.resolve(reply);
 * // readEof / reportError: waiting.failAll(new ConnectionClosedError("closed before the reply"));
 * ```
 */
export class PendingQueue<T extends Rejectable> {
  #items: (T | undefined)[] = [];
  #head = 0;

  /** Entries waiting. */
  get size(): number {
    return this.#items.length - this.#head;
  }

  /** Adds `entry` at the tail. */
  push(entry: T): void {
    this.#items.push(entry);
  }

  /** The oldest entry, left in the queue; undefined when empty. */
  peek(): T | undefined {
    return this.#items[this.#head];
  }

  /** The `index`-th oldest entry (0 is the head), left in the queue; undefined past the end. */
  at(index: number): T | undefined {
    return index >= 0 && index < this.size ? this.#items[this.#head + index] : undefined;
  }

  /** Removes and returns the oldest entry; undefined when empty. */
  shift(): T | undefined {
    const items = this.#items;
    const head = this.#head;
    if (head === items.length) return undefined;
    const entry = items[head];
    items[head] = undefined;
    if (head + 1 === items.length) {
      items.length = 0;
      this.#head = 0;
    } else if (head >= 32 && head * 2 >= items.length) {
      items.splice(0, head + 1);
      this.#head = 0;
    } else {
      this.#head = head + 1;
    }
    return entry;
  }

  /**
   * Empties the queue, then calls `reject(error)` on every entry that was in it, oldest first: each
   * exactly once, even when one of them throws (the first such error is rethrown after all were
   * failed). Entries pushed meanwhile (from inside a `reject`) stay queued. Returns how many failed.
   */
  failAll(error: unknown): number {
    const items = this.#items;
    const head = this.#head;
    this.#items = [];
    this.#head = 0;
    let thrown: { error: unknown } | undefined;
    for (let i = head; i < items.length; i++) {
      try {
        (items[i] as T).reject(error);
      } catch (rejectError) {
        thrown ??= { error: rejectError };
      }
    }
    if (thrown) throw thrown.error;
    return items.length - head;
  }
}
