// The seeded generator: valid HTTP/1.1 messages, mutated where request smuggling and response
// splitting live. Case `index` of seed `seed` is always the same bytes, so any finding is replayed
// from two numbers. Every mutation applied is named in the case's tags (the disagreement classes).
import { SeededRandom } from "@sansio/runtime-api/testing";

/** One generated input: the bytes, what was done to them, and (for responses) how many requests they answer. */
export interface FuzzCase {
  readonly seed: number;
  readonly index: number;
  readonly bytes: Uint8Array;
  /** The mutations applied, e.g. `cl:+n`, `chunk-size:0x`, `eol:LF@field`. Sorted, without repeats. */
  readonly tags: readonly string[];
  /** The number of messages the case was built from (the client sends one request more than this). */
  readonly messages: number;
  /** Responses only: the method of the request each final response answers (GET or HEAD), in order. */
  readonly methods: readonly string[];
}

/** A piece of a message and the name of where it is (for the tags of mutations at its edges). */
interface Token {
  text: string;
  where: string;
}

/** Helpers for one case's choices, all from its own seeded generator. */
class Chooser {
  readonly rng: SeededRandom;
  readonly tags = new Set<string>();
  /** How likely mutations are in this case: most cases get few, so each finding has a clear cause. */
  readonly intensity: number;
  constructor(seed: number, index: number) {
    this.rng = new SeededRandom((Math.imul(seed, 0x9e3779b1) ^ Math.imul(index + 1, 0x85ebca6b)) >>> 0);
    this.intensity = this.pick([0.25, 0.5, 1, 1.5]);
  }
  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.rng.next() < p;
  }
  pick<T>(list: readonly T[]): T {
    return list[this.rng.int(0, list.length - 1)] as T;
  }
  /** The usual form most of the time; otherwise a mutated one, tagged `family:name`. */
  form(family: string, usual: string, p: number, variants: readonly (readonly [string, string])[]): string {
    if (!this.chance(p * this.intensity)) return usual;
    const [name, text] = this.pick(variants);
    this.tags.add(`${family}:${name}`);
    return text;
  }
}

/** A line end: CRLF, or (rarely) one of the endings parsers disagree on. */
function eol(c: Chooser, where: string, p = 0.02): string {
  return c.form(`eol@${where}`, "\r\n", p, [
    ["LF", "\n"],
    ["CR", "\r"],
    ["CRCRLF", "\r\r\n"],
    ["SP-CRLF", " \r\n"],
    ["HTAB-CRLF", "\t\r\n"],
    ["LFCR", "\n\r"],
  ]);
}

const BODIES = [
  "hello",
  "x",
  "0123456789abcdef",
  "GET /smuggled HTTP/1.1\r\nHost: a\r\n\r\n",
  "0\r\n\r\n",
  "5\r\nhello\r\n0\r\n\r\n",
  "\r\n",
];

/** Content-Length forms: `n` is the body's real length. */
function contentLengthValue(c: Chooser, n: number): string {
  return c.form("cl", String(n), 0.35, [
    ["leading-zero", `0${n}`],
    ["plus", `+${n}`],
    ["minus", `-${n}`],
    ["space-before", ` ${n}`],
    ["space-after", `${n} `],
    ["htab-after", `${n}\t`],
    ["list-same", `${n},${n}`],
    ["list-same-ows", `${n}, ${n}`],
    ["list-differ", `${n},${n + 1}`],
    ["list-empty", `${n},`],
    ["hex", `0x${n.toString(16)}`],
    ["decimal-point", `${n}.0`],
    ["empty", ""],
    ["exponent", `${n}e0`],
    ["huge", "99999999999999999999"],
    ["2^64+n", (18446744073709551616n + BigInt(n)).toString()],
    ["2^53", "9007199254740993"],
    ["two-numbers", `${n} ${n}`],
    ["vtab", `${n}\u000b`],
    ["nul", `${n}\u0000`],
    ["obs-text", `${n}\u00a0`],
  ]);
}

