import {
  getHeaderAll,
  type HeaderList,
  type HeadersInit,
  hasToken,
  type IncomingRequest,
  type ResponseWriter,
} from "@sansio/http1";
import { computeAccept, isValidKey } from "./accept.js";
import { acceptDeflateOffer } from "./deflate-params.js";
import { WebSocketError } from "./errors.js";
import { parseExtensions } from "./extensions.js";
import type { WebSocketOptions } from "./options.js";
import { resolveOptions } from "./options.js";
import { WebSocketConnection } from "./websocket-connection.js";

/** How a server accepts a WebSocket: connection options plus subprotocol choice and extra headers. */
export interface AcceptOptions extends WebSocketOptions {
  /**
   * Subprotocols this server speaks, in order of preference, or a function choosing one from the client's
   * offer (`Sec-WebSocket-Protocol`); `null` or `undefined` chooses none. Default: none.
   */
  readonly protocols?: readonly string[] | ((offered: readonly string[]) => string | null | undefined);
  /** Extra headers for the 101 response. */
  readonly headers?: Readonly<Record<string, string>>;
}

/** Why a request is not an acceptable WebSocket opening handshake, and the status to answer; or null when it is one. */
export function checkUpgradeRequest(request: IncomingRequest): { status: number; message: string } | null {
  if (request.method !== "GET") return { status: 405, message: "a WebSocket handshake must be a GET" };
  if (request.version !== "HTTP/1.1") return { status: 400, message: "a WebSocket handshake needs HTTP/1.1" };
  if (request.upgrade === null || !hasToken(request.upgrade, "websocket")) {
    return { status: 426, message: "the request does not ask to upgrade to websocket" };
  }
  const version = request.header("sec-websocket-version");
  if (version?.trim() !== "13")
    return { status: 426, message: `unsupported Sec-WebSocket-Version ${version ?? "(none)"}` };
  const key = request.header("sec-websocket-key")?.trim();
  if (key === undefined || !isValidKey(key)) return { status: 400, message: "missing or invalid Sec-WebSocket-Key" };
  return null;
}

/** True when `request` asks to upgrade to WebSocket (it may still be invalid: see {@link acceptWebSocket}). */
export function isWebSocketRequest(request: IncomingRequest): boolean {
  return request.upgrade !== null && hasToken(request.upgrade, "websocket");
}

/**
 * Completes the server side of the opening handshake (RFC 6455 §4.2) from an `@sansio/http1` handler:
 * checks the key and version, chooses a subprotocol, negotiates permessage-deflate, answers `101
 * Switching Protocols` with `Sec-WebSocket-Accept` and hands the socket to the returned connection.
 * An invalid request is answered (400, 405 or 426 with `Sec-WebSocket-Version: 13`) and the promise
 * rejects with a {@link WebSocketError} (`handshake-failed`).
 */
export async function acceptWebSocket(
  request: IncomingRequest,
  response: ResponseWriter,
  options: AcceptOptions = {},
): Promise<WebSocketConnection> {
  const problem = checkUpgradeRequest(request);
  if (problem !== null) {
    const headers: HeadersInit = problem.status === 426 ? { "Sec-WebSocket-Version": "13", Connection: "close" } : {};
    response.respond(problem.status, headers, `${problem.message}\n`);
    throw new WebSocketError("handshake-failed", problem.message);
  }
  const key = (request.header("sec-websocket-key") as string).trim();
  const offered = splitList(request.headers, "sec-websocket-protocol");
  const protocol = chooseProtocol(offered, options.protocols);
  const resolved = resolveOptions(options);
  let deflate = null;
  let extensions = "";
  if (resolved.deflate !== null) {
    const header = joinedHeader(request.headers, "sec-websocket-extensions");
    const offers = header === undefined ? null : parseExtensions(header);
    const accepted = offers === null ? null : acceptDeflateOffer(offers, resolved.deflate);
    if (accepted !== null) {
      deflate = accepted.params;
      extensions = accepted.response;
    }
  }
  const headers: Record<string, string> = {
    ...options.headers,
    Upgrade: "websocket",
    "Sec-WebSocket-Accept": await computeAccept(key),
  };
  if (protocol) headers["Sec-WebSocket-Protocol"] = protocol;
  if (extensions) headers["Sec-WebSocket-Extensions"] = extensions;
  const connection = new WebSocketConnection(
    { role: "server", protocol: protocol ?? "", extensions, deflate },
    options,
  );
  response.upgrade(headers, connection);
  return connection;
}

function chooseProtocol(offered: readonly string[], choice: AcceptOptions["protocols"]): string | null {
  if (choice === undefined || offered.length === 0) return null;
  if (typeof choice === "function") {
    const chosen = choice(offered);
    if (chosen === null || chosen === undefined) return null;
    if (!offered.includes(chosen)) throw new Error(`protocols(): "${chosen}" was not offered`);
    return chosen;
  }
  return choice.find((p) => offered.includes(p)) ?? null;
}

/** The values of every `name` field, joined with ", " (RFC 9110 §5.3), or undefined. */
export function joinedHeader(headers: HeaderList, name: string): string | undefined {
  const values = getHeaderAll(headers, name);
  return values.length === 0 ? undefined : values.join(", ");
}

/** A comma-separated list header split into trimmed, non-empty items. */
export function splitList(headers: HeaderList, name: string): string[] {
  const value = joinedHeader(headers, name);
  if (value === undefined) return [];
  return value
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
}
