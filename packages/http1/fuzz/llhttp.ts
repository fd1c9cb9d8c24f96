// Node's own HTTP parser (llhttp), driven the way node:http drives it, in memory: the same
// `HTTPParser` binding `_http_server.js` and `_http_client.js` use, initialised with the same
// arguments (default header size limit, no lenient flags), plus the checks node:http makes in
// JavaScript before a request reaches a handler (Host on HTTP/1.1, Expect). The real-socket test
// (test/differential-socket.test.ts) keeps this model honest against a real node:http server.
import { createRequire } from "node:module";
import { latin1Text, type Message, type Outcome, upToClose } from "./outcome.js";

/** The parts of node's internal `HTTPParser` binding used here (Node 24). */
interface Parser {
  initialize(kind: number, resource: object, maxHeaderSize: number, lenientFlags: number): void;
  execute(data: Uint8Array): number | (Error & { code: string; reason: string });
  finish(): undefined | (Error & { code: string; reason: string });
  close(): void;
  [key: number]: unknown;
}

interface ParserClass {
  new (): Parser;
  readonly REQUEST: number;
  readonly RESPONSE: number;
  readonly kOnHeaders: number;
  readonly kOnHeadersComplete: number;
  readonly kOnBody: number;
  readonly kOnMessageComplete: number;
  readonly kOnExecute: number;
  readonly kLenientNone: number;
}

const common = createRequire(import.meta.url)("node:_http_common") as {
  HTTPParser: ParserClass;
  methods: string[];
  continueExpression: RegExp;
};
const { HTTPParser, methods, continueExpression } = common;

/** node:http's server answers 400 to an HTTP/1.1 request without Host and 417 to an Expect it does not know. */
function serverRefuses(major: number, minor: number, headers: readonly string[]): string | null {
  if (major !== 1 || minor !== 1) return null;
  let host = false;
  let expect: string | undefined;
  for (let i = 0; i < headers.length; i += 2) {
    const name = (headers[i] as string).toLowerCase();
    if (name === "host") host = true;
    // node keeps the first Expect (it is not a list header for IncomingMessage.headers).
    else if (name === "expect" && expect === undefined) expect = headers[i + 1] as string;
  }
  if (!host) return "node:http: no Host (400)";
  if (expect !== undefined && !continueExpression.test(expect)) return "node:http: unknown Expect (417)";
  return null;
}

/**
 * Parses `input` as the requests node:http's server would read from one connection whose peer then
 * ends its side: every byte, then the end of input (`parser.finish()`, as on the socket's `end`).
 */
export function llhttpRequests(input: Uint8Array): Outcome {
  return run(HTTPParser.REQUEST, input);
}

/**
 * Parses `input` as the responses node:http's client parser would read, then the end of input:
 * `answering[k]` is the method of the request the k-th final response answers (GET when absent).
 */
export function llhttpResponses(input: Uint8Array, answering: readonly string[] = []): Outcome {
  return run(HTTPParser.RESPONSE, input, answering);
}

function run(kind: number, input: Uint8Array, answering: readonly string[] = []): Outcome {
  const parser = new HTTPParser();
  parser.initialize(kind, {}, 0, HTTPParser.kLenientNone);
  const messages: Message[] = [];
  let start = "";
  let keepAlive = true;
  let body: Uint8Array[] = [];
  let headers: string[] = [];
  /** node:http collects a long URL and header lines flushed early from kOnHeaders (as parserOnHeaders does). */
  let flushedUrl = "";
  let refused: string | null = null;
  let upgrade = false;
  let inMessage = false;
  /** Final responses seen so far: the index of the request the next one answers. */
  let finals = 0;
  parser[HTTPParser.kOnHeaders] = (more: string[], url: string) => {
    headers = headers.concat(more);
    flushedUrl += url;
  };
  parser[HTTPParser.kOnHeadersComplete] = (
    major: number,
    minor: number,
    fields: string[] | undefined,
    method: number | undefined,
    url: string | undefined,
    status: number | undefined,
    _reason: string | undefined,
    isUpgrade: boolean,
    shouldKeepAlive: boolean,
  ) => {
    headers = fields ? headers.concat(fields) : headers;
    if (!url) url = flushedUrl;
    flushedUrl = "";
    inMessage = true;
    body = [];
    keepAlive = shouldKeepAlive;
    if (kind === HTTPParser.REQUEST) {
      start = `${methods[method as number]} ${url ?? ""}`;
      refused ??= serverRefuses(major, minor, headers);
      if (isUpgrade) upgrade = true;
    } else {
      start = String(status);
      if (isUpgrade) upgrade = true;
      // node's client skips the body of a 1xx (100 to 199: statusIsInformational) and does not count
      // it as the response.
      if ((status as number) >= 100 && (status as number) < 200) {
        inMessage = false;
        headers = [];
        return 1;
      }
      // ...and of the answer to HEAD (parserOnIncomingClient returns 1: skip the body).
      if (answering[finals++] === "HEAD") {
        headers = [];
        return 1;
      }
    }
    headers = [];
    return 0;
  };
  parser[HTTPParser.kOnBody] = (chunk: Uint8Array) => {
    if (inMessage) body.push(Uint8Array.from(chunk));
  };
  parser[HTTPParser.kOnMessageComplete] = () => {
    // Trailer lines flushed through kOnHeaders belong to this message (parserOnMessageComplete).
    headers = [];
    flushedUrl = "";
    if (!inMessage) return;
    inMessage = false;
    if (refused === null && !upgrade) messages.push({ start, body: body.map(latin1Text).join(""), keepAlive });
  };
  parser[HTTPParser.kOnExecute] = () => {};
  let end: Outcome["end"] = "ok";
  let reason = "";
  const result = parser.execute(input);
  if (typeof result !== "number") {
    end = "rejected";
    reason = `${result.code}: ${result.reason}`;
  } else if (!upgrade) {
    const finished = parser.finish();
    if (finished !== undefined) {
      end = finished.code === "HPE_INVALID_EOF_STATE" ? "incomplete" : "rejected";
      reason = `${finished.code}: ${finished.reason}`;
    }
  }
  parser.close();
  if (upgrade) return { messages, end: "skipped", reason: "an upgrade (not compared)" };
  const kept = upToClose(messages);
  if (refused !== null && kept.length === messages.length) return { messages: kept, end: "rejected", reason: refused };
  // Data after a message that closes the connection is never read by node:http.
  if (kept.length < messages.length || (end !== "ok" && reason.startsWith("HPE_CLOSED_CONNECTION"))) {
    return { messages: kept, end: "ok", reason: "" };
  }
  if (kept.length > 0 && !(kept[kept.length - 1] as Message).keepAlive && end !== "ok") {
    return { messages: kept, end: "ok", reason: "" };
  }
  return { messages: kept, end, reason };
}
