// Chunk extensions (RFC 9112 §7.1.1): the grammar as a table, then both decoders (the server's request
// bodies, the client's response bodies) fed a chunked body split at every byte boundary.
import { describe, expect, it } from "vitest";
import { isValidChunkExtension } from "../src/chunk-extension.js";
import { createClientConnection, createServerConnection, HttpParseError } from "../src/index.js";
import { Transcript } from "./transcript.js";

describe("the chunk-ext grammar", () => {
  it.each([
    // [what follows the size's digits, valid]
    ["", true],
    [";a", true],
    [";a=b", true],
    [';a="b"', true],
    [';a="b c;d=\\"e\\""', true],
    [";a;b;c", true],
    [";a=1;b=2", true],
    [" ;a", true],
    ["\t; \ta \t= \t1", true],
    [";a ;b", true],
    [';a="" ;b', true],
    [";!#$%&'*+-.^_`|~09AZaz=!#$%&'*+-.^_`|~09AZaz", true],
    [';a="\u0080\u00ff"', true],
    [';a="\\\u00ff"', true],
    [";", false], // nothing after the semicolon
    ["; ", false],
    [";;", false],
    [";=b", false],
    [";a=", false],
    [";a= ", false],
    [';a="b', false], // an unbalanced quoted string
    [';a="b\\"', false], // the quote is escaped: still unbalanced
    [';a="b"c', false],
    [";a=b c", false],
    [";a=b ", false], // whitespace before the CRLF
    [";a ", false],
    [" ", false], // whitespace after the size, no extension
    ["x", false],
    [";a=@", false], // "@" is not a tchar
    [";a@", false],
    [";a=b=c", false],
    [';a="b\u0000"', false],
    [';a="b\u007f"', false],
    [';a="\\\u0000"', false],
    [";a=\u0080", false], // obs-text only inside quotes
    [";a\n", false],
    [';a="\r"', false],
  ])("%j is %s", (text, valid) => {
    expect(isValidChunkExtension(text)).toBe(valid);
  });
});

/** What one side made of a chunked body fed in two parts: the body, or the code of the error it failed with. */
interface Decoded {
  body: string | null;
  code: string | null;
}

/** The server's request-body decoder: a handler reads the body; a malformed one must be answered 400. */
async function serverBody(raw: string, split: number, maxChunkExtensionBytes?: number): Promise<Decoded> {
  let body: string | null = null;
  let code: string | null = null;
  const onError = (error: unknown): void => {
    code = error instanceof HttpParseError ? error.code : String(error);
  };
  const connection = createServerConnection(
    async (request, response) => {
      try {
        body = await request.body.text();
        response.respond(200, {}, "ok");
      } catch {
        // The connection answers the malformed body itself.
      }
    },
    { date: false, onError, maxChunkExtensionBytes },
  );
  const t = new Transcript(connection);
  const whole = REQUEST_HEAD + raw;
  t.feed(whole.slice(0, split));
  if (t.readOperation() === "read") t.feed(whole.slice(split));
  await t.settle();
  const output = t.output();
  const status = code === null ? "200" : "400";
  expect(output.startsWith(`HTTP/1.1 ${status} `), output).toBe(true);
  return { body, code };
}

/** The client's response-body decoder, with an optional `maxChunkExtensionBytes`. */
async function clientBody(raw: string, split: number, maxChunkExtensionBytes?: number): Promise<Decoded> {
  const client = createClientConnection({ host: "h", maxChunkExtensionBytes });
  const t = new Transcript(client);
  const pending = client.request({ target: "/" }).then((response) => response.body.text());
  t.output();
  const whole = RESPONSE_HEAD + raw;
  t.feed(whole.slice(0, split));
  if (t.readOperation() === "read") t.feed(whole.slice(split));
  try {
    return { body: await pending, code: null };
  } catch (error) {
    return { body: null, code: error instanceof HttpParseError ? error.code : String(error) };
  }
}

const REQUEST_HEAD = "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n";
const RESPONSE_HEAD = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";

const VALID = '3;a=b;c="d;e\\"f"\r\nabc\r\n2 ; x\r\nde\r\n0;last\r\n\r\n';
const MALFORMED = [
  ["nothing after the semicolon", "2;\r\nab\r\n0\r\n\r\n"],
  ["an unbalanced quoted string", '2;a="b\r\nab\r\n0\r\n\r\n'],
  ["whitespace before the CRLF", "2;a=b \r\nab\r\n0\r\n\r\n"],
  ["a bare LF inside", "2;a\nb\r\nab\r\n0\r\n\r\n"],
] as const;

describe.each([
  ["the server's request bodies", serverBody, REQUEST_HEAD],
  ["the client's response bodies", clientBody, RESPONSE_HEAD],
])("chunk extensions in %s", (_, decode, head) => {
  it("are parsed and dropped at every byte boundary", async () => {
    for (let split = 0; split <= head.length + VALID.length; split++) {
      expect(await decode(VALID, split), `split at ${split}`).toEqual({ body: "abcde", code: null });
    }
  });

  it.each(MALFORMED)("with %s fail the body at every byte boundary", async (_, chunks) => {
    for (let split = 0; split <= head.length + chunks.length; split++) {
      expect(await decode(chunks, split), `split at ${split}`).toEqual({ body: null, code: "bad-chunk-extension" });
    }
  });

  it("are bounded: 4096 bytes on one line by default, more fails; the bound is per line", async () => {
    expect(await decode(`1;${"a".repeat(4095)}\r\nx\r\n0\r\n\r\n`, 0)).toEqual({ body: "x", code: null });
    const attack = `1;${"a".repeat(4096)}\r\nx\r\n0\r\n\r\n`;
    expect(await decode(attack, head.length + 100)).toEqual({ body: null, code: "chunk-extension-too-large" });
    const many = `${`1;${"a".repeat(3000)}\r\nx\r\n`.repeat(10)}0\r\n\r\n`;
    expect(await decode(many, 0)).toEqual({ body: "x".repeat(10), code: null });
  });

  it("a chunk size with leading zeros is its value (only significant digits are limited)", async () => {
    const zeros = `${"0".repeat(20)}3\r\nabc\r\n${"0".repeat(30)}\r\n\r\n`;
    expect(await decode(zeros, 0)).toEqual({ body: "abc", code: null });
    expect(await decode(`${"1".repeat(14)}\r\n`, 0)).toEqual({ body: null, code: "bad-chunk" });
  });
});

describe("the server's maxChunkExtensionBytes", () => {
  it("bounds the extensions of one line", async () => {
    const raw = `1;${"a".repeat(99)}\r\nx\r\n0\r\n\r\n`;
    expect(await serverBody(raw, 0, 100)).toEqual({ body: "x", code: null });
    expect(await serverBody(raw, 0, 99)).toEqual({ body: null, code: "chunk-extension-too-large" });
    expect(() => createServerConnection(() => {}, { maxChunkExtensionBytes: 0 })).toThrow(RangeError);
  });
});

describe("the client's maxChunkExtensionBytes", () => {
  it("bounds the extensions of one line", async () => {
    const raw = `1;${"a".repeat(99)}\r\nx\r\n0\r\n\r\n`;
    expect(await clientBody(raw, 0, 100)).toEqual({ body: "x", code: null });
    expect(await clientBody(raw, 0, 99)).toEqual({ body: null, code: "chunk-extension-too-large" });
    expect(() => createClientConnection({ maxChunkExtensionBytes: 0 })).toThrow(RangeError);
  });
});
