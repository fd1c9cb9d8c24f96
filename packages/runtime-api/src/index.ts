export type { ListenFeatures } from "./address.js";
export {
  checkConnect,
  checkListen,
  checkMaxConnections,
  connectAddress,
  describeAddress,
  listenAddress,
} from "./address.js";
export * from "./blocks/index.js";
export type { Clock, Connection, ReadOperation, WriteOperation, WriteResult } from "./connection.js";
export {
  DEFAULT_CLOSE_TIMEOUT,
  DEFAULT_HOSTNAME,
  DEFAULT_MAX_CONNECTIONS,
  DEFAULT_MAX_READ_BUFFER_SIZE,
  DEFAULT_READ_BUFFER_SIZE,
} from "./defaults.js";
export type { DriverClock, DriverOptions, DriverPhase } from "./driver/index.js";
export { checkDriveOptions, Driver, monotonicClock } from "./driver/index.js";
export {
  AbortedError,
  ConnectionClosedError,
  ConnectionLostError,
  errorCode,
  lostCode,
  ReadBufferOverflowError,
  SansioError,
  TimeoutError,
  toConnectionLost,
  UnsupportedError,
} from "./errors.js";
export { ForwardingConnection } from "./forwarding-connection.js";
export {
  advanceIovecs,
  COALESCE_THRESHOLD,
  coalesceIovecs,
  concatBytes,
  GATHER_SCRATCH_SIZE,
  IovecGatherer,
  iovecsLength,
} from "./iovec.js";
export type { Admission, ListenerCoreOptions } from "./listener.js";
export { ListenerCore } from "./listener.js";
export { checkReadBufferSizes, ReadBuffer } from "./read-buffer.js";
export type {
  Accept,
  Address,
  ClientTlsOptions,
  ConnectOptions,
  DriveOptions,
  Listener,
  ListenerCounters,
  ListenOptions,
  Pem,
  Runtime,
  ServerTlsOptions,
  Session,
  SessionCloseReason,
  SessionCounters,
  StartTlsOptions,
  TraceEvent,
} from "./runtime.js";
export type { SessionInfo, StartTlsImpl } from "./session.js";
export { abortable, closeOnAbort, DriverSession, isServerStartTls, throwIfAborted } from "./session.js";
export { acceptConnection, startClientConnection } from "./start.js";
export type { Transport, TransportSink, WriteCallback } from "./transport.js";
export { UpgradableConnection } from "./upgradable.js";
