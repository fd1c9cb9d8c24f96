import { describe, expect, it } from "vitest";
import { parseRequestHead, parseResponseHead, parseTrailers } from "../src/message/validate.js";

const GET = [":method", "GET", ":scheme", "https", ":authority", "example.com", ":path", "/"];

describe("HTTP semantics on header lists (RFC 9113 §8.2, §8.3)", () => {
  it.each<[string, string[], string | null]>([
    ["a plain GET", GET, null],
    ["CONNECT with only :authority", [":method", "CONNECT", ":authority", "example.com:443"], null],
    [
      "CONNECT with a :path",
      [":method", "CONNECT", ":authority", "x:1", ":path", "/"],
      "CONNECT needs :authority and no :scheme or :path",
    ],
    ["no :method", GET.slice(2), "missing :method"],
    ["an empty :path", [...GET.slice(0, 6), ":path", ""], "missing or empty :path"],
    ["an upper-case name", [...GET, "Accept", "*/*"], "upper-case field name Accept"],
    ["a space in a name", [...GET, "a b", "1"], 'invalid field name "a b"'],
    ["a NUL in a value", [...GET, "x", "a\0b"], "invalid value of x"],
    ["a CR in a value", [...GET, "x", "a\rb"], "invalid value of x"],
    ["a leading space in a value", [...GET, "x", " a"], "invalid value of x"],
    ["a trailing tab in a value", [...GET, "x", "a\t"], "invalid value of x"],
    ["an empty value", [...GET, "x", ""], null],
    ["te: trailers", [...GET, "te", "trailers"], null],
    ["te: gzip", [...GET, "te", "gzip"], "te: gzip"],
    ["transfer-encoding", [...GET, "transfer-encoding", "chunked"], "connection-specific field transfer-encoding"],
    ["two equal content-lengths", [...GET, "content-length", "3", "content-length", "3"], null],
    [
      "conflicting content-lengths",
      [...GET, "content-length", "3", "content-length", "4"],
      "conflicting content-length",
    ],
    ["a negative content-length", [...GET, "content-length", "-1"], "content-length: -1"],
  ])("%s", (_name, fields, malformed) => {
    const head = parseRequestHead(fields);
    expect("malformed" in head ? head.malformed : null).toBe(malformed);
  });

  it("takes :authority from host when absent, and reads content-length", () => {
    const head = parseRequestHead([
      ":method",
      "POST",
      ":scheme",
      "http",
      ":path",
      "/p",
      "host",
      "h:1",
      "content-length",
      "12",
    ]);
    expect("malformed" in head ? head : [head.authority, head.contentLength, head.headers]).toEqual([
      "h:1",
      12,
      ["host", "h:1", "content-length", "12"],
    ]);
  });

  it("responses: one valid :status; trailers without pseudo-headers", () => {
    expect(parseResponseHead([":status", "204"])).toEqual({ status: 204, headers: [], contentLength: null });
    expect(parseResponseHead([":status", "20"])).toEqual({ malformed: "bad :status 20" });
    expect(parseResponseHead([":status", "200", ":status", "200"])).toEqual({ malformed: "duplicate :status" });
    expect(parseResponseHead([":path", "/"])).toEqual({ malformed: "pseudo-header :path in a response" });
    expect(parseTrailers(["x-sum", "1"])).toEqual(["x-sum", "1"]);
    expect(parseTrailers([":status", "200"])).toEqual({ malformed: "pseudo-header :status in trailers" });
  });
});
