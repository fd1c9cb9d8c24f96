/** @sansio/http2: a sans-IO HTTP/2 client and server (RFC 9113, HPACK RFC 7541). */
export type {
  Http2ClientOptions,
  Http2ClientStream,
  Http2Push,
  Http2RequestInit,
  Http2Response,
} from "./client.js";
export { createHttp2ClientConnection, Http2ClientConnection } from "./client.js";
export type { Http2Options } from "./connection/options.js";
export { Http2ConnectionError, Http2StreamError } from "./errors.js";
export type { ErrorCodeName } from "./frame/constants.js";
export { ErrorCode } from "./frame/constants.js";
export { Http2ProtocolError } from "./frame/errors.js";
export * from "./hpack/index.js";
export type { OutgoingBody } from "./message/send-body.js";
export type {
  Http2Handler,
  Http2Request,
  Http2ResponseObserver,
  Http2ResponseWriter,
  Http2ServerOptions,
  ObservedHttp2ResponseHead,
  UpgradeOptions,
} from "./server.js";
export {
  createHttp2ServerConnection,
  Http2ServerConnection,
  http2Server,
  parseHttp2Settings,
  upgradeToHttp2,
} from "./server.js";
export { PrefaceSniffer } from "./sniff.js";
export type { H2cRequestInit, H2cUpgrade } from "./upgrade-client.js";
export { connectH2c } from "./upgrade-client.js";
