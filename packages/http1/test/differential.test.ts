// Differential fuzzing in `npm test`: a seeded slice of the cases `npm run fuzz` runs by the million,
// given to @sansio/http1 and to llhttp (node:http's parser). Any disagreement that the allow-list
// (fuzz/allow-list.ts, each entry with its RFC reason) does not cover fails, with the case's bytes.
import { describe, expect, it } from "vitest";
import { requestCase } from "../fuzz/cases.js";
import { compare } from "../fuzz/compare.js";
import { checkCase, findings, formatSummary, runDifferential, type Side } from "../fuzz/differential.js";
import { llhttpRequests, llhttpResponses } from "../fuzz/llhttp.js";
import { ourRequests, ourResponses } from "../fuzz/ours.js";
import { latin1Text } from "../fuzz/outcome.js";

const SEED = 20261201;
const bytes = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0));

describe("differential: @sansio/http1 against llhttp", () => {
  it.each<Side>(["request", "response"])(
    "%s parser: 8,000 seeded cases, no disagreement outside the allow-list",
    async (side) => {
      const summary = await runDifferential({ side, seed: SEED, count: 8000 });
      expect(findings(summary), formatSummary(summary)).toBe(0);
      // The slice reaches messages both accept, messages both refuse, and deliberate differences.
      expect(summary.acceptedByBoth).toBeGreaterThan(1000);
      expect(summary.rejectedByBoth).toBeGreaterThan(1000);
      expect(summary.allowed.size).toBeGreaterThan(5);
    },
  );

  it("both parsers are driven to the end: the same pipelined messages, bodies and ending", async () => {
    const input = bytes(
      "POST /a HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc" +
        "PUT /b HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n2;x=y\r\nde\r\n0\r\nT: 1\r\n\r\n" +
        "GET /c HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\nGET /ignored HTTP/1.1\r\n",
    );
    const expected = [
      { start: "POST /a", body: "abc", keepAlive: true },
      { start: "PUT /b", body: "de", keepAlive: true },
      { start: "GET /c", body: "", keepAlive: false },
    ];
    expect(llhttpRequests(input)).toEqual({ messages: expected, end: "ok", reason: "" });
    expect(await ourRequests(input)).toEqual({ messages: expected, end: "ok", reason: "" });
    const responses = bytes(
      "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi" +
        "HTTP/1.1 404 Not Found\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nx\r\n0\r\n\r\n" +
        "HTTP/1.1 200 OK\r\n\r\nto the end",
    );
    const final = [
      { start: "200", body: "hi", keepAlive: true },
      { start: "404", body: "x", keepAlive: true },
      { start: "200", body: "to the end", keepAlive: false },
    ];
    expect(llhttpResponses(responses)).toEqual({ messages: final, end: "ok", reason: "" });
    expect(await ourResponses(responses, 4)).toEqual({ messages: final, end: "ok", reason: "" });
  });

  it("reports a smuggling-shaped difference: the second side read the body as another request", () => {
    const smuggled = { start: "GET /smuggled", body: "", keepAlive: true };
    const post = { start: "POST /", body: "", keepAlive: true };
    const ours = { messages: [post, smuggled], end: "ok", reason: "" } as const;
    const theirs = { messages: [{ ...post, body: "GET /smuggled HTTP/1.1\r\n\r\n" }], end: "ok", reason: "" } as const;
    expect(compare(ours, theirs).kind).toBe("message-differs");
    expect(compare(ours, { messages: [post], end: "rejected", reason: "HPE_X: y" }).kind).toBe("we-accept-more");
    expect(compare({ messages: [post], end: "ok", reason: "" }, { ...ours }).kind).toBe("we-accept-fewer");
  });

  it("a deliberate difference is matched by its allow-list entry, by our error code", async () => {
    const duplicateHost = {
      seed: 0,
      index: 0,
      bytes: bytes("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"),
      tags: ["host:duplicate"],
      messages: 1,
      methods: [],
    };
    const { verdict, allowed, ours } = await checkCase("request", duplicateHost);
    expect(verdict.kind).toBe("we-accept-fewer");
    expect(ours.reason).toMatch(/^duplicate-host:/);
    expect(allowed?.reason).toMatch(/RFC 9112 §3\.2/);
  });

  it("cases are reproducible from (seed, index)", () => {
    expect(latin1Text(requestCase(SEED, 1234).bytes)).toBe(latin1Text(requestCase(SEED, 1234).bytes));
    expect(latin1Text(requestCase(SEED, 1234).bytes)).not.toBe(latin1Text(requestCase(SEED, 1235).bytes));
  });
});
