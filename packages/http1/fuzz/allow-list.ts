import type { Allowed, DisagreementKind } from "./compare.js";

/** We refused a message llhttp accepted (the message and all after it, or only the ending). */
const WE_REFUSE: readonly DisagreementKind[] = ["we-accept-fewer", "we-reject-llhttp-accepts"];
/** We accepted a message llhttp refused. */
const WE_ACCEPT: readonly DisagreementKind[] = ["we-accept-more", "we-accept-llhttp-rejects"];

/**
 * Where @sansio/http1 deliberately differs from llhttp (as node:http runs it), each decided by
 * RFC 9110 / RFC 9112. Most are places where we are stricter: a message we refuse cannot be framed
 * two ways. The looser ones (`we-accept-*`) are where the RFC requires or allows the message and the
 * bytes still frame only one way. Anything not listed here fails `npm run fuzz` and the test slice.
 */
export const ALLOWED: readonly Allowed[] = [
  // ---- we are stricter ---------------------------------------------------------------------------
  {
    kinds: WE_REFUSE,
    side: "both",
    ourCodes: ["bad-chunk-extension"],
    reason:
      "chunk extensions follow the RFC 9112 §7.1.1 grammar: a name after every ';', a value after every '='; llhttp accepts ';;a', ';a=' and ';='",
  },
  {
    kinds: WE_REFUSE,
    side: "both",
    ourCodes: ["chunk-extension-too-large"],
    reason:
      "chunk extensions are bounded at 4096 bytes per line by default (maxChunkExtensionBytes); llhttp allows 16 KiB",
  },
  {
    kinds: WE_REFUSE,
    side: "request",
    ourCodes: ["unsupported-transfer-encoding"],
    reason:
      "a request with a transfer coding we do not implement (gzip, identity...) gets 501 (RFC 9112 §6.1); llhttp frames it by its final chunked and leaves the codings to the application",
  },
  {
    kinds: WE_REFUSE,
    side: "both",
    ourCodes: ["bad-transfer-encoding"],
    reason:
      'Transfer-Encoding must be a list of valid codings with no empty element and no trailing tab, chunked at most once and without parameters, and not in an HTTP/1.0 request (RFC 9112 §6.1 calls that faulty framing); llhttp reads several of these (`chunked,` `"chunked"` `chunked;q=1` `chunked<HTAB>`) as not chunked, which in a response means close-delimited: the same bytes framed two ways, so we refuse them',
  },
  {
    kinds: WE_REFUSE,
    side: "request",
    ourCodes: ["unsupported-version"],
    reason: "HTTP/0.9 and HTTP/2.0 request lines get 505 (RFC 9110 §15.6.6); llhttp parses them as HTTP/1.x",
  },
  {
    kinds: WE_REFUSE,
    side: "request",
    ourCodes: ["duplicate-host"],
    reason: "more than one Host field gets 400 (RFC 9112 §3.2: a server MUST); node:http keeps the first",
  },
  {
    kinds: WE_REFUSE,
    side: "request",
    ourCodes: ["bad-expect"],
    reason:
      "an Expect other than exactly 100-continue gets 417 (RFC 9110 §10.1.1); node:http accepts any list that contains 100-continue",
  },
  {
    kinds: WE_REFUSE,
    side: "request",
    ourCodes: ["bad-request-line", "bad-version"],
    tags: [
      "insert:SP@before-method-sp",
      "insert:SP@before-target",
      "insert:SP@before-target-sp",
      "insert:SP@before-version",
    ],
    reason:
      "the request line is method SP target SP version with single spaces (RFC 9112 §3); llhttp skips extra spaces",
  },
  {
    kinds: WE_REFUSE,
    side: "response",
    ourCodes: ["bad-status-line"],
    reason:
      "a status line is version SP 3DIGIT SP reason with a status of 100 to 999 and no control bytes in the reason (RFC 9112 §4); llhttp accepts 099, 1000, a tab before the reason and DEL in it",
  },
  {
    kinds: WE_REFUSE,
    side: "both",
    ourCodes: ["bare-lf", "bare-cr", "bad-status-line"],
    reason:
      "llhttp skips any CR and LF bytes between messages; we skip only empty lines (CRLF) before a request line (RFC 9112 §2.2) and refuse a lone CR or LF, and anything before a status line",
  },
  {
    kinds: WE_REFUSE,
    side: "response",
    ourCodes: ["bad-header"],
    tags: ["trailer:content-length", "trailer:transfer-encoding"],
    reason:
      "Content-Length and Transfer-Encoding in the trailer section are refused: framing is settled by the header section (RFC 9110 §6.5.1), and a recipient that merged them would frame differently; llhttp refuses them in requests but not in responses",
  },
  {
    kinds: WE_REFUSE,
    side: "response",
    ourCodes: ["obs-fold"],
    reason:
      "obs-fold in a response is refused, as a proxy may (RFC 9112 §5.2, 502); a user agent should unfold it, but unfolding was tried and this fuzzer found `X: a CRLF SP Transfer-Encoding: chunked` read as part of X by us and refused by llhttp, while a parser that does not unfold reads a framing field there",
  },
  {
    kinds: WE_REFUSE,
    side: "response",
    allTags: ["status:100-first", "version:1.0"],
    reason:
      "llhttp ends an HTTP/1.0 connection after a 100 Continue (as if it were the final response), so it never reads the malformed response after it; we read on (RFC 9110 §15.2: 1xx are interim)",
  },
  {
    kinds: ["we-accept-more"],
    side: "response",
    allTags: ["status:100-first", "version:1.0"],
    theirErrors: [""],
    reason:
      "llhttp ends an HTTP/1.0 connection after a 100 Continue (as if it were the final response); we read the final response after it (RFC 9110 §15.2: 1xx are interim)",
  },
  {
    kinds: WE_REFUSE,
    side: "both",
    ourCodes: ["bad-content-length"],
    tags: ["cl:huge", "cl:2^64+n", "cl:2^53"],
    reason:
      "a Content-Length of more than 15 digits (at or above 2^53, beyond exact JavaScript numbers) is refused; llhttp accepts up to 2^64-1",
  },
  {
    kinds: [...WE_REFUSE, ...WE_ACCEPT],
    side: "response",
    tags: ["method:HEAD"],
    // llhttp ended the connection after a message that we kept it open after.
    when: (ours, theirs) => theirs.messages.some((m, i) => !m.keepAlive && ours.messages[i]?.keepAlive === true),
    reason:
      "llhttp marks the answer to HEAD as closing the connection when its Transfer-Encoding does not end in chunked (as if a body ran to the close), so node:http reads nothing after it; that answer has no body whatever its fields say (RFC 9112 §6.3), and we read the next response",
  },
  // ---- we accept what llhttp refuses, as the RFC says ----------------------------------------------
  {
    kinds: WE_ACCEPT,
    side: "both",
    theirErrors: ["HPE_INVALID_CONTENT_LENGTH", "HPE_UNEXPECTED_CONTENT_LENGTH"],
    tags: ["cl:list-same", "cl:list-same-ows", "cl:duplicate-same"],
    reason:
      "Content-Length as a list of identical values (`5, 5`, or two fields of 5) is that value (RFC 9110 §8.6 allows it); different values are refused. llhttp refuses both; no parser can read another length from them",
  },
  {
    kinds: WE_ACCEPT,
    side: "both",
    theirErrors: ["HPE_INVALID_CHUNK_SIZE"],
    tags: [
      "ext:bws",
      "ext:htab-bws",
      "chunk-size:space-after",
      "chunk-size:htab-after",
      "insert:SP@before-chunk-ext",
      "insert:HTAB@before-chunk-ext",
    ],
    reason:
      "whitespace between a chunk size and ';' is BWS in the chunk-ext grammar (RFC 9112 §7.1.1), which a recipient MUST parse (RFC 9110 §5.6.3); llhttp refuses it in strict mode. The size ends at the whitespace either way",
  },
  {
    kinds: WE_ACCEPT,
    side: "both",
    theirErrors: ["HPE_INVALID_VERSION"],
    tags: ["version:1.2"],
    reason:
      "HTTP/1.2 is processed as HTTP/1.1, the highest minor version implemented (RFC 9110 §2.5); llhttp refuses it",
  },
  {
    kinds: WE_ACCEPT,
    side: "request",
    theirErrors: ["HPE_INVALID_METHOD"],
    reason:
      "a method is any token, case-sensitive (RFC 9110 §9.1): `post`, or the bytes after a request sent without framing fields (`helloGET`), are methods to us; llhttp knows a fixed list. Every earlier message matched byte for byte, so no body was framed differently",
  },
  {
    kinds: ["we-accept-llhttp-rejects"],
    side: "request",
    tags: ["truncated"],
    reason:
      "the input ends inside a head: llhttp already refuses the complete lines it saw, our server closes without a response; neither delivers the message",
  },
];
