// The demo app: one HTTP/1.1 handler, served by @sansio/http1 on any sansio runtime adapter.
// Runtime entries (node.ts, deno.ts, bun.ts) differ only in the adapter they import.

import {
  type Handler,
  HttpParseError,
  http1Server,
  type IncomingRequest,
  type ObservedResponseHead,
  type ServerOptions,
} from "@sansio/http1";
import {
  type Address,
  ConnectionClosedError,
  ConnectionLostError,
  type Listener,
  type Runtime,
  TimeoutError,
} from "@sansio/runtime-api";

/** Largest body `GET /stream?bytes=N` generates (16 GiB): a bound, not a buffer; it streams. */
const MAX_STREAM_BYTES = 16 * 1024 ** 3;

/** 64 KiB of printable pattern bytes, written again and again by `GET /stream` (never changed, so shared). */
const PATTERN = (() => {
  const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789\n";
  const bytes = new Uint8Array(64 * 1024);
  for (let i = 0; i < bytes.length; i++) bytes[i] = alphabet.charCodeAt(i % alphabet.length);
  return bytes;
})();

const TEXT = { "Content-Type": "text/plain; charset=utf-8" };

/** The demo's routes. `runtimeName` only appears in the greeting. */
export function createApp(runtimeName: string): Handler {
  const greeting = `Hello from @sansio/http1 on ${runtimeName}!\nTry: POST /echo, GET /stream?bytes=N\n`;
  return async (request, response) => {
    const query = request.target.indexOf("?");
    const path = query < 0 ? request.target : request.target.slice(0, query);
    switch (path) {
      case "/":
        if (request.method !== "GET" && request.method !== "HEAD") {
          response.respond(405, { Allow: "GET, HEAD", ...TEXT }, "Method Not Allowed\n");
          return;
        }
        response.respond(200, TEXT, greeting);
        return;
      case "/echo": {
        if (request.method !== "POST") {
          response.respond(405, { Allow: "POST", ...TEXT }, "Method Not Allowed\n");
          return;
        }
        // Streams the body back as it arrives: constant memory whatever its size. With a
        // Content-Length in, the same Content-Length goes out; a chunked upload is echoed chunked.
        const length = request.body.length;
        const type = request.header("content-type") ?? "application/octet-stream";
        const headers: Record<string, string> = { "Content-Type": type };
        if (length !== null) headers["Content-Length"] = String(length);
        response.respond(200, headers, request.body);
        return;
      }
      case "/stream": {
        if (request.method !== "GET") {
          response.respond(405, { Allow: "GET", ...TEXT }, "Method Not Allowed\n");
          return;
        }
        const params = new URLSearchParams(query < 0 ? "" : request.target.slice(query + 1));
        const bytes = Number(params.get("bytes") ?? "0");
        if (!Number.isSafeInteger(bytes) || bytes < 0 || bytes > MAX_STREAM_BYTES) {
          response.respond(400, TEXT, `bytes must be an integer from 0 to ${MAX_STREAM_BYTES}\n`);
          return;
        }
        response.writeHead(200, { "Content-Type": "application/octet-stream" });
        let left = bytes;
        while (left > 0) {
          const size = Math.min(left, PATTERN.length);
          // `await` is the backpressure: it waits while the client is slower than us.
          await response.write(size === PATTERN.length ? PATTERN : PATTERN.subarray(0, size));
          left -= size;
        }
        response.end();
        return;
      }
      default:
        response.respond(404, TEXT, "Not Found\n");
    }
  };
}

/** Where to listen, and how. */
export interface ServeOptions {
  readonly host: string;
  readonly port: number;
  /** No access log. */
  readonly quiet: boolean;
  /** HTTP/1.1 timeouts in ms (`undefined`: @sansio/http1's defaults). */
  readonly timeouts: Pick<ServerOptions, "keepAliveTimeout" | "headersTimeout" | "requestTimeout">;
}

const TIMEOUT_FLAGS = {
  "--keep-alive-timeout": "keepAliveTimeout",
  "--headers-timeout": "headersTimeout",
  "--request-timeout": "requestTimeout",
} as const;

/**
 * Parses `--host HOST --port PORT` (also `--host=HOST`), `--quiet`, and `--keep-alive-timeout MS`,
 * `--headers-timeout MS`, `--request-timeout MS`; defaults 127.0.0.1, 8080, an access log, and
 * @sansio/http1's timeouts.
 */
export function parseServeArgs(args: readonly string[]): ServeOptions {
  let host = "127.0.0.1";
  let port = 8080;
  let quiet = false;
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
    else if (flag in TIMEOUT_FLAGS) {
      const text = value();
      if (!/^\d+$/.test(text)) throw new Error(`${flag} must be a number of milliseconds (0 disables), got ${text}`);
      timeouts[TIMEOUT_FLAGS[flag as keyof typeof TIMEOUT_FLAGS]] = Number(text);
    } else throw new Error(`unknown argument ${arg}`);
  }
  return { host, port, quiet, timeouts };
}

function showAddress(address: Address | undefined): string {
  if (address === undefined) return "-";
  return address.transport === "tcp" ? address.hostname : address.path;
}

/**
 * One access-log line per response, from the response observer: time, client address, request line
 * and status (`"-"` for a request whose head was malformed or timed out).
 */
export function accessLogLine(head: ObservedResponseHead, request: IncomingRequest | undefined, now: Date): string {
  const line = request ? `${request.method} ${request.target} ${request.version}` : "-";
  return `${now.toISOString()} ${showAddress(request?.session?.remote)} "${line}" ${head.status}`;
}

/** Errors that only mean a client went away or idled out: not worth a log line. */
function isDisconnect(error: unknown): boolean {
  return (
    error instanceof ConnectionClosedError || error instanceof ConnectionLostError || error instanceof TimeoutError
  );
}

/**
 * Serves the demo app on `runtime` and prints `listening on http://HOST:PORT` (the real port).
 * The caller closes the returned listener on SIGINT/SIGTERM.
 */
export async function serve(runtime: Runtime, runtimeName: string, args: readonly string[]): Promise<Listener> {
  const { host, port, quiet, timeouts } = parseServeArgs(args);
  const accept = http1Server(createApp(runtimeName), {
    ...timeouts,
    onResponseHead: quiet ? undefined : (head, request) => console.log(accessLogLine(head, request, new Date())),
    onError: (error, request) => {
      if (!isDisconnect(error) && !(error instanceof HttpParseError)) {
        console.error(`error${request ? ` in ${request.method} ${request.target}` : ""}:`, error);
      }
    },
  });
  // idleTimeout releases sockets of clients that stop talking (and lingering closes).
  const listener = await runtime.listen({ hostname: host, port, idleTimeout: 60_000 }, accept);
  const address = listener.address;
  const shown =
    address.transport === "tcp"
      ? `http://${address.hostname.includes(":") ? `[${address.hostname}]` : address.hostname}:${address.port}`
      : address.path;
  console.log(`listening on ${shown}`);
  return listener;
}
