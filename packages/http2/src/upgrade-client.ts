import { type ClientResponse, createClientConnection, type HeadersInit } from "@sansio/http1";
import { type ConnectOptions, type Runtime, type Session, UpgradableConnection } from "@sansio/runtime-api";
import { Http2ClientConnection, type Http2ClientOptions, type Http2Response } from "./client.js";
import { headerList } from "./message/headers.js";

/** The first request of an h2c upgrade (sent over HTTP/1.1). */
export interface H2cRequestInit {
  /** Method. Default `"GET"`. */
  readonly method?: string;
  /** Request target. Default `"/"`. */
  readonly path?: string;
  /** Headers (`Upgrade`, `Connection` and `HTTP2-Settings` are added). */
  readonly headers?: HeadersInit;
  /** A body, sent whole before the protocol switches. */
  readonly body?: Uint8Array | string;
}

/** How an h2c upgrade ended: on HTTP/2, or on HTTP/1.1 when the server did not switch. */
export type H2cUpgrade =
  | {
      readonly protocol: "h2";
      /** The connection, now HTTP/2: send further requests with it. */
      readonly client: Http2ClientConnection;
      /** The first request's response, received over HTTP/2 on stream 1. */
      readonly response: Http2Response;
      readonly session: Session;
    }
  | {
      readonly protocol: "http/1.1";
      /** The server answered over HTTP/1.1 and the connection stayed HTTP/1.1: use this client. */
      readonly client: ReturnType<typeof createClientConnection>;
      readonly response: ClientResponse;
      readonly session: Session;
    };

/**
 * Connects by the HTTP/1.1 upgrade (RFC 7540 §3.2): sends the first request with `Upgrade: h2c` and
 * `HTTP2-Settings` through the `@sansio/http1` client; on `101 Switching Protocols` the connection
 * continues as HTTP/2 and that request's response arrives on stream 1. A server that does not switch
 * answers over HTTP/1.1: the result says so (`protocol: "http/1.1"`) and carries that response.
 */
export async function connectH2c(
  runtime: Runtime,
  connect: ConnectOptions,
  init: H2cRequestInit = {},
  options: Http2ClientOptions = {},
): Promise<H2cUpgrade> {
  const authority = options.authority ?? `${connect.hostname ?? "127.0.0.1"}:${connect.port ?? 80}`;
  const h2 = new Http2ClientConnection({ scheme: "http", ...options, authority });
  const http1 = createClientConnection({ host: authority });
  const connection = new UpgradableConnection(http1);
  const session = await runtime.connect(connect, connection);
  const method = init.method ?? "GET";
  const response = await http1.request({
    method,
    target: init.path ?? "/",
    headers: [
      ...headerList(init.headers),
      "Connection",
      "Upgrade, HTTP2-Settings",
      "Upgrade",
      "h2c",
      "HTTP2-Settings",
      h2.http2SettingsHeader,
    ],
    ...(init.body === undefined ? {} : { body: init.body }),
  });
  if (response.status !== 101) return { protocol: "http/1.1", client: http1, response, session };
  const first = h2.adoptUpgrade(method);
  connection.upgrade(h2);
  return { protocol: "h2", client: h2, response: await first, session };
}
