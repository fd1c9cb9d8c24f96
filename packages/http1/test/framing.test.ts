// Table tests of the framing decisions (the model: h11's _body_framing and _keep_alive). Each row is
// one case of RFC 9112 §6.3 / §9.3; the functions are pure, so no connection is needed.
import { describe, expect, it } from "vitest";
import {
  type BodyFraming,
  type DeclaredFraming,
  keepAliveAfter,
  peerAllowsKeepAlive,
  requestBodyFraming,
  requestedUpgrade,
  responseBodyFraming,
  responseHasNoBody,
  streamedResponseFraming,
} from "../src/framing.js";
import type { MessageHead, RequestHead, TransferCoding } from "../src/head.js";
import type { HttpVersion } from "../src/message.js";
import { type RequestBodyFraming, type RequestBodySize, requestBodyFramingFor } from "../src/request-head.js";
import { CONNECTION_CLOSE_FLAG, HAS_CONTENT_LENGTH, HAS_TRANSFER_ENCODING } from "../src/response-headers.js";

function head(fields: Partial<MessageHead> = {}): MessageHead {
  return {
    version: "HTTP/1.1",
    headers: [],
    contentLength: null,
    transferCoding: "absent",
    connectionClose: false,
    connectionKeepAlive: false,
    connectionUpgrade: false,
    upgrade: null,
    ...fields,
  };
}

describe("requestBodyFraming", () => {
  const rows: [string, number | null, TransferCoding, BodyFraming][] = [
    ["no framing headers", null, "absent", "none"],
    ["Content-Length: 0", 0, "absent", "none"],
    ["Content-Length: 5", 5, "absent", "length"],
    ["Transfer-Encoding: chunked", null, "chunked", "chunked"],
  ];
  it.each(rows)("%s → %s", (_, contentLength, transferCoding, expected) => {
    expect(requestBodyFraming(head({ contentLength, transferCoding }))).toBe(expected);
  });
});

describe("responseBodyFraming", () => {
  const rows: [string, string, number, number | null, TransferCoding, BodyFraming][] = [
    ["a 200 with Content-Length", "GET", 200, 12, "absent", "length"],
    ["a 200 with Content-Length: 0", "GET", 200, 0, "absent", "none"],
    ["a 200, chunked", "GET", 200, null, "chunked", "chunked"],
    ["a 200 whose last coding is not chunked", "GET", 200, null, "not-chunked", "close"],
    ["a 200 without framing", "GET", 200, null, "absent", "close"],
    ["the answer to HEAD", "HEAD", 200, 12, "absent", "none"],
    ["the answer to HEAD, chunked", "HEAD", 200, null, "chunked", "none"],
    ["a 204", "GET", 204, null, "absent", "none"],
    ["a 304 with Content-Length", "GET", 304, 40, "absent", "none"],
    ["a 101", "GET", 101, null, "absent", "none"],
    ["a 103", "GET", 103, null, "absent", "none"],
    ["a 500 to POST, chunked", "POST", 500, null, "chunked", "chunked"],
  ];
  it.each(rows)("%s (%s %i) → %s", (_, method, status, contentLength, transferCoding, expected) => {
    expect(responseBodyFraming(method, status, head({ contentLength, transferCoding }))).toBe(expected);
  });
});

describe("responseHasNoBody", () => {
  it.each([
    ["GET", 200, false],
    ["HEAD", 200, true],
    ["GET", 204, true],
    ["GET", 304, true],
    ["GET", 100, true],
    ["POST", 201, false],
  ] as const)("%s → %i: %s", (method, status, expected) => {
    expect(responseHasNoBody(method, status)).toBe(expected);
  });
});

