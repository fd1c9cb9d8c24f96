/** @sansio/websocket: a sans-IO WebSocket client and server (RFC 6455, permessage-deflate RFC 7692). */
export { computeAccept, generateKey, isValidKey } from "./accept.js";
export {
  type ClientHandshake,
  type ConnectWebSocketOptions,
  checkHandshakeResponse,
  clientHandshake,
  connectWebSocket,
  type HandshakeOptions,
} from "./client-handshake.js";
export { type CloseInfo, encodeClosePayload, isValidCloseCode, parseClosePayload } from "./close-payload.js";
export type { DeflateOptions, DeflateParams } from "./deflate-params.js";
export { CloseCode, WebSocketError, type WebSocketErrorCode } from "./errors.js";
export { type ExtensionOffer, formatExtensions, parseExtensions } from "./extensions.js";
export { type FrameHeader, Opcode, parseFrameHeader, writeFrameHeader } from "./frame-header.js";
export type { MessageType } from "./frame-reader.js";
export type { Role } from "./frame-rules.js";
export { maskInPlace } from "./mask.js";
export { MessageStream } from "./message-stream.js";
export { DEFAULT_MAX_MESSAGE_SIZE, type WebSocketOptions } from "./options.js";
export { type AcceptOptions, acceptWebSocket, checkUpgradeRequest, isWebSocketRequest } from "./server-handshake.js";
export { isValidUtf8, Utf8Validator } from "./utf8.js";
export {
  type CloseEvent,
  type Message,
  type MessageWriter,
  type ReadyState,
  WebSocketConnection,
  type WebSocketSetup,
} from "./websocket-connection.js";
