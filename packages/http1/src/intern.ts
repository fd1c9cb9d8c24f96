import { bytesEqual, latin1 } from "./chars.js";

/**
 * Common header names and methods, so parsing them returns a shared string instead of allocating one.
 * Names are matched exactly (headers keep the case they were sent in), so both the canonical and the
 * lower-case spelling of each name are listed.
 */
const COMMON_NAMES = [
  "Host",
  "User-Agent",
  "Accept",
  "Accept-Encoding",
  "Accept-Language",
  "Accept-Ranges",
  "Connection",
  "Keep-Alive",
  "Content-Type",
  "Content-Length",
  "Content-Encoding",
  "Transfer-Encoding",
  "Cookie",
  "Set-Cookie",
  "Referer",
  "Origin",
  "Authorization",
  "Cache-Control",
  "Pragma",
  "Upgrade",
  "Expect",
  "Date",
  "Server",
  "ETag",
  "Last-Modified",
  "Location",
  "Vary",
  "If-None-Match",
  "If-Modified-Since",
  "X-Forwarded-For",
  "X-Forwarded-Proto",
  "X-Requested-With",
  "Sec-Fetch-Mode",
  "Sec-Fetch-Site",
  "Sec-Fetch-Dest",
  "Sec-WebSocket-Key",
  "Sec-WebSocket-Version",
  "Upgrade-Insecure-Requests",
  "Priority",
  "TE",
  "Trailer",
];

const METHODS = ["GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH", "CONNECT", "TRACE"];

function byLength(words: readonly string[]): string[][] {
  const table: string[][] = [];
  for (const word of words) {
    while (table.length <= word.length) table.push([]);
    (table[word.length] as string[]).push(word);
  }
  return table;
}

const NAMES_BY_LENGTH = byLength([...COMMON_NAMES, ...COMMON_NAMES.map((name) => name.toLowerCase())]);
const METHODS_BY_LENGTH = byLength(METHODS);

function lookup(table: string[][], bytes: Uint8Array, start: number, end: number): string {
  const candidates = table[end - start];
  if (candidates !== undefined) {
    const first = bytes[start];
    for (let i = 0; i < candidates.length; i++) {
      const word = candidates[i] as string;
      if (word.charCodeAt(0) === first && bytesEqual(bytes, start, end, word)) return word;
    }
  }
  return latin1(bytes, start, end, true);
}

/** The header name in `bytes[start..end)` (already checked to be a token), shared when it is a common one. */
export function internName(bytes: Uint8Array, start: number, end: number): string {
  return lookup(NAMES_BY_LENGTH, bytes, start, end);
}

/** The method in `bytes[start..end)` (already checked to be a token), shared when it is a standard one. */
export function internMethod(bytes: Uint8Array, start: number, end: number): string {
  return lookup(METHODS_BY_LENGTH, bytes, start, end);
}