describe("peerAllowsKeepAlive and keepAliveAfter", () => {
  const rows: [HttpVersion, boolean, boolean, BodyFraming, boolean, boolean][] = [
    // version, Connection: close, Connection: keep-alive, framing, peer allows, connection persists
    ["HTTP/1.1", false, false, "length", true, true],
    ["HTTP/1.1", true, false, "length", false, false],
    ["HTTP/1.1", true, true, "length", false, false],
    ["HTTP/1.1", false, false, "close", true, false],
    ["HTTP/1.1", false, false, "chunked", true, true],
    ["HTTP/1.0", false, false, "length", false, false],
    ["HTTP/1.0", false, true, "length", true, true],
    ["HTTP/1.0", true, true, "none", false, false],
    ["HTTP/1.0", false, true, "close", true, false],
  ];
  it.each(rows)(
    "%s close=%s keep-alive=%s framing=%s → %s, %s",
    (version, close, keepAlive, framing, allows, persists) => {
      const message = head({ version, connectionClose: close, connectionKeepAlive: keepAlive });
      expect(peerAllowsKeepAlive(message)).toBe(allows);
      expect(keepAliveAfter(message, framing)).toBe(persists);
    },
  );
});

describe("requestedUpgrade", () => {
  const request = (connectionUpgrade: boolean, upgrade: string | null): RequestHead => ({
    ...head({ connectionUpgrade, upgrade }),
    method: "GET",
    target: "/",
    expectContinue: false,
  });
  it("needs both Connection: upgrade and an Upgrade header", () => {
    expect(requestedUpgrade(request(true, "websocket"))).toBe("websocket");
    expect(requestedUpgrade(request(false, "websocket"))).toBeNull();
    expect(requestedUpgrade(request(true, null))).toBeNull();
  });
});

describe("streamedResponseFraming", () => {
  const rows: [string, number, DeclaredFraming, HttpVersion, BodyFraming][] = [
    ["GET", 200, "none", "HTTP/1.1", "chunked"],
    ["GET", 200, "none", "HTTP/1.0", "close"],
    ["GET", 200, "content-length", "HTTP/1.0", "length"],
    ["GET", 200, "content-length", "HTTP/1.1", "length"],
    ["GET", 200, "chunked", "HTTP/1.1", "chunked"],
    ["HEAD", 200, "none", "HTTP/1.1", "none"],
    ["GET", 204, "none", "HTTP/1.1", "none"],
    ["GET", 304, "content-length", "HTTP/1.1", "none"],
  ];
  it.each(rows)("%s → %i, declared %s, client %s → %s", (method, status, declared, version, expected) => {
    expect(streamedResponseFraming(method, status, declared, version)).toBe(expected);
  });
});

describe("requestBodyFramingFor", () => {
  const none = { flags: 0, contentLength: -1 };
  const rows: [string, string, RequestBodySize, { flags: number; contentLength: number }, RequestBodyFraming][] = [
    ["GET without a body", "GET", "absent", none, { kind: "none" }],
    ["POST without a body", "POST", "absent", none, { kind: "length", length: 0 }],
    ["PUT with 3 bytes", "PUT", 3, none, { kind: "length", length: 3 }],
    ["POST streamed", "POST", "streamed", none, { kind: "chunked" }],
    [
      "POST streamed with the caller's Content-Length",
      "POST",
      "streamed",
      { flags: HAS_CONTENT_LENGTH, contentLength: 9 },
      { kind: "length", length: 9 },
    ],
    [
      "the caller's Transfer-Encoding",
      "POST",
      "streamed",
      { flags: HAS_TRANSFER_ENCODING, contentLength: -1 },
      { kind: "chunked" },
    ],
    [
      "Connection: close does not change framing",
      "GET",
      "absent",
      { flags: CONNECTION_CLOSE_FLAG, contentLength: -1 },
      { kind: "none" },
    ],
  ];
  it.each(rows)("%s", (_, method, size, declared, expected) => {
    expect(requestBodyFramingFor(method, size, declared)).toEqual(expected);
  });

  it("refuses framing headers that contradict a complete body", () => {
    expect(() => requestBodyFramingFor("POST", 3, { flags: HAS_TRANSFER_ENCODING, contentLength: -1 })).toThrow(
      TypeError,
    );
    expect(() => requestBodyFramingFor("POST", 3, { flags: HAS_CONTENT_LENGTH, contentLength: 4 })).toThrow(TypeError);
  });
});