const TE_FORMS: readonly (readonly [string, string])[] = [
  ["Chunked", "Chunked"],
  ["CHUNKED", "CHUNKED"],
  ["space-after", "chunked "],
  ["htab-before", "\tchunked"],
  ["gzip-chunked", "gzip, chunked"],
  ["chunked-gzip", "chunked, gzip"],
  ["identity", "identity"],
  ["identity-chunked", "identity, chunked"],
  ["chunked-chunked", "chunked, chunked"],
  ["chunked-comma", "chunked,"],
  ["comma-chunked", ",chunked"],
  ["param", "chunked;q=1"],
  ["chunk", "chunk"],
  ["vtab", "chunked\u000b"],
  ["quoted", '"chunked"'],
  ["x-chunked", "x-chunked"],
  ["chunked-x", "chunked x"],
  ["nul", "chunked\u0000"],
  ["obs-text", "chunked\u00ff"],
  ["empty", ""],
];

/** A header name: the canonical one, or a mutated form (its tag says which). */
function headerName(c: Chooser, name: string, p: number): string {
  return c.form("name", name, p, [
    ["lower", name.toLowerCase()],
    ["upper", name.toUpperCase()],
    ["space-before-colon", `${name} `],
    ["htab-before-colon", `${name}\t`],
    ["leading-space", ` ${name}`],
    ["underscore", name.replace("-", "_")],
    ["nul", `${name}\u0000`],
    ["del", `${name}\u007f`],
    ["obs-text", `${name}\u00e9`],
    ["at", `${name}@`],
    ["slash", `${name}/`],
    ["quote", `"${name}"`],
    ["vtab", `${name}\u000b`],
    ["prefix-x", `X-${name}`],
  ]);
}

/** One field line as tokens: name, colon, OWS, value, line end. */
function field(c: Chooser, name: string, value: string, p = 0.05): Token[] {
  const ows = c.form("ows", " ", 0.05, [
    ["none", ""],
    ["two", "  "],
    ["htab", "\t"],
    ["vtab", "\u000b"],
    ["ff", "\u000c"],
  ]);
  return [
    { text: headerName(c, name, p), where: "name" },
    { text: ":", where: "colon" },
    { text: ows + value, where: "value" },
    { text: eol(c, "field"), where: "field-end" },
  ];
}

/** A chunk-size line's size: lower hex mostly, or a form parsers disagree on. */
function chunkSize(c: Chooser, n: number): string {
  const hex = n.toString(16);
  return c.form("chunk-size", hex, 0.15, [
    ["upper", hex.toUpperCase()],
    ["leading-zeros", `000${hex}`],
    ["many-zeros", `${"0".repeat(20)}${hex}`],
    ["0x", `0x${hex}`],
    ["plus", `+${hex}`],
    ["minus", `-${hex}`],
    ["space-before", ` ${hex}`],
    ["space-after", `${hex} `],
    ["htab-after", `${hex}\t`],
    ["overflow", `1${"0".repeat(16)}${hex}`],
    ["2^64-wrap", `1${hex.padStart(16, "0")}`],
    ["underscore", `${hex}_`],
    ["empty", ""],
    ["g", `${hex}g`],
  ]);
}

/** Chunk extensions: none mostly, else valid or malformed ones (RFC 9112 §7.1.1). */
function chunkExtension(c: Chooser): string {
  return c.form("ext", "", 0.2, [
    ["name", ";a"],
    ["token", ";a=b"],
    ["quoted", ';a="b c"'],
    ["quoted-escape", ';a="b\\"c"'],
    ["quoted-semicolon", ';a="b;c"'],
    ["two", ";a=b;c"],
    ["bws", " ; a = b"],
    ["htab-bws", "\t;\ta\t=\tb"],
    ["bare-semicolon", ";"],
    ["empty-value", ";a="],
    ["unbalanced", ';a="b'],
    ["trailing-space", ";a=b "],
    ["value-at", ";a=@"],
    ["name-at", ";@"],
    ["nul", ";a\u0000"],
    ["obs-text-token", ";a=\u00e9"],
    ["obs-text-quoted", ';a="\u00e9"'],
    ["ctl-quoted", ';a="\u0001"'],
    ["lf-inside", ";a\nb"],
    ["cr-inside", ";a\rb"],
    ["double-semicolon", ";;a"],
    ["equals-only", ";="],
    ["long", `;a=${"b".repeat(5000)}`],
  ]);
}

