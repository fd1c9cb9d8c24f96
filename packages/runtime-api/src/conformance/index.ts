export { checkNoBusyLoop } from "./busy-loop.js";
export type { ConformanceCase } from "./cases.js";
export { conformanceCases } from "./cases.js";
export type { ExchangeOptions } from "./clients.js";
export { Exchange, Firehose, PrefixedConnection, StartTlsClient } from "./clients.js";
export type { RemoteEndpoints, Target } from "./harness.js";
export { CaseContext, check, eventually, NotApplicable, sleep, within } from "./harness.js";
export { observeCases } from "./observe-cases.js";
export { patternByte, patternBytes } from "./pattern.js";
export type { EchoOptions } from "./protocols.js";
export { concatBytes, EchoConnection, SendAndCollect } from "./protocols.js";
export {
  robustnessCases,
  SLOW_READER_MAX_AHEAD,
  STRESS_CONNECTIONS,
  stressCases,
} from "./robustness-cases.js";
export type { ProtocolCallback } from "./robustness-protocols.js";
export {
  BothYielded,
  HoldingClient,
  MeteredWriter,
  protocolCallbacks,
  ThrowingClient,
} from "./robustness-protocols.js";
export { runConformance } from "./run.js";
export type { ServeConformanceOptions } from "./serve.js";
export { CASE_HEADER, conformanceAccept, serveConformance } from "./serve.js";
export type { ServerContext, ServerFactory, ServerParams, ServerRecord } from "./servers.js";
export { timerCases } from "./timer-cases.js";
export type { TimeoutCall } from "./timer-protocols.js";
export { DeadlineClient } from "./timer-protocols.js";
export type { CaseResult, ConformanceOptions, RemotePeer } from "./types.js";
export type { QuietMeasure } from "./write-activity.js";
export { BUSY_LOOP_BOUNDS, cpuClock, WriteActivity } from "./write-activity.js";
