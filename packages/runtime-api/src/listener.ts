import { DEFAULT_CLOSE_TIMEOUT } from "./defaults.js";
import type { Driver } from "./driver/driver.js";
import type { Address, Listener } from "./runtime.js";

/**
 * The bookkeeping every adapter's listener shares: open connections, graceful close with a timeout,
 * `signal`, and async disposal. The adapter supplies how to stop accepting.
 */
export class ListenerCore implements Listener {
  readonly address: Address;
  readonly #drivers = new Set<Driver>();
  readonly #stopAccepting: () => void | Promise<void>;
  #closing: Promise<void> | undefined;

  constructor(address: Address, stopAccepting: () => void | Promise<void>, signal?: AbortSignal) {
    this.address = address;
    this.#stopAccepting = stopAccepting;
    if (signal) {
      const onAbort = (): void => void this.close();
      if (signal.aborted) queueMicrotask(onAbort);
      else signal.addEventListener("abort", onAbort, { once: true });
    }
  }

  get connections(): number {
    return this.#drivers.size;
  }

  /** True once `close()` was called: the adapter should abort sockets it still accepts. */
  get isClosing(): boolean {
    return this.#closing !== undefined;
  }

  /** Counts a driven socket until it is released. Aborts it at once when the listener is closing. */
  track(driver: Driver): void {
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