/** A chunked body's tokens: data chunks, the last chunk, trailers, the final CRLF. */
function chunkedBody(c: Chooser, body: string): Token[] {
  const tokens: Token[] = [];
  const pieces: string[] = [];
  let rest = body;
  while (rest.length > 0 && pieces.length < 3) {
    const n = pieces.length === 2 ? rest.length : c.rng.int(1, rest.length);
    pieces.push(rest.slice(0, n));
    rest = rest.slice(n);
  }
  for (const piece of pieces) {
    tokens.push({ text: chunkSize(c, piece.length), where: "chunk-size" });
    tokens.push({ text: chunkExtension(c), where: "chunk-ext" });
    tokens.push({ text: eol(c, "chunk-size", 0.04), where: "chunk-size-end" });
    tokens.push({ text: piece, where: "chunk-data" });
    const after = c.form("chunk-data-end", "\r\n", 0.04, [
      ["none", ""],
      ["LF", "\n"],
      ["CR", "\r"],
      ["xx", "xx"],
      ["extra-byte", "z\r\n"],
    ]);
    tokens.push({ text: after, where: "chunk-data-end" });
  }
  const last = c.form("last-chunk", "0", 0.1, [
    ["zeros", "000"],
    ["ext", "0;a=b"],
    ["space", "0 "],
    ["missing", ""],
  ]);
  tokens.push({ text: last, where: "last-chunk" });
  tokens.push({ text: eol(c, "last-chunk", 0.04), where: "last-chunk-end" });
  if (c.chance(0.15)) {
    const trailer = c.pick([
      ["field", "T: v"],
      ["content-length", "Content-Length: 5"],
      ["transfer-encoding", "Transfer-Encoding: chunked"],
      ["no-colon", "bad trailer"],
      ["obs-fold", "T: v\r\n w"],
      ["space-before-colon", "T : v"],
    ] as const);
    c.tags.add(`trailer:${trailer[0]}`);
    tokens.push({ text: trailer[1], where: "trailer" });
    tokens.push({ text: eol(c, "trailer", 0.05), where: "trailer-end" });
  }
  tokens.push({ text: eol(c, "chunked-end", 0.04), where: "chunked-end" });
  return tokens;
}

/** The framing fields of a message with `body` and the body's tokens. */
function framing(c: Chooser, body: string, allowClose: boolean): { fields: Token[]; body: Token[] } {
  const fields: Token[] = [];
  const kind = body === "" && c.chance(0.3) ? "none" : c.pick(["length", "chunked", "chunked", "both"] as const);
  if (kind === "none") {
    // No framing field: a response body then runs to the close; a request has none (so the bytes,
    // when sent anyway, start the next message).
    if (allowClose && body !== "") return { fields, body: [{ text: body, where: "body" }] };
    if (body !== "" && c.chance(0.05)) {
      c.tags.add("framing:none-with-body");
      return { fields, body: [{ text: body, where: "body" }] };
    }
    return { fields, body: [] };
  }
  if (kind === "both") c.tags.add("framing:cl-and-te");
  if (kind === "length" || kind === "both") {
    fields.push(...field(c, "Content-Length", contentLengthValue(c, body.length), 0.1));
    if (c.chance(0.08)) {
      const again = c.pick([String(body.length), String(body.length + 1), "0"]);
      c.tags.add(again === String(body.length) ? "cl:duplicate-same" : "cl:duplicate-differ");
      fields.push(...field(c, "Content-Length", again));
    }
  }
  if (kind === "chunked" || kind === "both") {
    fields.push(...field(c, "Transfer-Encoding", c.form("te", "chunked", 0.3, TE_FORMS), 0.1));
    if (c.chance(0.08)) {
      const again = c.pick(["chunked", "gzip", "identity"]);
      c.tags.add(`te:second-field-${again}`);
      // Before or after the first: "Transfer-Encoding: gzip" then "chunked" is a valid list.
      const second = field(c, "Transfer-Encoding", again);
      if (c.chance(0.5)) fields.push(...second);
      else fields.unshift(...second);
    }
    if (c.chance(0.03)) {
      c.tags.add("te:obs-fold");
      fields.push(...field(c, "Transfer-Encoding", "gzip\r\n chunked"));
    }
  }
  if (kind === "length") return { fields, body: [{ text: body, where: "body" }] };
  return { fields, body: chunkedBody(c, body) };
}

