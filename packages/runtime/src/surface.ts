// The types the one import offers on every runtime: the same names with the same types, whichever
// adapter the export conditions picked. A framework written against these builds for all of them.
export type {
  Accept,
  Address,
  ClientTlsOptions,
  Connection,
  ConnectOptions,
  Listener,
  ListenOptions,
  ReadOperation,
  Runtime,
  ServerTlsOptions,
  Session,
  StartTlsOptions,
  WriteOperation,
  WriteResult,
} from "@sansio/runtime-api";
