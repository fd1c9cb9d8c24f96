import type { Address } from "@sansio/runtime-api";
import type { SessionInfo } from "@sansio/runtime-api/adapter";
import type { BunSocket } from "./socket-events.js";

/**
 * The ends of a Bun socket. Bun reports no addresses for unix sockets, so those use `unixPath`
 * (the path listened on or connected to) for both ends.
 */
export function sessionInfo(socket: BunSocket, unixPath: string | undefined): SessionInfo {
  let remote: Address;
  let local: Address;
  if (unixPath !== undefined || socket.remoteAddress === undefined) {
    remote = { transport: "unix", path: unixPath ?? "" };
    local = remote;
  } else {
    remote = { transport: "tcp", hostname: socket.remoteAddress, port: socket.remotePort };
    local = { transport: "tcp", hostname: socket.localAddress, port: socket.localPort };
  }
  return { remote, local, alpnProtocol: alpnOf(socket), secure: isTlsSocket(socket) };
}

/** The negotiated ALPN protocol (Bun says `false` for none, `null` before the handshake). */
export function alpnOf(socket: BunSocket): string | null {
  return socket.alpnProtocol || null;
}

/** True for a TLS socket (Bun's TCP sockets report no TLS version). */
export function isTlsSocket(socket: BunSocket): boolean {
  return typeof socket.getTLSVersion() === "string";
}