/** Inserts a byte parsers disagree on at a random token edge. */
function insertAtEdge(c: Chooser, tokens: Token[]): void {
  const [name, text] = c.pick([
    ["SP", " "],
    ["HTAB", "\t"],
    ["CR", "\r"],
    ["LF", "\n"],
    ["CRLF", "\r\n"],
    ["NUL", "\u0000"],
    ["VT", "\u000b"],
    ["DEL", "\u007f"],
    ["obs-text", "\u00ff"],
  ] as const);
  const at = c.rng.int(0, tokens.length);
  const where = at < tokens.length ? `before-${(tokens[at] as Token).where}` : "at-end";
  c.tags.add(`insert:${name}@${where}`);
  tokens.splice(at, 0, { text, where: "inserted" });
}

/** A request's tokens: request line, Host and framing fields (in a random order), the body. */
function request(c: Chooser): Token[] {
  const method = c.form("method", c.pick(["GET", "POST", "PUT"]), 0.03, [
    ["lower", "post"],
    ["at", "PO@ST"],
    ["obs-text", "POST\u00e9"],
  ]);
  const target = c.form("target", c.pick(["/", "/a?b=c", "/p/q"]), 0.05, [
    ["asterisk", "*"],
    ["absolute", "http://a/x"],
    ["space", "/a b"],
    ["del", "/a\u007f"],
    ["obs-text", "/\u00e9"],
    ["nul", "/a\u0000"],
  ]);
  const version = c.form("version", "HTTP/1.1", 0.05, [
    ["1.0", "HTTP/1.0"],
    ["1.2", "HTTP/1.2"],
    ["2.0", "HTTP/2.0"],
    ["0.9", "HTTP/0.9"],
    ["lower", "http/1.1"],
    ["leading-zero", "HTTP/01.1"],
    ["no-minor", "HTTP/1"],
  ]);
  const tokens: Token[] = [
    { text: method, where: "method" },
    { text: " ", where: "method-sp" },
    { text: target, where: "target" },
    { text: " ", where: "target-sp" },
    { text: version, where: "version" },
    { text: eol(c, "request-line"), where: "request-line-end" },
  ];
  const fields: Token[][] = [];
  const host = c.form("host", "one", 0.04, [
    ["missing", "missing"],
    ["duplicate", "duplicate"],
    ["empty", "empty"],
  ]);
  if (host !== "missing") fields.push(field(c, "Host", host === "empty" ? "" : "a"));
  if (host === "duplicate") fields.push(field(c, "Host", "b"));
  if (c.chance(0.2)) fields.push(field(c, "X-Fuzz", c.pick(["1", "a b", "\u00e9", "a,b", ""])));
  if (c.chance(0.08)) {
    const value = c.pick(["close", "keep-alive", "Close", "close, x"]);
    c.tags.add(`connection:${value}`);
    fields.push(field(c, "Connection", value));
  }
  if (c.chance(0.03)) {
    const value = c.pick(["100-continue", "100-Continue", "x", "100-continue, x"]);
    c.tags.add(`expect:${value}`);
    fields.push(field(c, "Expect", value));
  }
  if (c.chance(0.02)) {
    c.tags.add("obs-fold:x-fuzz");
    fields.push(field(c, "X-Fuzz", "a\r\n b"));
  }
  const body = method === "GET" && c.chance(0.7) ? "" : c.pick(BODIES);
  const framed = framing(c, body, false);
  // Framing fields go before, between or after the others.
  const all = [...fields, framed.fields];
  for (let i = all.length - 1; i > 0; i--) {
    const j = c.rng.int(0, i);
    [all[i], all[j]] = [all[j] as Token[], all[i] as Token[]];
  }
  for (const f of all) tokens.push(...f);
  tokens.push({ text: eol(c, "head-end"), where: "head-end" });
  tokens.push(...framed.body);
  return tokens;
}

