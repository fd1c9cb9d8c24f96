export * from "./blocks/index.js";
export type { Clock, Connection, ReadOperation, WriteOperation, WriteResult } from "./connection.js";
export {
  DEFAULT_CLOSE_TIMEOUT,
  DEFAULT_HOSTNAME,
  DEFAULT_MAX_READ_BUFFER_SIZE,
  DEFAULT_READ_BUFFER_SIZE,
} from "./defaults.js";
export { Driver } from "./driver.js";
export {
  AbortedError,
  ConnectionClosedError,
  ConnectionLostError,
  errorCode,
  ReadBufferOverflowError,
  SansioError,
  TimeoutError,
  toConnectionLost,
  UnsupportedError,
} from "./errors.js";
export { advanceIovecs, COALESCE_THRESHOLD, coalesceIovecs, concatBytes, iovecsLength } from "./iovec.js";
export { ListenerCore } from "./listener.js";
export { ReadBuffer } from "./read-buffer.js";
export type {
  Accept,
  Address,
  ClientTlsOptions,
  ConnectOptions,
  DriveOptions,
  Listener,
  ListenOptions,
  Pem,
  Runtime,
  ServerTlsOptions,
  Session,
  StartTlsOptions,
} from "./runtime.js";
export type { SessionInfo, StartTlsImpl } from "./session.js";
export { abortable, closeOnAbort, DriverSession, startClientConnection, throwIfAborted } from "./session.js";
export type { Transport, TransportSink, WriteCallback } from "./transport.js";
export { UpgradableConnection } from "./upgradable.js";
