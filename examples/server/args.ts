// The demo's command line: where to listen, TLS, the access log and the HTTP/1.1 timeouts.

import type { ServerOptions } from "@sansio/http1";

/** Where to listen, and how. */
export interface ServeOptions {
  readonly host: string;
  readonly port: number;
  /** No access log. */
  readonly quiet: boolean;
  /**
   * `plain`: HTTP/1.1, h2c by prior knowledge and h2c by upgrade on one port. `generated`: TLS with a
   * certificate made at start, ALPN choosing `h2` or `http/1.1`; `caOut` is where to save the CA
   * certificate that signed it (for clients to trust), if anywhere.
   */
  readonly tls: { readonly kind: "plain" } | { readonly kind: "generated"; readonly caOut: string | undefined };
  /** HTTP/1.1 timeouts in ms (`undefined`: @sansio/http1's defaults). */
  readonly timeouts: Pick<ServerOptions, "keepAliveTimeout" | "headersTimeout" | "requestTimeout">;
}

const TIMEOUT_FLAGS = {
  "--keep-alive-timeout": "keepAliveTimeout",
  "--headers-timeout": "headersTimeout",
  "--request-timeout": "requestTimeout",
} as const;

/**
 * Parses `--host HOST --port PORT` (also `--host=HOST`), `--quiet`, `--tls`, `--ca-out FILE`, and
 * `--keep-alive-timeout MS`, `--headers-timeout MS`, `--request-timeout MS`; defaults 127.0.0.1, 8080,
 * an access log, no TLS, and @sansio/http1's timeouts.
 */
export function parseServeArgs(args: readonly string[]): ServeOptions {
  let host = "127.0.0.1";
  let port = 8080;
  let quiet = false;
  let tls = false;
  let caOut: string | undefined;
  const timeouts: { -readonly [K in keyof ServeOptions["timeouts"]]: number } = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const [flag, inline] = arg.includes("=")
      ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)]
      : [arg, undefined];
    const value = (): string => {
      const next = inline ?? args[++i];
      if (next === undefined || next === "") throw new Error(`${flag} needs a value`);
      return next;
    };
    if (flag === "--host") host = value();
    else if (flag === "--port") {
      const text = value();
      port = Number(text);
      if (!/^\d+$/.test(text) || port > 65535) throw new Error(`--port must be 0-65535, got ${text}`);
    } else if (flag === "--quiet" && inline === undefined) quiet = true;
    else if (flag === "--tls" && inline === undefined) tls = true;
    else if (flag === "--ca-out") caOut = value();
    else if (flag in TIMEOUT_FLAGS) {
      const text = value();
      if (!/^\d+$/.test(text)) throw new Error(`${flag} must be a number of milliseconds (0 disables), got ${text}`);
      timeouts[TIMEOUT_FLAGS[flag as keyof typeof TIMEOUT_FLAGS]] = Number(text);
    } else throw new Error(`unknown argument ${arg}`);
  }
  if (caOut !== undefined && !tls) throw new Error("--ca-out needs --tls");
  return { host, port, quiet, tls: tls ? { kind: "generated", caOut } : { kind: "plain" }, timeouts };
}
