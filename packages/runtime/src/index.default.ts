// "@sansio/runtime" when no export condition it knows matched (not node, deno, bun, workerd or worker):
// a runtime whose every call rejects with a clear UnsupportedError, rather than a Node build that would
// fail on its first node:net import in a browser bundle.
import {
  type Accept,
  type Connection,
  type ConnectOptions,
  type Listener,
  type ListenOptions,
  type Runtime,
  type Session,
  UnsupportedError,
} from "@sansio/runtime-api";

export type * from "./surface.js";

const NO_ADAPTER =
  "@sansio/runtime picks its adapter by the export conditions node, deno, bun and workerd/worker, and none " +
  "of them matched here: import an adapter explicitly (@sansio/runtime/node, /deno, /bun or /workers), or " +
  "bundle with the conditions of the runtime you target";

/** The runtime that rejects everything with `UnsupportedError`: no export condition picked an adapter. */
class NoAdapter implements Runtime {
  readonly name = "none";

  async listen(_options: ListenOptions, _accept: Accept): Promise<Listener> {
    throw new UnsupportedError(NO_ADAPTER);
  }

  async connect(
    _options: ConnectOptions,
    _connection: Connection | ((session: Session) => Connection),
  ): Promise<Session> {
    throw new UnsupportedError(NO_ADAPTER);
  }
}

/** No adapter: `listen` and `connect` reject with `UnsupportedError` saying how to pick one. */
export const runtime: Runtime = new NoAdapter();
