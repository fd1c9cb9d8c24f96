import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { computeAccept, generateKey, isValidKey } from "../src/accept.js";
import { encodeClosePayload, isValidCloseCode, parseClosePayload } from "../src/close-payload.js";
import { acceptDeflateOffer, deflateOffer, readDeflateResponse } from "../src/deflate-params.js";
import { WebSocketError } from "../src/errors.js";
import { formatExtensions, parseExtensions } from "../src/extensions.js";
import { encodeFrameHeader, type FrameHeader, frameHeaderSize, parseFrameHeader } from "../src/frame-header.js";
import { FrameSkipper } from "../src/frame-skipper.js";
import { maskCopy, maskInPlace } from "../src/mask.js";
import { isValidUtf8, Utf8Validator } from "../src/utf8.js";
import { frame } from "./helpers.js";

const hex = (s: string) => Uint8Array.from(s.match(/../g) ?? [], (b) => Number.parseInt(b, 16));

describe("frame header", () => {
  const cases: Array<[string, string, FrameHeader, number]> = [
    ["unmasked text 'Hello' (RFC 6455 §5.7)", "8105", { fin: true, rsv: 0, opcode: 1, mask: null, length: 5 }, 2],
    ["masked text 'Hello'", "818537fa213d", { fin: true, rsv: 0, opcode: 1, mask: 0x37fa213d, length: 5 }, 6],
    ["first fragment", "0103", { fin: false, rsv: 0, opcode: 1, mask: null, length: 3 }, 2],
    ["continuation", "8002", { fin: true, rsv: 0, opcode: 0, mask: null, length: 2 }, 2],
    ["ping", "8900", { fin: true, rsv: 0, opcode: 9, mask: null, length: 0 }, 2],
    ["compressed (RSV1)", "c107", { fin: true, rsv: 4, opcode: 1, mask: null, length: 7 }, 2],
    ["all rsv bits", "f200", { fin: true, rsv: 7, opcode: 2, mask: null, length: 0 }, 2],
    ["125: largest 7-bit", "827d", { fin: true, rsv: 0, opcode: 2, mask: null, length: 125 }, 2],
    ["126: 16-bit length", "827e007e", { fin: true, rsv: 0, opcode: 2, mask: null, length: 126 }, 4],
    ["256 bytes (RFC 6455 §5.7)", "827e0100", { fin: true, rsv: 0, opcode: 2, mask: null, length: 256 }, 4],
    ["65535: largest 16-bit", "827effff", { fin: true, rsv: 0, opcode: 2, mask: null, length: 65535 }, 4],
    ["64 KiB (RFC 6455 §5.7)", "827f0000000000010000", { fin: true, rsv: 0, opcode: 2, mask: null, length: 65536 }, 10],
    [
      "2^53 - 1, masked",
      "82ff001fffffffffffff01020304",
      { fin: true, rsv: 0, opcode: 2, mask: 0x01020304, length: 2 ** 53 - 1 },
      14,
    ],
  ];
  for (const [name, wire, header, size] of cases) {
    it(`parses and writes ${name}`, () => {
      const bytes = hex(wire);
      expect(parseFrameHeader(bytes, 0, bytes.length)).toEqual({ kind: "header", header, size });
      expect(Buffer.from(encodeFrameHeader(header)).toString("hex")).toBe(wire);
      expect(frameHeaderSize(header.length, header.mask !== null)).toBe(size);
      for (let cut = 0; cut < size; cut++) {
        const parsed = parseFrameHeader(bytes, 0, cut);
        expect(parsed.kind).toBe("incomplete");
      }
      // at an offset inside a larger buffer
      const padded = new Uint8Array(size + 7);
      padded.set(bytes, 3);
      expect(parseFrameHeader(padded, 3, 3 + size)).toEqual({ kind: "header", header, size });
    });
  }

  it("says how many bytes it needs", () => {
    expect(parseFrameHeader(hex("81"), 0, 1)).toEqual({ kind: "incomplete", need: 2 });
    expect(parseFrameHeader(hex("81fe00"), 0, 3)).toEqual({ kind: "incomplete", need: 8 });
    expect(parseFrameHeader(hex("817f"), 0, 2)).toEqual({ kind: "incomplete", need: 10 });
  });

  it("accepts a non-minimal length encoding (RFC 6455 asks senders, not receivers)", () => {
    const bytes = hex("827e0005");
    expect(parseFrameHeader(bytes, 0, 4)).toMatchObject({ kind: "header", header: { length: 5 } });
  });

  it.each([
    ["top bit of a 64-bit length set", "827f8000000000000000", 1002],
    ["2^53", "827f0020000000000000", 1009],
    ["2^63 - 1", "827f7fffffffffffffff", 1009],
  ])("refuses %s", (_name, wire, closeCode) => {
    const bytes = hex(wire);
    expect(() => parseFrameHeader(bytes, 0, bytes.length)).toThrow(
      expect.objectContaining({ code: "frame-too-long", closeCode }),
    );
  });

  it("refuses to write what cannot be framed", () => {
    expect(() => encodeFrameHeader({ fin: true, rsv: 0, opcode: 1, mask: null, length: -1 })).toThrow(RangeError);
    expect(() => encodeFrameHeader({ fin: true, rsv: 0, opcode: 16, mask: null, length: 1 })).toThrow(RangeError);
    expect(() => encodeFrameHeader({ fin: true, rsv: 0, opcode: 1, mask: null, length: 2 ** 53 })).toThrow(RangeError);
  });
});

