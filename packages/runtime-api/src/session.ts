import type { Driver } from "./driver/driver.js";
import { AbortedError, UnsupportedError } from "./errors.js";
import type { Address, Session, SessionCounters, StartTlsOptions } from "./runtime.js";
import type { Transport } from "./transport.js";

/** What an adapter knows about a socket's ends. */
export interface SessionInfo {
  remote: Address;
  local: Address;
  alpnProtocol: string | null;
  /** True when the socket is TLS from the start (traced as "tls" right after "open"). */
  secure?: boolean;
}

/** How an adapter upgrades a live session to TLS: the TLS transport that replaces `old`, and the ALPN protocol. */
export type StartTlsImpl = (
  options: StartTlsOptions | undefined,
  old: Transport,
) => Promise<{ readonly transport: Transport; readonly alpnProtocol: string | null }>;

/** True when STARTTLS options ask for the server side of the handshake. */
export function isServerStartTls(
  options: StartTlsOptions | undefined,
): options is Extract<StartTlsOptions, { readonly isServer: true }> {
  return options !== undefined && "isServer" in options && options.isServer === true;
}

/** The {@link Session} every adapter hands out: addresses from the adapter, lifecycle from the driver. */
export class DriverSession implements Session {
  readonly #driver: Driver;
  readonly #info: SessionInfo;
  readonly #startTls: StartTlsImpl | undefined;
  #tlsStarted = false;

  constructor(driver: Driver, info: SessionInfo, startTls?: StartTlsImpl) {
    this.#driver = driver;
    this.#info = info;
    this.#startTls = startTls;
    driver.bindSession(this, info.secure === true);
  }

  get remote(): Address {
    return this.#info.remote;
  }
  get local(): Address {
    return this.#info.local;
  }
  get alpnProtocol(): string | null {
    return this.#info.alpnProtocol;
  }
  get closed(): Promise<void> {
    return this.#driver.closed;
  }
  get counters(): SessionCounters {
    return this.#driver.counters;
  }

  async startTls(options?: StartTlsOptions): Promise<void> {
    const impl = this.#startTls;
    if (!impl)
      throw new UnsupportedError(
        "startTls is not available on this session (it is already TLS, or the runtime cannot)",
      );
    if (this.#tlsStarted) throw new UnsupportedError("startTls was already called on this session");
    let begun = false;
    const switched = this.#driver.switchTransport(async (old) => {
      begun = true;
      this.#tlsStarted = true;
      const upgraded = await impl(options, old);
      this.#info.alpnProtocol = upgraded.alpnProtocol;
      return upgraded.transport;
    });
    // A call refused by the driver's checks (read in flight, buffered plaintext) may be retried.
    await switched.catch((error: unknown) => {
      if (!begun) this.#tlsStarted = false;
      throw error;
    });
    this.#driver.tlsEstablished(this.#info.alpnProtocol);
  }

  close(): void {
    this.#driver.abort();
  }
}

/** Ties an established client session to `signal`: aborting it closes the session. */
export function closeOnAbort(session: Session, signal: AbortSignal | undefined): void {
  if (!signal) return;
  const onAbort = (): void => session.close();
  signal.addEventListener("abort", onAbort, { once: true });
  void session.closed.then(() => signal.removeEventListener("abort", onAbort));
}

/** Rejects with {@link AbortedError} when `signal` is already aborted. */
export function throwIfAborted(signal: AbortSignal | undefined, what: string): void {
  if (signal?.aborted) throw new AbortedError(`${what} aborted`, { cause: signal.reason });
}

/**
 * Races `attempt` against `signal`: on abort, calls `cancel` and rejects with {@link AbortedError}.
 * `attempt`'s late result is passed to `discard` so nothing leaks.
 */
export function abortable<T>(
  attempt: Promise<T>,
  signal: AbortSignal | undefined,
  what: string,
  discard: (value: T) => void,
): Promise<T> {
  if (!signal) return attempt;
  throwIfAborted(signal, what);
  return new Promise<T>((resolve, reject) => {
    let aborted = false;
    const onAbort = (): void => {
      aborted = true;
      reject(new AbortedError(`${what} aborted`, { cause: signal.reason }));
    };
    signal.addEventListener("abort", onAbort, { once: true });
    attempt.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        if (aborted) discard(value);
        else resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        if (!aborted) reject(error);
      },
    );
  });
}
