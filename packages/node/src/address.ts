import type { Socket } from "node:net";
import { TLSSocket } from "node:tls";
import type { Address } from "@sansio/runtime-api";
import type { SessionInfo } from "@sansio/runtime-api/adapter";

/** True when the socket is a TCP socket (it has an IP address), false for a unix socket. */
export function isTcpSocket(socket: Socket): boolean {
  return socket.remoteAddress !== undefined || socket.localAddress !== undefined;
}

/** Where a socket's two ends are. Unix socket ends without a name get `path: ""`. */
export function socketAddresses(
  socket: Socket,
  unix: { readonly local?: string; readonly remote?: string } = {},
): { remote: Address; local: Address } {
  if (!isTcpSocket(socket)) {
    return {
      remote: { transport: "unix", path: unix.remote ?? "" },
      local: { transport: "unix", path: unix.local ?? "" },
    };
  }
  return {
    remote: { transport: "tcp", hostname: socket.remoteAddress ?? "", port: socket.remotePort ?? 0 },
    local: { transport: "tcp", hostname: socket.localAddress ?? "", port: socket.localPort ?? 0 },
  };
}

/** Session info of a socket: its addresses and the ALPN protocol (null unless TLS negotiated one). */
export function sessionInfo(
  socket: Socket,
  alpnProtocol: string | null,
  unix?: { readonly local?: string; readonly remote?: string },
): SessionInfo {
  return { ...socketAddresses(socket, unix), alpnProtocol, secure: socket instanceof TLSSocket };
}
