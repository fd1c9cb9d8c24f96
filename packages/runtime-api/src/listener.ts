import { checkMaxConnections } from "./address.js";
import { DEFAULT_CLOSE_TIMEOUT } from "./defaults.js";
import type { Driver } from "./driver/driver.js";
import type { Address, Listener, ListenerCounters, ListenOptions } from "./runtime.js";

/** What a {@link ListenerCore} keeps from the listen options. */
export type ListenerCoreOptions = Pick<ListenOptions, "signal" | "maxConnections">;

/**
 * What {@link ListenerCore.admit} decided for a socket just accepted: serve it, or close it at once
 * because `maxConnections` are open (counted as rejected) or the listener is closing (not counted).
 */
export type Admission = "admitted" | "over-limit" | "closing";

/**
 * The bookkeeping every adapter's listener shares: admission under `maxConnections`, open connections,
 * graceful close with a timeout, `signal`, and async disposal. The adapter supplies how to stop accepting.
 *
 * A socket's life here: `admit()` when the runtime hands it over (a place is taken), then either
 * `track(driver)` once it is a driven session (the place is the session's until it is released) or
 * `release()` when it never becomes one (a failed TLS handshake).
 */
export class ListenerCore implements Listener {
  readonly address: Address;
  readonly #drivers = new Set<Driver>();
  readonly #stopAccepting: () => void | Promise<void>;
  readonly #maxConnections: number;
  /** Sockets admitted that are not sessions yet (in their TLS handshake). */
  #admitting = 0;
  #accepted = 0;
  #rejected = 0;
  #closing: Promise<void> | undefined;

  /**
   * `options` are the listen options (`signal`, `maxConnections`); a bare `AbortSignal` is still
   * accepted for adapters written before `maxConnections` (they keep the default limit).
   */
  constructor(
    address: Address,
    stopAccepting: () => void | Promise<void>,
    options?: ListenerCoreOptions | AbortSignal,
  ) {
    this.address = address;
    this.#stopAccepting = stopAccepting;
    const limits: ListenerCoreOptions = isAbortSignal(options) ? { signal: options } : (options ?? {});
    this.#maxConnections = checkMaxConnections(limits.maxConnections);
    const signal = limits.signal;
    if (signal) {
      const onAbort = (): void => void this.close();
      if (signal.aborted) queueMicrotask(onAbort);
      else signal.addEventListener("abort", onAbort, { once: true });
    }
  }

  get connections(): number {
    return this.#drivers.size;
  }

  /** The limit this listener keeps: sessions plus sockets still in their TLS handshake. */
  get maxConnections(): number {
    return this.#maxConnections;
  }

  get counters(): ListenerCounters {
    return { accepted: this.#accepted, rejected: this.#rejected };
  }

  /** True once `close()` was called: the adapter should abort sockets it still accepts. */
  get isClosing(): boolean {
    return this.#closing !== undefined;
  }

  /**
   * Decides for a socket the runtime just accepted, before any work is spent on it. On `"admitted"` a
   * place is taken: hand it back with {@link track} or {@link release}. Otherwise close the socket now.
   */
  admit(): Admission {
    if (this.#closing) return "closing";
    if (this.#drivers.size + this.#admitting >= this.#maxConnections) {
      this.#rejected++;
      return "over-limit";
    }
    this.#admitting++;
    this.#accepted++;
    return "admitted";
  }

  /** Gives back the place of an admitted socket that never became a session (failed TLS handshake, early reset). */
  release(): void {
    if (this.#admitting > 0) this.#admitting--;
  }

  /**
   * Counts the driven socket of an admitted one until it is released (its place moves to the session).
   * Aborts it at once when the listener is closing.
   */
  track(driver: Driver): void {
    this.release();
    if (this.#closing) {
      driver.abort();
      return;
    }
    this.#drivers.add(driver);
    driver.onClosed(() => this.#drivers.delete(driver));
  }

  close(options?: { readonly timeout?: number }): Promise<void> {
    this.#closing ??= this.#close(options?.timeout ?? DEFAULT_CLOSE_TIMEOUT);
    return this.#closing;
  }

  async #close(timeout: number): Promise<void> {
    try {
      await this.#stopAccepting();
    } catch {
      // Stopping the accept loop failed (already closed by the runtime); connections still drain.
    }
    const drivers = [...this.#drivers];
    for (const driver of drivers) driver.shutdown();
    const all = Promise.all(drivers.map((driver) => driver.closed));
    let timer: ReturnType<typeof setTimeout> | undefined;
    const expired = new Promise<"timeout">((resolve) => {
      timer = setTimeout(() => resolve("timeout"), timeout);
    });
    const outcome = await Promise.race([all.then(() => "drained" as const), expired]);
    clearTimeout(timer);
    if (outcome === "timeout") {
      for (const driver of this.#drivers) driver.abort();
      await all;
    }
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

function isAbortSignal(value: ListenerCoreOptions | AbortSignal | undefined): value is AbortSignal {
  return typeof (value as AbortSignal | undefined)?.addEventListener === "function";
}
