import type { ConnectOptions } from "@sansio/runtime-api";
/** What `socket.opened` resolves with: the addresses workerd knows (`"host:port"` text). */
export interface WorkersSocketInfo {
  readonly remoteAddress?: string;
  readonly localAddress?: string;
}
/**
 * The parts of a Workers `Socket` (from `connect()` in `cloudflare:sockets`, or a binding's `connect()`)
 * this adapter uses. A real `Socket` satisfies it.
 */
export interface WorkersSocket {
  readonly readable: ReadableStream<Uint8Array>;
  readonly writable: WritableStream<Uint8Array>;
  readonly opened: Promise<WorkersSocketInfo>;
  readonly closed: Promise<void>;
  readonly upgraded: boolean;
  readonly secureTransport: "on" | "off" | "starttls";
  close(): Promise<void>;
  startTls(options?: { expectedServerHostname?: string }): WorkersSocket;
}
/** The `secureTransport` and `allowHalfOpen` options of a Workers `connect()`. */
export interface WorkersSocketOptions {
  readonly secureTransport: "off" | "on" | "starttls";
  readonly allowHalfOpen: boolean;
}
/**
 * Opens a Workers socket: `connect` from `cloudflare:sockets` by default, or a binding's `connect`
 * (`env.MY_SERVICE.connect`) to route sockets through a service. `address` is where to connect,
 * `options` what the adapter asks of the socket, `connectOptions` the options of the
 * `runtime.connect()` call (to route by them).
 */
export type SocketConnector = (
  address: {
    readonly hostname: string;
    readonly port: number;
  },
  options: WorkersSocketOptions,
  connectOptions: ConnectOptions,
) => WorkersSocket;
/** Swallows a promise's rejection (stream promises the adapter does not wait on must never go unhandled). */
export declare function ignoreRejection(promise: Promise<unknown>): void;
