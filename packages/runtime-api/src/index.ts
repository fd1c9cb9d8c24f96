// `@sansio/runtime-api`: what protocol and application authors use — the Connection and Runtime
// contracts, the building blocks, the errors, the defaults. Adapter authors' machinery (driver core,
// listener core, transports) is `@sansio/runtime-api/adapter`.

export * from "./blocks/index.js";
export type { Clock, Connection, ReadOperation, WriteOperation, WriteResult } from "./connection.js";
export {
  DEFAULT_CLOSE_TIMEOUT,
  DEFAULT_HOSTNAME,
  DEFAULT_MAX_CONNECTIONS,
  DEFAULT_MAX_READ_BUFFER_SIZE,
  DEFAULT_READ_BUFFER_SIZE,
} from "./defaults.js";
export {
  AbortedError,
  ConnectionClosedError,
  ConnectionLostError,
  ReadBufferOverflowError,
  SansioError,
  TimeoutError,
  TLS_HANDSHAKE_REFUSED,
  toConnectionLost,
  UnsupportedError,
} from "./errors.js";
export { ForwardingConnection } from "./forwarding-connection.js";
export { concatBytes, iovecsLength } from "./iovec.js";
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
export { UpgradableConnection } from "./upgradable.js";
