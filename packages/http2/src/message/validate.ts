/**
 * HTTP semantics on HTTP/2 header lists (RFC 9113 §8.2, §8.3): pure checks that turn a decoded list
 * into a request or response head, or say why the message is malformed (a stream error PROTOCOL_ERROR).
 */

/** Connection-specific fields HTTP/2 forbids (RFC 9113 §8.2.2). */
const CONNECTION_SPECIFIC = new Set(["connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade"]);

/** A request head from HEADERS. */
export interface RequestHead {
  readonly method: string;
  readonly scheme: string;
  readonly authority: string;
  readonly path: string;
  /** The regular fields, flat, in order (pseudo-header fields removed). */
  readonly headers: string[];
  /** The content-length value, or null. */
  readonly contentLength: number | null;
}

/** A response head from HEADERS. */
export interface ResponseHead {
  readonly status: number;
  readonly headers: string[];
  readonly contentLength: number | null;
}

/** Why a header list is malformed. */
export interface Malformed {
  readonly malformed: string;
}

/** Checks a request's header list (RFC 9113 §8.3.1). */
export function parseRequestHead(list: readonly string[]): RequestHead | Malformed {
  let method: string | undefined;
  let scheme: string | undefined;
  let authority: string | undefined;
  let path: string | undefined;
  const split = splitFields(list, (name, value) => {
    switch (name) {
      case ":method":
        if (method !== undefined) return "duplicate :method";
        method = value;
        return null;
      case ":scheme":
        if (scheme !== undefined) return "duplicate :scheme";
        scheme = value;
        return null;
      case ":authority":
        if (authority !== undefined) return "duplicate :authority";
        authority = value;
        return null;
      case ":path":
        if (path !== undefined) return "duplicate :path";
        path = value;
        return null;
      default:
        return `pseudo-header ${name} in a request`;
    }
  });
  if ("malformed" in split) return split;
  if (method === undefined) return { malformed: "missing :method" };
  if (method === "CONNECT") {
    if (authority === undefined || scheme !== undefined || path !== undefined) {
      return { malformed: "CONNECT needs :authority and no :scheme or :path" };
    }
    return { method, scheme: "", authority, path: "", headers: split.headers, contentLength: split.contentLength };
  }
  if (scheme === undefined) return { malformed: "missing :scheme" };
  if (path === undefined || path === "") return { malformed: "missing or empty :path" };
  const host = authority ?? headerValue(split.headers, "host") ?? "";
  return { method, scheme, authority: host, path, headers: split.headers, contentLength: split.contentLength };
}

/** Checks a response's header list (RFC 9113 §8.3.2). */
export function parseResponseHead(list: readonly string[]): ResponseHead | Malformed {
  let status: string | undefined;
  const split = splitFields(list, (name, value) => {
    if (name !== ":status") return `pseudo-header ${name} in a response`;
    if (status !== undefined) return "duplicate :status";
    status = value;
    return null;
  });
  if ("malformed" in split) return split;
  if (status === undefined || !/^[1-9][0-9]{2}$/.test(status))
    return { malformed: `bad :status ${status ?? "(none)"}` };
  return { status: Number(status), headers: split.headers, contentLength: split.contentLength };
}

/** Checks a trailer section: no pseudo-header fields (RFC 9113 §8.1). */
export function parseTrailers(list: readonly string[]): string[] | Malformed {
  const split = splitFields(list, (name) => `pseudo-header ${name} in trailers`);
  return "malformed" in split ? split : split.headers;
}

/**
 * Splits a list into pseudo-header fields (given to `pseudo`, which returns an error or null) and regular
 * ones, checking what applies to both: lower-case names, pseudo-header fields first, no
 * connection-specific fields, `te` only "trailers", one content-length.
 */
function splitFields(
  list: readonly string[],
  pseudo: (name: string, value: string) => string | null,
): { headers: string[]; contentLength: number | null } | Malformed {
  const headers: string[] = [];
  let contentLength: number | null = null;
  let regularSeen = false;
  for (let i = 0; i + 1 < list.length; i += 2) {
    const name = list[i] as string;
    const value = list[i + 1] as string;
    const badName = checkName(name);
    if (badName !== null) return { malformed: badName };
    if (!validValue(value)) return { malformed: `invalid value of ${name}` };
    if (name.charCodeAt(0) === 0x3a) {
      if (regularSeen) return { malformed: `pseudo-header ${name} after a regular field` };
      const error = pseudo(name, value);
      if (error !== null) return { malformed: error };
      continue;
    }
    regularSeen = true;
    if (CONNECTION_SPECIFIC.has(name)) return { malformed: `connection-specific field ${name}` };
    if (name === "te" && value !== "trailers") return { malformed: `te: ${value}` };
    if (name === "content-length") {
      if (!/^[0-9]{1,15}$/.test(value)) return { malformed: `content-length: ${value}` };
      const length = Number(value);
      if (contentLength !== null && contentLength !== length) return { malformed: "conflicting content-length" };
      contentLength = length;
    }
    headers.push(name, value);
  }
  return { headers, contentLength };
}

/** A field name must be a non-empty token in lower case (RFC 9113 §8.2.1); ":" starts pseudo-headers. */
function checkName(name: string): string | null {
  if (name.length === 0) return "empty field name";
  for (let i = name.charCodeAt(0) === 0x3a ? 1 : 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c >= 0x41 && c <= 0x5a) return `upper-case field name ${name}`;
    if (c <= 0x20 || c >= 0x7f || c === 0x3a) return `invalid field name ${JSON.stringify(name)}`;
  }
  return null;
}

/** No NUL, CR or LF, and no leading or trailing space or tab (RFC 9113 §8.2.1). */
function validValue(value: string): boolean {
  const n = value.length;
  if (n === 0) return true;
  const first = value.charCodeAt(0);
  const last = value.charCodeAt(n - 1);
  if (first === 0x20 || first === 0x09 || last === 0x20 || last === 0x09) return false;
  for (let i = 0; i < n; i++) {
    const c = value.charCodeAt(i);
    if (c === 0x00 || c === 0x0a || c === 0x0d) return false;
  }
  return true;
}

function headerValue(headers: readonly string[], name: string): string | undefined {
  for (let i = 0; i < headers.length; i += 2) if (headers[i] === name) return headers[i + 1];
  return undefined;
}

/**
 * Turns headers given by an application into a field list to send: names lower-cased,
 * connection-specific fields dropped (RFC 9113 §8.2.2), values as strings.
 */
export function outgoingFields(headers: readonly string[], into: string[]): string[] {
  for (let i = 0; i + 1 < headers.length; i += 2) {
    const name = (headers[i] as string).toLowerCase();
    if (CONNECTION_SPECIFIC.has(name) || name === "host") continue;
    into.push(name, headers[i + 1] as string);
  }
  return into;
}
