// A Runtime that cannot listen or connect where it was loaded (an adapter's entry outside its runtime, or
// no adapter at all): each call rejects with an UnsupportedError that says why and what to use instead.

import type { Connection } from "./connection.js";
import { UnsupportedError } from "./errors.js";
import type { Accept, ConnectOptions, Listener, ListenOptions, Runtime, Session } from "./runtime.js";

/** The message of the `UnsupportedError` each call rejects with: one for both, or one per call. */
export type UnsupportedReasons = string | { readonly listen: string; readonly connect: string };

/** A {@link Runtime} whose `listen` and `connect` reject with `UnsupportedError`. */
class UnsupportedRuntime implements Runtime {
  readonly name: Runtime["name"];
  readonly #listen: string;
  readonly #connect: string;

  constructor(name: Runtime["name"], reasons: UnsupportedReasons) {
    this.name = name;
    this.#listen = typeof reasons === "string" ? reasons : reasons.listen;
    this.#connect = typeof reasons === "string" ? reasons : reasons.connect;
  }

  async listen(_options: ListenOptions, _accept: Accept): Promise<Listener> {
    throw new UnsupportedError(this.#listen);
  }

  async connect(
    _options: ConnectOptions,
    _connection: Connection | ((session: Session) => Connection),
  ): Promise<Session> {
    throw new UnsupportedError(this.#connect);
  }
}

/**
 * A runtime named `name` that cannot work where it was loaded: `listen` and `connect` reject (never
 * throw synchronously) with `UnsupportedError(reason)`, opening nothing and calling neither `accept` nor
 * the connection factory. `reasons`: one message for both calls, or `{ listen, connect }`.
 */
export function unsupportedRuntime(name: Runtime["name"], reasons: UnsupportedReasons): Runtime {
  return new UnsupportedRuntime(name, reasons);
}
