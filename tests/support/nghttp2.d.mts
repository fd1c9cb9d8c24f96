import type { ChildProcess } from "node:child_process";

/** The absolute path of the executable `name` on PATH or in /usr/sbin or /usr/bin (Debian's nghttpd), or undefined. */
export function findTool(name: string): string | undefined;

/** A port on 127.0.0.1 that was free a moment ago (nghttpd cannot bind port 0 and tell us which it got). */
export function freePort(): Promise<number>;

/**
 * Resolves once something accepts TCP connections on 127.0.0.1:`port`; rejects when `child` exits first
 * or after `attempts` refused connections (default 200, about 10 s).
 */
export function waitForListening(port: number, child: ChildProcess, attempts?: number): Promise<void>;

/** Key and certificate files (PEM) for nghttpd's TLS. */
export interface NghttpdTls {
  readonly keyFile: string;
  readonly certFile: string;
}

/** A running nghttpd on 127.0.0.1 and how to stop it. */
export interface Nghttpd {
  readonly port: number;
  readonly pid: number | undefined;
  /** SIGTERM, then SIGKILL after 2 s; resolves once it has exited. */
  stop(): Promise<void>;
}

/**
 * Starts one nghttpd on 127.0.0.1 serving the files in `htdocs`: h2c by prior knowledge, or TLS with ALPN
 * h2 when `options.tls` is given. Tries a few ports; resolves once it listens, rejects with its stderr.
 */
export function startNghttpd(
  command: string,
  htdocs: string,
  options?: { readonly tls?: NghttpdTls },
): Promise<Nghttpd>;
