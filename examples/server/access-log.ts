// The demo's access log: one line per response, whichever protocol carried it.

import type { Address } from "@sansio/runtime-api";
import type { DemoRequest } from "./app.ts";

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