describe("masking", () => {
  function naive(data: Uint8Array, key: number, phase: number): Uint8Array {
    const keys = [key >>> 24, (key >>> 16) & 0xff, (key >>> 8) & 0xff, key & 0xff];
    return data.map((b, i) => b ^ (keys[(phase + i) & 3] as number));
  }

  it("masks 'Hello' as RFC 6455 §5.7 shows", () => {
    const data = new TextEncoder().encode("Hello");
    maskInPlace(data, 0, 5, 0x37fa213d);
    expect(Buffer.from(data).toString("hex")).toBe("7f9f4d5158");
  });

  it("matches the byte-by-byte definition at every length, alignment and phase", () => {
    const buffer = new Uint8Array(300);
    for (let i = 0; i < buffer.length; i++) buffer[i] = (i * 31 + 7) & 0xff;
    for (const length of [0, 1, 3, 4, 5, 31, 32, 33, 64, 100, 255]) {
      for (let offset = 0; offset < 5; offset++) {
        for (let phase = 0; phase < 4; phase++) {
          const data = buffer.slice(0, 290);
          const expected = naive(data.subarray(offset, offset + length), 0xa1b2c3d4, phase);
          const end = maskInPlace(data, offset, length, 0xa1b2c3d4, phase);
          expect(end).toBe((phase + length) & 3);
          expect(data.subarray(offset, offset + length)).toEqual(expected);
          expect(data.subarray(0, offset)).toEqual(buffer.subarray(0, offset));
          expect(data.subarray(offset + length, 290)).toEqual(buffer.subarray(offset + length, 290));
        }
      }
    }
  });

  it("unmasks a payload in pieces, carrying the phase", () => {
    const original = Uint8Array.from({ length: 1000 }, (_, i) => i & 0xff);
    const masked = naive(original, 0xdeadbeef, 0);
    const target = new Uint8Array(1000);
    let phase = 0;
    for (const [start, end] of [
      [0, 3],
      [3, 40],
      [40, 41],
      [41, 999],
      [999, 1000],
    ] as const) {
      phase = maskCopy(masked, start, target, start, end - start, 0xdeadbeef, phase);
    }
    expect(target).toEqual(original);
  });
});

