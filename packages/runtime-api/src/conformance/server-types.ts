// The types of the conformance server protocols, in a leaf module: the protocol files (servers.ts,
// fault-servers.ts, robustness-protocols.ts) and the harness share them without importing each other.
import type { Connection } from "../connection.js";
import type { Session } from "../runtime.js";

/** Parameters a client sends to pick and tune a conformance server protocol. */
export type ServerParams = Readonly<Record<string, number | string | boolean>>;

/** What a server protocol saw, for cases that watch the server (in-process only). */
export interface ServerRecord {
  readonly errors: unknown[];
  bytesRead: number;
  sawEof: boolean;
  shutdownCalled: boolean;
  /** Set by server protocols that check something themselves, once their check has ended. */
  finished?: boolean;
}

/**
 * A server that only counts what it reads: records `length` bytes (and, with `eof`, the peer's end of
 * input) and returns `length`, all of it consumed. `read` and `readEof` of the sink servers.
 */
export function recordRead(record: ServerRecord, length: number, eof = false): number {
  record.bytesRead += length;
  if (eof) record.sawEof = true;
  return length;
}

/** What a server factory gets besides its parameters. */
export interface ServerContext {
  readonly session: Session;
  readonly record: ServerRecord;
  /** Swaps the protocol of this connection (the dispatcher is an `UpgradableConnection`). */
  readonly upgrade: (next: Connection) => void;
}

/** Makes the server half of a case: `name` picks the protocol, `params` tune it. */
export type ServerFactory = (params: ServerParams, context: ServerContext) => Connection;
