import type { Connection } from "../connection.js";
import type { Transport } from "../transport.js";
import type { DriverCounters } from "./counters.js";
import type { ResumeScheduler } from "./resumes.js";
import type { Timekeeper } from "./timekeeper.js";

/** Where a pump is: the same five states on both sides. */
export type PumpState =
  /** Ready to ask the connection (or held while the driver is not running). */
  | "idle"
  /** Inside its loop, calling the connection. */
  | "running"
  /** Waiting for the transport: a read to arrive, or a write to complete. */
  | "io"
  /** The connection yielded; waiting for its resume. */
  | "yielded"
  /** This side is finished. */
  | "done";

/** What the read and write pumps need from their driver. */
export interface PumpHost {
  /** The connection being driven (set before any pump runs). */
  readonly connection: Connection;
  /** The socket's transport (replaced by STARTTLS). */
  readonly transport: Transport;
  /** Runs resumes off the connection's stack; pumps bracket their calls into the connection with it. */
  readonly resumes: ResumeScheduler;
  /** Keeps the idle timeout and the protocol's deadline. */
  readonly time: Timekeeper;
  /** The session's counters (bytes and operations each way). */
  readonly counters: DriverCounters;
  /** True when the pumps may run: the driver is running (not switching to TLS, not releasing). */
  readonly running: boolean;
  /** A throw from the connection, a broken rule or a limit: report it and tear the socket down. */
  fail(error: unknown): void;
  /** One side reached "done": the driver releases the socket once both have. */
  sideDone(): void;
  /** A FIN went by: the peer's ("in") or ours ("out"). Traced when someone listens. */
  halfClosed(direction: "in" | "out"): void;
}
