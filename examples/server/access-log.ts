// The demo's access log: one line per response, whichever protocol carried it.

import type { Address } from "@sansio/runtime-api";
import type { DemoHandler, DemoRequest, DemoResponse } from "./app.ts";

/** What a log line shows of a request. */
type LoggedRequest = Pick<DemoRequest, "method" | "target" | "version" | "session">;

function showAddress(address: Address | undefined): string {
  if (address === undefined) return "-";
  return address.transport === "tcp" ? address.hostname : address.path;
}

/**
 * One access-log line: time, client address, request line and status (`"-"` for a request whose head
 * was malformed or timed out), e.g. `2026-12-01T13:58:02.123Z 127.0.0.1 "GET / HTTP/2" 200`.
 */
export function accessLogLine(status: number, request: LoggedRequest | undefined, now: Date): string {
  const line = request ? `${request.method} ${request.target} ${request.version}` : "-";
  return `${now.toISOString()} ${showAddress(request?.session?.remote)} "${line}" ${status}`;
}

/** Prints the access-log line of a response head (an `onResponseHead` of both servers). */
export function logResponseHead(head: { readonly status: number }, request: LoggedRequest | undefined): void {
  console.log(accessLogLine(head.status, request, new Date()));
}

/**
 * `handler`, telling `log` the status of each response as its head is queued. No longer used by the
 * demo (both servers' `onResponseHead` does it, and sees the connections' own error responses too);
 * kept only while packages/http1/test/demo-units.test.ts still tests it.
 */
export function observeResponses(
  handler: DemoHandler,
  log: (status: number, request: DemoRequest) => void,
): DemoHandler {
  return async (request, response) => {
    const once = (status: number, send: () => void): void => {
      const before = response.headersSent;
      send();
      if (!before && response.headersSent) log(status, request);
    };
    const observed: DemoResponse = {
      get headersSent() {
        return response.headersSent;
      },
      get aborted() {
        return response.aborted;
      },
      respond: (status, headers, body) => once(status, () => response.respond(status, headers, body)),
      writeHead: (status, headers) => once(status, () => response.writeHead(status, headers)),
      write: (chunk) => {
        let written: Promise<void> = Promise.resolve();
        once(200, () => {
          written = response.write(chunk);
        });
        return written;
      },
      end: (chunk) => once(200, () => response.end(chunk)),
    };
    try {
      await handler(request, observed);
    } catch (error) {
      if (!response.headersSent && !response.aborted) log(500, request);
      throw error;
    }
  };
}
