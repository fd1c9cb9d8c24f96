export type { Body } from "./body.js";
export type { ClientOptions } from "./client-connection.js";
export { ClientConnection, createClientConnection } from "./client-connection.js";
export type {
  ClientRequestInit,
  ClientResponse,
  ObservedRequestHead,
  RequestObserver,
} from "./client-types.js";
export type { HttpParseErrorCode, HttpTimeout } from "./errors.js";
export { HttpParseError, HttpTimeoutError } from "./errors.js";
export type { HeaderList, HeadersInit } from "./headers.js";
export { getHeader, getHeaderAll, hasToken } from "./headers.js";
export type { HttpMessage, HttpVersion } from "./message.js";
export { http1Server } from "./server.js";
export { createServerConnection } from "./server-connection.js";
export type {
  ErrorHandler,
  ErrorResponse,
  Handler,
  IncomingRequest,
  ObservedResponseHead,
  ResponseBody,
  ResponseObserver,
  ResponseWriter,
  ServerOptions,
} from "./server-types.js";
export { reasonPhrase } from "./status.js";
