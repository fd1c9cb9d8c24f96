import type { ClientTlsOptions, Runtime } from "@sansio/runtime-api";
import { type WorkerCase } from "./support.js";
/** Where the Node fixture peer (test/fixture-peer.mjs) listens. */
export interface FixturePorts {
  readonly plain: number;
  readonly tls: number;
  readonly refused: number;
}
/** What the Worker's own cases run with. */
export interface CaseEnvironment {
  readonly ports: FixturePorts;
  /** The exported `runtime` (global outbound: public CAs only). */
  readonly runtime: Runtime;
  /** A runtime whose sockets go through the network service that trusts the test CA. */
  readonly trusting: Runtime;
  /** Client TLS options naming the test CA. */
  readonly clientTls: ClientTlsOptions;
}
/** The Worker's own cases: what is specific to Workers sockets, on top of the conformance suite. */
export declare function workerCases(env: CaseEnvironment): WorkerCase[];
