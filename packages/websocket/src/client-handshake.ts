import { type ClientConnection, type ClientResponse, createClientConnection, hasToken } from "@sansio/http1";
import {
  type Connection,
  type ConnectOptions,
  type Runtime,
  type Session,
  UpgradableConnection,
} from "@sansio/runtime-api";
import { computeAccept, generateKey } from "./accept.js";
import { type DeflateParams, deflateOffer, readDeflateResponse } from "./deflate-params.js";
import { WebSocketError } from "./errors.js";
import { parseExtensions } from "./extensions.js";
import { resolveOptions, type WebSocketOptions } from "./options.js";
import { joinedHeader, splitList } from "./server-handshake.js";
import { WebSocketConnection } from "./websocket-connection.js";

/** How a client opens a WebSocket: connection options plus the handshake's request. */
export interface HandshakeOptions extends WebSocketOptions {
  /** Subprotocols to offer (`Sec-WebSocket-Protocol`), in order of preference. */
  readonly protocols?: readonly string[];
  /** Extra request headers (e.g. `Origin`, `Authorization`, cookies). */
  readonly headers?: Readonly<Record<string, string>>;
}

/** Where {@link connectWebSocket} connects: a `ws:` / `wss:` URL, plus runtime connect options (TLS CAs, buffers, signal). */
export interface ConnectWebSocketOptions extends HandshakeOptions {
  /** Options for `runtime.connect` (hostname, port and `tls` are taken from the URL unless given here). */
  readonly connect?: ConnectOptions;
}

/**
 * The client side of the opening handshake (RFC 6455 §4.1) as a sans-IO pair: drive `connection` on any
 * socket (`runtime.connect`, or an adapter's `drive()`), then await `open(target)` for the WebSocket.
 */
export interface ClientHandshake {
  /** The connection to drive: HTTP/1.1 until the handshake succeeds, WebSocket after. */
  readonly connection: Connection;
  /**
   * Sends the upgrade request for `target` (e.g. `/chat?room=1`) and resolves with the open WebSocket
   * once the server's 101 checks out. Rejects with {@link WebSocketError} (`handshake-failed`) for any
   * other answer; the caller should then close the socket.
   */
  open(target: string): Promise<WebSocketConnection>;
}

/** Makes a {@link ClientHandshake} for a server known as `host` (the `Host` header, e.g. `"example.com:8080"`). */
export function clientHandshake(host: string, options: HandshakeOptions = {}): ClientHandshake {
  const http = createClientConnection({ host });
  const connection = new UpgradableConnection(http);
  return {
    connection,
    open: (target) => openOver(http, connection, target, options),
  };
}

async function openOver(
  http: ClientConnection,
  upgradable: UpgradableConnection,
  target: string,
  options: HandshakeOptions,
): Promise<WebSocketConnection> {
  const resolved = resolveOptions(options);
  const key = generateKey();
  const headers: Record<string, string> = {
    ...options.headers,
    Upgrade: "websocket",
    Connection: "Upgrade",
    "Sec-WebSocket-Key": key,
    "Sec-WebSocket-Version": "13",
  };
  if (options.protocols && options.protocols.length > 0)
    headers["Sec-WebSocket-Protocol"] = options.protocols.join(", ");
  if (resolved.deflate !== null) headers["Sec-WebSocket-Extensions"] = deflateOffer(resolved.deflate);
  const [response, expected] = await Promise.all([
    http.request({ method: "GET", target, headers }),
    computeAccept(key),
  ]);
  const checked = checkHandshakeResponse(
    response,
    expected,
    options.protocols ?? [],
    resolved.deflate !== null,
    resolved.deflate ?? {},
  );
  if (typeof checked === "string") {
    void response.body.discard?.();
    http.close();
    throw new WebSocketError("handshake-failed", checked);
  }
  const ws = new WebSocketConnection({ role: "client", ...checked }, options);
  upgradable.upgrade(ws);
  return ws;
}

/**
 * Checks the server's answer to the opening handshake (RFC 6455 §4.1, client steps 1-6): a pure
 * function. Returns what was negotiated, or why the answer is not acceptable.
 */
export function checkHandshakeResponse(
  response: Pick<ClientResponse, "status" | "headers" | "header">,
  expectedAccept: string,
  offeredProtocols: readonly string[],
  offeredDeflate: boolean,
  deflateOptions: { readonly noContextTakeover?: boolean; readonly peerNoContextTakeover?: boolean } = {},
): { protocol: string; extensions: string; deflate: DeflateParams | null } | string {
  if (response.status !== 101) return `the server answered ${response.status} instead of 101`;
  const upgrade = response.header("upgrade");
  if (upgrade === undefined || !hasToken(upgrade, "websocket")) return "the 101 response lacks Upgrade: websocket";
  const connection = response.header("connection");
  if (connection === undefined || !hasToken(connection, "upgrade")) return "the 101 response lacks Connection: Upgrade";
  if (response.header("sec-websocket-accept")?.trim() !== expectedAccept)
    return "Sec-WebSocket-Accept does not match the key";
  const protocols = splitList(response.headers, "sec-websocket-protocol");
  if (protocols.length > 1) return "the server chose more than one subprotocol";
  const protocol = protocols[0] ?? "";
  if (protocol !== "" && !offeredProtocols.includes(protocol))
    return `the server chose subprotocol "${protocol}", which was not offered`;
  const extensionsHeader = joinedHeader(response.headers, "sec-websocket-extensions");
  let deflate: DeflateParams | null = null;
  if (extensionsHeader !== undefined) {
    const parsed = parseExtensions(extensionsHeader);
    if (parsed === null) return "Sec-WebSocket-Extensions in the response is malformed";
    if (!offeredDeflate) return "the server accepted an extension that was not offered";
    const read = readDeflateResponse(parsed, deflateOptions);
    if (typeof read === "string") return read;
    deflate = read;
  }
  return { protocol, extensions: extensionsHeader ?? "", deflate };
}

/**
 * Opens a WebSocket to `url` (`ws://host:port/path` or `wss://...`) over `runtime` (any sansio
 * adapter: Node, Deno, Bun, Workers, or the in-memory runtime). Resolves with the open connection;
 * rejects with `WebSocketError` (`handshake-failed`) or the runtime's connect error, and then leaves
 * no socket open.
 */
export async function connectWebSocket(
  runtime: Runtime,
  url: string | URL,
  options: ConnectWebSocketOptions = {},
): Promise<WebSocketConnection> {
  const parsed = typeof url === "string" ? new URL(url) : url;
  const secure = parsed.protocol === "wss:" || parsed.protocol === "https:";
  if (!secure && parsed.protocol !== "ws:" && parsed.protocol !== "http:") {
    throw new TypeError(`connectWebSocket: unsupported URL scheme ${parsed.protocol}`);
  }
  const port = parsed.port === "" ? (secure ? 443 : 80) : Number(parsed.port);
  const hostname = parsed.hostname.replace(/^\[(.*)\]$/, "$1");
  const handshake = clientHandshake(parsed.host, options);
  const session: Session = await runtime.connect(
    { hostname, port, ...(secure ? { tls: true as const } : {}), ...options.connect },
    handshake.connection,
  );
  try {
    return await handshake.open(`${parsed.pathname || "/"}${parsed.search}`);
  } catch (error) {
    session.close();
    throw error;
  }
}
