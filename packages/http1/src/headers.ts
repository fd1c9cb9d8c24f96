import { equalsLower } from "./chars.js";

/**
 * Header fields as one flat list of name/value pairs, `[name0, value0, name1, value1, ...]`, in the
 * order received (names keep the case they were sent in) or to be sent. No map is built: most
 * requests are read with a couple of lookups, and a flat array costs one allocation.
 */
export type HeaderList = readonly string[];

/** Headers to send: a flat {@link HeaderList}, or a record (`{ "content-type": "text/plain" }`). */
export type HeadersInit = HeaderList | Readonly<Record<string, string | number>>;

/** The first value of header `name` (any case), or `undefined`. */
export function getHeader(headers: HeaderList, name: string): string | undefined {
  const lower = name.toLowerCase();
  for (let i = 0; i < headers.length; i += 2) {
    if (equalsLower(headers[i] as string, lower)) return headers[i + 1];
  }
  return undefined;
}

/** Every value of header `name` (any case), in order. */
export function getHeaderAll(headers: HeaderList, name: string): string[] {
  const lower = name.toLowerCase();
  const out: string[] = [];
  for (let i = 0; i < headers.length; i += 2) {
    if (equalsLower(headers[i] as string, lower)) out.push(headers[i + 1] as string);
  }
  return out;
}

/** Converts {@link HeadersInit} to a flat list (a flat list is returned as it is). */
export function toHeaderList(init: HeadersInit | undefined): HeaderList {
  if (init === undefined) return EMPTY_HEADERS;
  if (Array.isArray(init)) {
    if (init.length % 2 !== 0) throw new TypeError("a HeaderList must hold name/value pairs (even length)");
    return init as HeaderList;
  }
  const out: string[] = [];
  for (const name of Object.keys(init)) {
    out.push(name, String((init as Readonly<Record<string, string | number>>)[name]));
  }
  return out;
}

/** A shared empty header list. */
export const EMPTY_HEADERS: HeaderList = Object.freeze([]) as HeaderList;

/** True when a comma-separated header value lists `token` (lower case), ignoring case and whitespace. */
export function hasToken(value: string, token: string): boolean {
  if (equalsLower(value, token)) return true;
  let start = 0;
  const n = value.length;
  while (start <= n) {
    let end = value.indexOf(",", start);
    if (end < 0) end = n;
    let a = start;
    let b = end;
    while (a < b && isOws(value.charCodeAt(a))) a++;
    while (b > a && isOws(value.charCodeAt(b - 1))) b--;
    if (b - a === token.length && equalsLower(value.slice(a, b), token)) return true;
    start = end + 1;
  }
  return false;
}

function isOws(c: number): boolean {
  return c === 32 || c === 9;
}
