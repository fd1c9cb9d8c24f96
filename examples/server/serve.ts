// Serves the demo on one port: HTTP/1.1, h2c by prior knowledge and h2c by upgrade (plain TCP), or
// HTTP/2 and HTTP/1.1 by ALPN (--tls); WebSocket at /ws over HTTP/1.1; an access log for all of it.

import { HttpParseError, http1Server } from "@sansio/http1";
import { http2Server, type UpgradeOptions, upgradeToHttp2 } from "@sansio/http2";
import {
  ConnectionClosedError,
  ConnectionLostError,
  type Listener,
  type Runtime,
  TimeoutError,
} from "@sansio/runtime-api";
import { logResponseHead } from "./access-log.ts";
import { createApp } from "./app.ts";
import { parseServeArgs } from "./args.ts";
import { type DemoCertificate, makeDemoCertificate } from "./tls.ts";
import { echoWebSocket } from "./websocket.ts";

/** Errors that only mean a client went away, idled out or sent a malformed request: not worth a log line. */
function isRoutine(error: unknown): boolean {
  return (
    error instanceof ConnectionClosedError ||
    error instanceof ConnectionLostError ||
    error instanceof TimeoutError ||
    error instanceof HttpParseError
  );
}

function logError(error: unknown, request: { method: string; target: string } | undefined): void {
  if (!isRoutine(error)) console.error(`error${request ? ` in ${request.method} ${request.target}` : ""}:`, error);
}

/** What a client needs to trust the generated certificate (printed before the `listening on` line). */
function describeCertificate(certificate: DemoCertificate, caOut: string | undefined, port: number): string {
  return [
    "TLS certificate for localhost, 127.0.0.1 and ::1, made now by a throwaway CA",
    `  SHA-256 fingerprint ${certificate.fingerprint}`,
    caOut === undefined
      ? "  (give --ca-out FILE to save the CA certificate for clients to trust, or let them skip the check: curl -k)"
      : `  CA certificate saved to ${caOut}: curl --cacert ${caOut} https://localhost:${port}/`,
  ].join("\n");
}

/**
 * Serves the demo app on `runtime` and prints `listening on http://HOST:PORT` (`https://` with
 * `--tls`; the real port). The caller closes the returned listener on SIGINT/SIGTERM.
 */
export async function serve(runtime: Runtime, runtimeName: string, args: readonly string[]): Promise<Listener> {
  const { host, port, quiet, tls, timeouts } = parseServeArgs(args);
  const app = createApp(runtimeName);
  // Both protocols tell the access log about every response head, the error responses their
  // connections write themselves (400, 408, 431...) included.
  const logHead = quiet ? undefined : logResponseHead;
  // The h2c upgrade reads the request body into memory before switching: a body over 64 KiB (or a
  // chunked one growing past it) is answered over HTTP/1.1 instead, as RFC 7540 §3.2 allows.
  const h2Options: UpgradeOptions = { onError: logError, onResponseHead: logHead, maxUpgradeBodySize: 64 * 1024 };
  const accept = http2Server(app, {
    ...h2Options,
    http1: http1Server(
      async (request, response) => {
        if (request.target === "/ws" || request.target.startsWith("/ws?")) return echoWebSocket(request, response);
        if (await upgradeToHttp2(request, response, app, h2Options)) return;
        return app(request, response);
      },
      {
        ...timeouts,
        onResponseHead: logHead,
        onError: logError,
      },
    ),
  });
  // idleTimeout releases sockets of clients that stop talking (and lingering closes).
  const listen = { hostname: host, port, idleTimeout: 60_000 };
  const certificate = tls.kind === "generated" ? await makeDemoCertificate(tls.caOut) : undefined;
  const listener = await runtime.listen(
    certificate === undefined
      ? listen
      : { ...listen, tls: { cert: certificate.cert, key: certificate.key, alpnProtocols: ["h2", "http/1.1"] } },
    accept,
  );
  const address = listener.address;
  if (certificate !== undefined && tls.kind === "generated") {
    console.log(describeCertificate(certificate, tls.caOut, address.transport === "tcp" ? address.port : 0));
  }
  const scheme = certificate === undefined ? "http" : "https";
  const shown =
    address.transport === "tcp"
      ? `${scheme}://${address.hostname.includes(":") ? `[${address.hostname}]` : address.hostname}:${address.port}`
      : address.path;
  console.log(`listening on ${shown}`);
  return listener;
}
