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
  StartTlsOptions,
} from "@sansio/runtime-api";
export { drive, type NodeDriveOptions } from "./drive.js";
export { ONREAD_BUFFER_SIZE } from "./onread.js";
export { runtime } from "./runtime.js";
export { TLS_HANDSHAKE_TIMEOUT } from "./tls-handshake.js";
