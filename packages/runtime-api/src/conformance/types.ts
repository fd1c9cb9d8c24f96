import type { Address, ClientTlsOptions, Runtime, ServerTlsOptions } from "../runtime.js";

/** The outcome of one conformance case. `ok` is false only for a failure; a case that does not apply is `"n.a."` with a reason. */
export interface CaseResult {
  readonly name: string;
  readonly status: "pass" | "fail" | "n.a.";
  /** True unless the case failed. */
  readonly ok: boolean;
  /** Why it failed, or why it does not apply. */
  readonly error?: string;
  /** How long it ran, in ms. */
  readonly ms: number;
  /** What the case measured (e.g. the CPU time after a fault), when it measures something. */
  readonly measured?: string;
}

/** A conformance server (`serveConformance`) running elsewhere, e.g. in another process or runtime. */
export interface RemotePeer {
  readonly address: Address;
  /** When the remote peer serves TLS: how to reach it. */
  readonly tls?: ClientTlsOptions;
}

/** How to run the suite. */
export interface ConformanceOptions {
  /**
   * Who listens. Default: the runtime under test. A `Runtime` listens in this process (all cases run);
   * a `RemotePeer` is a `serveConformance` server elsewhere (cases that need to watch the server are n.a.).
   */
  readonly peer?: Runtime | RemotePeer;
  /** Certificates for the TLS cases; without them those cases are n.a. */
  readonly tls?: { readonly server: ServerTlsOptions; readonly client: ClientTlsOptions };
  /** A directory for unix socket files; without it the unix cases are n.a. */
  readonly unixDir?: string;
  /** Run only cases whose name includes one of these strings. */
  readonly only?: readonly string[];
  /** Per-case time limit in ms. Default 20 000. */
  readonly caseTimeout?: number;
  /**
   * Run the heavier tier (cases named `stress: …`, e.g. 10,000 concurrent connections). Without it those
   * cases are n.a. With the server in this process, both ends of every connection count against the
   * process's descriptor limit (`ulimit -n`): 10,000 connections need more than 20,000.
   */
  readonly stress?: boolean;
  /** Connections the stress tier holds open at once. Default 10 000. */
  readonly stressConnections?: number;
  /** Per-case time limit of the stress tier, in ms. Default 180 000. */
  readonly stressTimeout?: number;
  /** Called after each case (for progress output). */
  readonly onResult?: (result: CaseResult) => void;
}