describe("UTF-8 validation", () => {
  const valid: Array<[string, string]> = [
    ["ASCII", "48656c6c6f"],
    ["empty", ""],
    ["2-byte U+0080", "c280"],
    ["3-byte U+0800", "e0a080"],
    ["U+D7FF (before surrogates)", "ed9fbf"],
    ["U+E000 (after surrogates)", "ee8080"],
    ["U+FFFF", "efbfbf"],
    ["4-byte U+10000", "f0908080"],
    ["U+10FFFF", "f48fbfbf"],
    ["κόσμε (Autobahn 6.2.1)", "cebae1bdb9cf83cebcceb5"],
  ];
  const invalid: Array<[string, string, number]> = [
    ["stray continuation", "4180", 1],
    ["C0 overlong", "c0af", 0],
    ["C1 overlong", "c1bf", 0],
    ["E0 overlong", "e08080", 1],
    ["F0 overlong", "f08f8080", 1],
    ["surrogate U+D800", "eda080", 1],
    ["surrogate U+DFFF", "edbfbf", 1],
    ["past U+10FFFF", "f4908080", 1],
    ["F5", "f5808080", 0],
    ["FF", "41ff", 1],
    ["truncated then ASCII", "e0a041", 2],
    ["Autobahn 6.3.1: κόσμε with a surrogate", "cebae1bdb9cf83cebcceb5eda080656469746564", 12],
  ];
  for (const [name, bytes] of valid) {
    it(`accepts ${name}`, () => expect(isValidUtf8(hex(bytes))).toBe(true));
  }
  for (const [name, bytes, at] of invalid) {
    it(`finds ${name} at byte ${at}, fed whole and at every split`, () => {
      const data = hex(bytes);
      expect(new Utf8Validator().feed(data, 0, data.length)).toBe(at);
      for (let cut = 0; cut <= data.length; cut++) {
        const validator = new Utf8Validator();
        const first = validator.feed(data, 0, cut);
        const found = first !== -1 ? first : validator.feed(data, cut, data.length);
        expect(found).toBe(at);
      }
    });
  }
  it("knows when input ends mid-character", () => {
    const validator = new Utf8Validator();
    expect(validator.feed(hex("f0908080e0a0"), 0, 6)).toBe(-1);
    expect(validator.complete).toBe(false);
    expect(isValidUtf8(hex("e0a0"))).toBe(false);
  });
  it("agrees with TextDecoder on random byte strings biased towards UTF-8 lead bytes, split anywhere", () => {
    const strict = new TextDecoder("utf-8", { fatal: true });
    const interesting = [
      0x00, 0x41, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc2, 0xdf, 0xe0, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xff,
    ];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...interesting), { maxLength: 12 }), fc.nat({ max: 12 }), (list, cut) => {
        const bytes = Uint8Array.from(list);
        let ok = true;
        try {
          strict.decode(bytes);
        } catch {
          ok = false;
        }
        const validator = new Utf8Validator();
        const at = Math.min(cut, bytes.length);
        const valid =
          validator.feed(bytes, 0, at) === -1 && validator.feed(bytes, at, bytes.length) === -1 && validator.complete;
        expect(valid).toBe(ok);
      }),
      { numRuns: 20_000, seed: 7 },
    );
  });

  it("agrees with TextDecoder on every 1- and 2-byte sequence", () => {
    const strict = new TextDecoder("utf-8", { fatal: true });
    const agrees = (bytes: Uint8Array) => {
      let ok = true;
      try {
        strict.decode(bytes);
      } catch {
        ok = false;
      }
      return ok === isValidUtf8(bytes);
    };
    let disagreements = 0;
    for (let a = 0; a < 256; a++) {
      if (!agrees(Uint8Array.of(a))) disagreements++;
      for (let b = 0; b < 256; b++) if (!agrees(Uint8Array.of(a, b))) disagreements++;
    }
    expect(disagreements).toBe(0);
  });
});

