export type {
  Accept,
  Address,
  ClientTlsOptions,
  Connection,
  ConnectOptions,
  DriveOptions,
  Listener,
  ListenOptions,
  Runtime,
  ServerTlsOptions,
  Session,
  SessionCounters,
  StartTlsOptions,
  TraceEvent,
} from "@sansio/runtime-api";
export { drive, type NodeDriveOptions } from "./drive.js";
export { ONREAD_BUFFER_SIZE } from "./onread.js";
export { runtime } from "./runtime.js";
export { TLS_HANDSHAKE_TIMEOUT } from "./tls-handshake.js";
export { traceChannels } from "./trace.js";