/** A response's tokens: status line, framing fields, the body. */
function response(c: Chooser, last: boolean, head: boolean): Token[] {
  const status = c.form("status", "200", 0.15, [
    ["204", "204"],
    ["304", "304"],
    ["100-first", "100"],
    ["404", "404"],
    ["099", "099"],
    ["1000", "1000"],
    ["20", "20"],
    ["minus", "-20"],
  ]);
  const reason = c.form("reason", " OK", 0.05, [
    ["none", ""],
    ["empty", " "],
    ["htab", "\tOK"],
    ["obs-text", " \u00e9"],
    ["ctl", " O\u0001K"],
  ]);
  const version = c.form("version", "HTTP/1.1", 0.04, [
    ["1.0", "HTTP/1.0"],
    ["1.2", "HTTP/1.2"],
    ["2", "HTTP/2"],
    ["lower", "http/1.1"],
  ]);
  const tokens: Token[] = [];
  if (status === "100") {
    tokens.push({ text: `${version} 100 Continue`, where: "status-line" });
    tokens.push({ text: eol(c, "status-line"), where: "status-line-end" });
    tokens.push({ text: eol(c, "head-end"), where: "head-end" });
  }
  const code = status === "100" ? "200" : status;
  tokens.push({ text: version, where: "version" });
  tokens.push({ text: " ", where: "version-sp" });
  tokens.push({ text: code, where: "status" });
  tokens.push({ text: reason, where: "reason" });
  tokens.push({ text: eol(c, "status-line"), where: "status-line-end" });
  if (c.chance(0.2)) tokens.push(...field(c, "X-Fuzz", c.pick(["1", "a b", "\u00e9"])));
  if (c.chance(0.08)) {
    const value = c.pick(["close", "keep-alive"]);
    c.tags.add(`connection:${value}`);
    tokens.push(...field(c, "Connection", value));
  }
  const body = code === "204" || code === "304" ? (c.chance(0.1) ? "x" : "") : c.pick(BODIES);
  const framed = framing(c, body, last);
  tokens.push(...framed.fields);
  tokens.push({ text: eol(c, "head-end"), where: "head-end" });
  // The answer to HEAD has framing fields but no body (RFC 9110 §9.3.2), unless the server errs.
  if (!head || c.chance(0.1)) tokens.push(...framed.body);
  return tokens;
}

function toBytes(tokens: readonly Token[]): Uint8Array {
  let text = "";
  for (const t of tokens) text += t.text;
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i) & 0xff;
  return out;
}

/** Pipelining, an edge insertion, a truncation: mutations of the whole stream. */
function finish(
  c: Chooser,
  tokens: Token[],
  messages: number,
  index: number,
  seed: number,
  methods: readonly string[] = [],
): FuzzCase {
  if (c.chance(0.12)) insertAtEdge(c, tokens);
  let bytes = toBytes(tokens);
  if (c.chance(0.03)) {
    const at = c.rng.int(0, bytes.length - 1);
    c.tags.add("truncated");
    bytes = bytes.subarray(0, at);
  }
  return { seed, index, bytes, tags: [...c.tags].sort(), messages, methods };
}

/** Request case `index` of `seed`: one to three pipelined requests, maybe after empty lines. */
export function requestCase(seed: number, index: number): FuzzCase {
  const c = new Chooser(seed, index);
  const count = c.pick([1, 1, 2, 3]);
  const tokens: Token[] = [];
  if (c.chance(0.03)) {
    c.tags.add("leading-crlf");
    tokens.push({ text: "\r\n", where: "leading" });
  }
  for (let i = 0; i < count; i++) tokens.push(...request(c));
  return finish(c, tokens, count, index, seed);
}

/**
 * Response case `index` of `seed`: one to three responses in a row, to as many pipelined requests,
 * some of them HEAD (whose response has no body, whatever its framing fields say).
 */
export function responseCase(seed: number, index: number): FuzzCase {
  const c = new Chooser(seed, index);
  const count = c.pick([1, 1, 2, 3]);
  const tokens: Token[] = [];
  const methods: string[] = [];
  for (let i = 0; i < count; i++) {
    const head = c.chance(0.1 * c.intensity);
    if (head) c.tags.add("method:HEAD");
    methods.push(head ? "HEAD" : "GET");
    tokens.push(...response(c, i === count - 1, head));
  }
  return finish(c, tokens, count, index, seed, methods);
}

/** A case's bytes escaped for a report: printable ASCII as is, everything else as `\r`, `\n`, `\xNN`. */
export function escapeBytes(bytes: Uint8Array, max = 400): string {
  let out = "";
  for (let i = 0; i < bytes.length && i < max; i++) {
    const b = bytes[i] as number;
    if (b === 13) out += "\\r";
    else if (b === 10) out += "\\n";
    else if (b === 9) out += "\\t";
    else if (b === 92) out += "\\\\";
    else if (b >= 0x20 && b < 0x7f) out += String.fromCharCode(b);
    else out += `\\x${b.toString(16).padStart(2, "0")}`;
  }
  return bytes.length > max ? `${out}... (${bytes.length} bytes)` : out;
}
