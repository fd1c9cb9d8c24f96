// `@sansio/runtime-api/adapter`: what only runtime adapter authors need — the driver core, the listener
// core, the transport types, the one accept and connect paths, the option checks and the runtime an entry
// offers where it cannot work (`unsupportedRuntime`). Protocol and application authors need none of it:
// their surface is `@sansio/runtime-api` (`.`).
export type { ListenFeatures } from "./address.js";
export {
  checkConnect,
  checkListen,
  checkMaxConnections,
  connectAddress,
  describeAddress,
  listenAddress,
} from "./address.js";
export type { DriverClock, DriverOptions, DriverPhase } from "./driver/index.js";
export { checkDriveOptions, Driver, monotonicClock } from "./driver/index.js";
export { errorCode, lostCode } from "./errors.js";
export {
  advanceIovecs,
  COALESCE_THRESHOLD,
  coalesceIovecs,
  GATHER_SCRATCH_SIZE,
  IovecGatherer,
  iovecsLength,
} from "./iovec.js";
export type { Admission, ListenerCoreOptions } from "./listener.js";
export { ListenerCore } from "./listener.js";
export { checkReadBufferSizes, ReadBuffer } from "./read-buffer.js";
export type { SessionInfo, StartTlsImpl } from "./session.js";
export { abortable, closeOnAbort, DriverSession, isServerStartTls, throwIfAborted } from "./session.js";
export { acceptConnection, startClientConnection } from "./start.js";
export type { Transport, TransportSink, WriteCallback } from "./transport.js";
export type { UnsupportedReasons } from "./unsupported-runtime.js";
export { unsupportedRuntime } from "./unsupported-runtime.js";