describe("close payload", () => {
  it.each([
    [999, false],
    [1000, true],
    [1003, true],
    [1004, false],
    [1005, false],
    [1006, false],
    [1007, true],
    [1014, true],
    [1015, false],
    [1016, false],
    [2999, false],
    [3000, true],
    [4999, true],
    [5000, false],
  ])("code %i may be sent: %s", (code, ok) => expect(isValidCloseCode(code)).toBe(ok));

  it("round-trips a code and reason", () => {
    expect(parseClosePayload(encodeClosePayload(1000, "bye ✓"))).toEqual({ code: 1000, reason: "bye ✓" });
    expect(parseClosePayload(new Uint8Array(0))).toEqual({ code: 1005, reason: "" });
    expect(encodeClosePayload()).toEqual(new Uint8Array(0));
  });

  it.each([
    ["one byte", "03", "invalid-close-payload", 1002],
    ["code 1005", "03ed", "invalid-close-code", 1002],
    ["code 999", "03e7", "invalid-close-code", 1002],
    ["reason not UTF-8", "03e8cebae1bdb9cf83cebcceb5eda080", "invalid-utf8", 1007],
  ])("refuses %s", (_name, wire, code, closeCode) => {
    expect(() => parseClosePayload(hex(wire))).toThrow(expect.objectContaining({ code, closeCode }));
  });

  it("refuses to send what may not be sent", () => {
    expect(() => encodeClosePayload(1006)).toThrow(RangeError);
    expect(() => encodeClosePayload(1000, "x".repeat(124))).toThrow(RangeError);
    expect(encodeClosePayload(1000, "x".repeat(123)).length).toBe(125);
    expect(() => encodeClosePayload(undefined, "why")).toThrow(RangeError);
  });
});

