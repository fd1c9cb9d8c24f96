// The demo app: one set of routes, served by @sansio/http1 and @sansio/http2 alike on any sansio
// runtime adapter (serve.ts wires it up; node.ts, deno.ts and bun.ts differ only in the adapter).

import type { Body, ResponseWriter } from "@sansio/http1";
import type { Session } from "@sansio/runtime-api";
import { WS_PAGE } from "./websocket.ts";

/**
 * What the routes read of a request: the part @sansio/http1's `IncomingRequest` and @sansio/http2's
 * `Http2Request` share, so one handler serves both protocols without adapting either.
 */
export interface DemoRequest {
  /** `"HTTP/1.1"`, `"HTTP/1.0"` or `"HTTP/2"`. */
  readonly version: string;
  readonly method: string;
  readonly target: string;
  readonly body: Body;
  readonly session: Session | undefined;
  header(name: string): string | undefined;
}

/** What the routes use of a response writer: the part both protocols' writers share. */
export type DemoResponse = Pick<ResponseWriter, "headersSent" | "aborted" | "respond" | "writeHead" | "write" | "end">;

/** A handler both `http1Server` and `http2Server` take as it is. */
export type DemoHandler = (request: DemoRequest, response: DemoResponse) => void | Promise<void>;

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

/** The package that speaks `version`, for the greeting. */
function packageOf(version: string): string {
  return version === "HTTP/2" ? "@sansio/http2" : "@sansio/http1";
}

/**
 * The demo's routes. `runtimeName` only appears in the greeting. `GET /ws` is the WebSocket echo, which
 * serve.ts answers before these routes over HTTP/1.1; here (HTTP/2) it can only say so.
 */
export function createApp(runtimeName: string): DemoHandler {
  return async (request, response) => {
    const query = request.target.indexOf("?");
    const path = query < 0 ? request.target : request.target.slice(0, query);
    switch (path) {
      case "/":
        if (request.method !== "GET" && request.method !== "HEAD") {
          response.respond(405, { Allow: "GET, HEAD", ...TEXT }, "Method Not Allowed\n");
          return;
        }
        response.respond(
          200,
          TEXT,
          `Hello from ${packageOf(request.version)} on ${runtimeName} (${request.version})!\n` +
            "Try: POST /echo, GET /stream?bytes=N, /ws.html\n",
        );
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
      case "/ws.html":
        response.respond(200, { "Content-Type": "text/html; charset=utf-8" }, WS_PAGE);
        return;
      case "/ws":
        response.respond(426, TEXT, "/ws is a WebSocket echo: connect with ws:// (HTTP/1.1), e.g. from /ws.html\n");
        return;
      default:
        response.respond(404, TEXT, "Not Found\n");
    }
  };
}