describe("Sec-WebSocket-Accept", () => {
  it("matches RFC 6455 §1.3", async () => {
    expect(await computeAccept("dGhlIHNhbXBsZSBub25jZQ==")).toBe("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
  });
  it("makes valid, different keys", () => {
    const a = generateKey();
    expect(isValidKey(a)).toBe(true);
    expect(generateKey()).not.toBe(a);
  });
  it.each([
    "",
    "dGhlIHNhbXBsZSBub25jZQ=",
    "dGhlIHNhbXBsZSBub25jZQ",
    "dGhlIHNhbXBsZSBub25jZR==",
    "a GhlIHNhbXBsZSBub25jZQ==",
  ])("refuses key %j", (key) => expect(isValidKey(key)).toBe(false));
});

describe("Sec-WebSocket-Extensions", () => {
  it("parses offers with parameters and quoted values", () => {
    expect(
      parseExtensions(
        'permessage-deflate; client_max_window_bits, permessage-deflate; server_max_window_bits="10" ,x-foo',
      ),
    ).toEqual([
      { name: "permessage-deflate", params: [["client_max_window_bits", true]] },
      { name: "permessage-deflate", params: [["server_max_window_bits", "10"]] },
      { name: "x-foo", params: [] },
    ]);
  });
  it.each(["", ";", "a;", "a; b=", 'a; b="unterminated', "a b", 'a; b="not a token"', "a;;b"])(
    "refuses %j",
    (value) => {
      expect(parseExtensions(value)).toBeNull();
    },
  );
  it("formats", () => {
    expect(
      formatExtensions([
        {
          name: "permessage-deflate",
          params: [
            ["a", true],
            ["b", "9"],
          ],
        },
      ]),
    ).toBe("permessage-deflate; a; b=9");
  });
});

describe("permessage-deflate negotiation", () => {
  const accept = (header: string, options = {}) => acceptDeflateOffer(parseExtensions(header) ?? [], options);
  it("accepts the first valid offer", () => {
    expect(accept("permessage-deflate; client_max_window_bits")).toEqual({
      params: {
        serverNoContextTakeover: false,
        clientNoContextTakeover: false,
        serverMaxWindowBits: 15,
        clientMaxWindowBits: 15,
      },
      response: "permessage-deflate",
    });
    expect(accept("permessage-deflate; foo, permessage-deflate; server_no_context_takeover")?.response).toBe(
      "permessage-deflate; server_no_context_takeover",
    );
  });
  it("echoes server_max_window_bits", () => {
    expect(accept("permessage-deflate; server_max_window_bits=10")?.response).toBe(
      "permessage-deflate; server_max_window_bits=10",
    );
  });
  it("asks for context resets when configured", () => {
    expect(accept("permessage-deflate", { noContextTakeover: true, peerNoContextTakeover: true })?.response).toBe(
      "permessage-deflate; server_no_context_takeover; client_no_context_takeover",
    );
  });
  it.each([
    "x-other",
    "permessage-deflate; server_max_window_bits=7",
    "permessage-deflate; server_max_window_bits=16",
    "permessage-deflate; server_max_window_bits",
    "permessage-deflate; client_max_window_bits=08",
    "permessage-deflate; server_no_context_takeover=1",
    "permessage-deflate; server_no_context_takeover; server_no_context_takeover",
    "permessage-deflate; unknown",
  ])("declines %j", (header) => expect(accept(header)).toBeNull());

  it("client: offers and reads the answer", () => {
    expect(deflateOffer()).toBe("permessage-deflate; client_max_window_bits");
    const read = (header: string, options = {}) => readDeflateResponse(parseExtensions(header) ?? [], options);
    expect(read("permessage-deflate; server_no_context_takeover; client_max_window_bits=10")).toEqual({
      serverNoContextTakeover: true,
      clientNoContextTakeover: false,
      serverMaxWindowBits: 15,
      clientMaxWindowBits: 10,
    });
    expect(readDeflateResponse([])).toBeNull();
    expect(typeof read("x-other")).toBe("string");
    expect(typeof read("permessage-deflate, permessage-deflate")).toBe("string");
    expect(typeof read("permessage-deflate; client_max_window_bits")).toBe("string");
    expect(typeof read("permessage-deflate", { peerNoContextTakeover: true })).toBe("string");
  });
});

it("WebSocketError carries a stable code and a close code", () => {
  const error = new WebSocketError("invalid-utf8", "bad", 1007);
  expect(error).toMatchObject({ name: "WebSocketError", code: "invalid-utf8", closeCode: 1007 });
});

describe("frame skipper (what a failed connection reads while it lingers)", () => {
  const close = frame({ opcode: 0x8, payload: Uint8Array.of(0x03, 0xe8) });
  const binary = frame({ opcode: 0x2, payload: new Uint8Array(300) });
  const ping = frame({ opcode: 0x9, payload: Uint8Array.of(1, 2, 3) });
  const cases: Array<[string, ConstructorParameters<typeof FrameSkipper>[0], Uint8Array, boolean, number]> = [
    // name, start, input, close seen, bytes taken
    ["a close frame alone", { payloadLeft: 0 }, close, true, close.length],
    [
      "the rest of a payload, then a close",
      { payloadLeft: 5 },
      concat(new Uint8Array(5), close),
      true,
      5 + close.length,
    ],
    [
      "frames before the close; what follows it is left",
      { payloadLeft: 0 },
      concat(binary, ping, close, ping),
      true,
      binary.length + ping.length + close.length,
    ],
    ["no close: everything is taken", { payloadLeft: 0 }, concat(binary, ping), false, binary.length + ping.length],
    [
      "a close header split before the take-over",
      { payloadLeft: 0, partialHeader: close.subarray(0, 1) },
      close.subarray(1),
      true,
      close.length - 1,
    ],
    ["a close frame's bytes inside a payload are payload", { payloadLeft: close.length }, close, false, close.length],
    ["boundaries unknown: all is taken, no close is seen", null, concat(close, close), false, 2 * close.length],
    [
      "a 64-bit length with its top bit set loses the boundaries",
      { payloadLeft: 0 },
      concat(hex("82ff8000000000000000"), close),
      false,
      10 + close.length,
    ],
  ];

  for (const [name, start, input, closeSeen, taken] of cases) {
    it(`${name}: whole and one byte at a time`, () => {
      const whole = new FrameSkipper(start);
      expect(whole.skip(input, 0, input.length)).toBe(taken);
      expect(whole.closeSeen).toBe(closeSeen);
      const bytewise = new FrameSkipper(start);
      let total = 0;
      for (let i = 0; i < input.length && !bytewise.closeSeen; i++) total += bytewise.skip(input, i, i + 1);
      expect(total).toBe(taken);
      expect(bytewise.closeSeen).toBe(closeSeen);
    });
  }
});

function concat(...parts: Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts));
}
