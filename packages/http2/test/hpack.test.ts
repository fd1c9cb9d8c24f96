import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { SeededRandom } from "@sansio/runtime-api/testing";
import { describe, expect, it } from "vitest";
import {
  HUFFMAN_CODES,
  HUFFMAN_LENGTHS,
  huffmanDecode,
  huffmanEncode,
  huffmanEncodedLength,
} from "../src/hpack/huffman.js";
import { decodeInteger, writeInteger } from "../src/hpack/integer.js";
import { HpackDecoder, HpackEncoder, HpackError } from "../src/index.js";

const hpackRoot = dirname(createRequire(import.meta.url).resolve("hpack/package.json"));
const corpusRoot = join(hpackRoot, "test", "hpack-test-case");

const hex = (s: string): Uint8Array => Uint8Array.from(s.match(/../g) ?? [], (h) => Number.parseInt(h, 16));
const toHex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
const latin1 = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));

function expectHpackError(run: () => unknown, code: HpackError["code"]): void {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(HpackError);
  expect((caught as HpackError).code).toBe(code);
}

describe("HPACK integers (RFC 7541 §5.1)", () => {
  it.each([
    [10, 5, "0a"],
    [1337, 5, "1f9a0a"],
    [42, 8, "2a"],
    [31, 5, "1f00"],
    [0x7fffffff, 5, "1fe0ffffff07"],
  ])("%i with a %i-bit prefix is %s and decodes back", (value, prefix, wire) => {
    const out = new Uint8Array(8);
    const end = writeInteger(out, 0, value, prefix, 0);
    expect(toHex(out.subarray(0, end))).toBe(wire);
    expect(decodeInteger(out, 0, end, prefix)).toEqual({ value, end });
  });

  it("rejects integers past 2^31-1 and integers cut short", () => {
    expectHpackError(() => decodeInteger(hex("1fffffffff0f"), 0, 6, 5), "integer-overflow");
    expectHpackError(() => decodeInteger(hex("1f9a"), 0, 2, 5), "truncated");
    expectHpackError(() => decodeInteger(hex("1fffffffffffffffffff"), 0, 10, 5), "integer-overflow");
  });
});

describe("HPACK Huffman code (RFC 7541 §5.2, Appendix B)", () => {
  it("matches Appendix B as transcribed by the hpack package, symbol by symbol", () => {
    const source = readFileSync(join(hpackRoot, "lib", "huffman_codec.js"), "utf8");
    const table = [...source.matchAll(/'value':\s*(0x[0-9a-f]+)\s*,\s*'len':\s*(\d+)/g)];
    expect(table.length).toBe(257);
    table.forEach((m, symbol) => {
      expect([symbol, HUFFMAN_CODES[symbol], HUFFMAN_LENGTHS[symbol]]).toEqual([symbol, Number(m[1]), Number(m[2])]);
    });
  });

  it("codes the RFC's example strings (Appendix C.4)", () => {
    for (const [text, wire] of [
      ["www.example.com", "f1e3c2e5f23a6ba0ab90f4ff"],
      ["no-cache", "a8eb10649cbf"],
      ["custom-key", "25a849e95ba97d7f"],
      ["custom-value", "25a849e95bb8e8b4bf"],
    ] as const) {
      const out = new Uint8Array(huffmanEncodedLength(text));
      expect(huffmanEncode(text, out, 0)).toBe(out.length);
      expect(toHex(out)).toBe(wire);
      const back = new Uint8Array(64);
      const n = huffmanDecode(out, 0, out.length, back);
      expect(String.fromCharCode(...back.subarray(0, n))).toBe(text);
    }
  });

  it("round-trips every octet value, alone and in runs", () => {
    for (let symbol = 0; symbol < 256; symbol++) {
      for (const repeat of [1, 2, 3, 7]) {
        const text = String.fromCharCode(symbol).repeat(repeat);
        const coded = new Uint8Array(huffmanEncodedLength(text));
        huffmanEncode(text, coded, 0);
        const back = new Uint8Array(coded.length * 2);
        const n = huffmanDecode(coded, 0, coded.length, back);
        expect(back.subarray(0, n)).toEqual(latin1(text));
      }
    }
  });

  it("rejects EOS, padding longer than 7 bits and padding that is not all ones", () => {
    const out = new Uint8Array(16);
    // EOS is 30 one-bits: four 0xff bytes contain it.
    expectHpackError(() => huffmanDecode(hex("ffffffff"), 0, 4, out), "invalid-huffman");
    // "a" is 00011 (5 bits); then a whole 0xff byte of padding: 11 bits of padding.
    expectHpackError(() => huffmanDecode(hex("1fff"), 0, 2, out), "invalid-huffman");
    // "a" then padding 000 (not ones).
    expectHpackError(() => huffmanDecode(hex("18"), 0, 1, out), "invalid-huffman");
    // Correct: "a" then 111.
    expect(huffmanDecode(hex("1f"), 0, 1, out)).toBe(1);
  });
});

interface StoryCase {
  readonly wire: string;
  readonly headers: readonly Record<string, string>[];
  readonly header_table_size?: number;
}

describe("the http2jp hpack-test-case corpus", () => {
  // Each directory holds one implementation's stories, tagged with the HPACK draft it implemented.
  // Drafts before 9 had another static table and other representations: RFC 7541 cannot decode them.
  const directories = readdirSync(corpusRoot, { withFileTypes: true })
    .filter((d) => d.isDirectory() && d.name !== "raw-data" && d.name !== "util")
    .map((d) => {
      const first = JSON.parse(readFileSync(join(corpusRoot, d.name, "story_00.json"), "utf8")) as { draft: number };
      return { name: d.name, draft: first.draft };
    });
  const implementations = directories.filter((d) => d.draft >= 9).map((d) => d.name);

  it("has 11 RFC 7541 (draft 9) implementations; the pre-RFC drafts 5, 7 and 8 are not HPACK as published", () => {
    expect(implementations.length).toBe(11);
    expect(
      directories
        .filter((d) => d.draft < 9)
        .map((d) => `${d.name}@${d.draft}`)
        .sort(),
    ).toEqual(["hyper-hpack@8", "node-http2-protocol@5", "twitter-hpack@7"]);
  });

  it("a pre-RFC story (draft 8, hyper) really is not RFC 7541: its first block decodes to other fields", () => {
    const { cases } = JSON.parse(readFileSync(join(corpusRoot, "hyper-hpack", "story_00.json"), "utf8")) as {
      cases: StoryCase[];
    };
    const first = cases[0] as StoryCase;
    let decoded: string[] | undefined;
    try {
      decoded = new HpackDecoder().decode(hex(first.wire)).headers;
    } catch {
      decoded = undefined;
    }
    expect(decoded).not.toEqual(first.headers.flatMap((h) => Object.entries(h)[0] as [string, string]));
  });

  it.each(implementations)("decodes every story of %s, each story's cases in order on one decoder", (dir) => {
    const stories = readdirSync(join(corpusRoot, dir)).filter((f) => /^story_\d+\.json$/.test(f));
    expect(stories.length).toBeGreaterThan(0);
    let cases = 0;
    for (const story of stories) {
      const { cases: list } = JSON.parse(readFileSync(join(corpusRoot, dir, story), "utf8")) as {
        cases: StoryCase[];
      };
      const decoder = new HpackDecoder({ maxDynamicTableSize: 4096 });
      for (const c of list) {
        // "the header table size sent in SETTINGS_HEADER_TABLE_SIZE and ACKed just before this case"
        if (c.header_table_size !== undefined) decoder.setMaxDynamicTableSize(c.header_table_size);
        const decoded = decoder.decode(hex(c.wire));
        const expected = c.headers.flatMap((h) => Object.entries(h)[0] as [string, string]);
        expect(decoded.tooLarge, `${dir}/${story}`).toBe(false);
        // The corpus holds text; our decoder returns one char per octet.
        expect(decoded.headers.map(decodeUtf8), `${dir}/${story}`).toEqual(expected);
        cases++;
      }
    }
    expect(cases).toBeGreaterThan(0);
  });

  it("our encoder round-trips every story of raw-data on one connection's worth of blocks", () => {
    const dir = join(corpusRoot, "raw-data");
    for (const story of readdirSync(dir).filter((f) => f.endsWith(".json"))) {
      const { cases } = JSON.parse(readFileSync(join(dir, story), "utf8")) as { cases: StoryCase[] };
      const encoder = new HpackEncoder();
      const decoder = new HpackDecoder();
      let wire = 0;
      let raw = 0;
      for (const c of cases) {
        const headers = c.headers.flatMap((h) => Object.entries(h)[0] as [string, string]);
        const block = encoder.encode(headers);
        wire += block.length;
        raw += headers.reduce((n, s) => n + s.length, 0);
        expect(decoder.decode(block).headers.map(decodeUtf8)).toEqual(headers);
      }
      // Indexing and Huffman must actually compress.
      expect(wire).toBeLessThan(raw);
    }
  });
});

function decodeUtf8(binary: string): string {
  return new TextDecoder().decode(latin1(binary));
}

/** A seeded generator (the memory runtime's), so every run replays. */
function random(seed: number): () => number {
  const rng = new SeededRandom(seed);
  return () => rng.next();
}

describe("HPACK round trips (property, seeded)", () => {
  const names = [":path", ":authority", "content-type", "x-custom", "cookie", "authorization", "accept", "x-a"];
  it.each([1, 2, 3, 4, 5, 6, 7, 8])(
    "seed %i: random lists, table sizes and Huffman choices decode to themselves",
    (seed) => {
      const next = random(seed);
      const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)] as T;
      const huffman = pick(["shorter", "always", "never"] as const);
      const encoder = new HpackEncoder({ maxDynamicTableSize: pick([0, 64, 256, 4096, 65536]), huffman });
      const decoder = new HpackDecoder({ maxDynamicTableSize: 65536 });
      for (let block = 0; block < 200; block++) {
        if (next() < 0.05) encoder.setPeerMaxDynamicTableSize(pick([0, 100, 4096, 65536]));
        const headers: string[] = [];
        const count = Math.floor(next() * 12);
        for (let i = 0; i < count; i++) {
          const name = next() < 0.8 ? pick(names) : `x-${Math.floor(next() * 50)}`;
          const length = Math.floor(next() * (next() < 0.1 ? 3000 : 20));
          let value = "";
          for (let j = 0; j < length; j++) value += String.fromCharCode(Math.floor(next() * 256));
          headers.push(name, value);
        }
        const decoded = decoder.decode(encoder.encode(headers));
        expect(decoded.headers).toEqual(headers);
        expect(decoder.dynamicTableSize).toBe(encoder.dynamicTableSize);
      }
    },
  );
});

describe("HPACK encoder choices", () => {
  it("sends sensitive fields never indexed and keeps them out of the table", () => {
    const encoder = new HpackEncoder({ huffman: "never" });
    const block = encoder.encode(["authorization", "secret", "cookie", "a=b", "x-extra", "yes"]);
    // authorization: never indexed (0001xxxx), name index 23 (15 + 8 in the 4-bit prefix).
    expect(toHex(block.subarray(0, 2))).toBe("1f08");
    expect(block[2]).toBe(6);
    // cookie: never indexed, name index 32 (0x1f, 32-15=17).
    expect(toHex(block.subarray(9, 11))).toBe("1f11");
    expect(encoder.dynamicTableSize).toBe("x-extra".length + "yes".length + 32);
    // Sent again: still literal, never an index.
    const again = encoder.encode(["authorization", "secret"]);
    expect(toHex(again.subarray(0, 2))).toBe("1f08");
  });

  it("uses an index for a field seen before and for static fields", () => {
    const encoder = new HpackEncoder();
    encoder.encode(["x-trace", "abc"]);
    expect(toHex(encoder.encode([":method", "GET", "x-trace", "abc"]))).toBe("82be");
  });

  it("starts the next block with the smallest then the final table size after changes", () => {
    const encoder = new HpackEncoder();
    encoder.encode(["x-a", "1"]);
    encoder.setPeerMaxDynamicTableSize(0);
    encoder.setPeerMaxDynamicTableSize(2048);
    const block = encoder.encode([":method", "GET"]);
    // 001 00000 (size 0), 001 11111 + 2048-31 (size 2048), then index 2.
    expect(toHex(block)).toBe("203fe10f82");
    const decoder = new HpackDecoder();
    decoder.decode(new HpackEncoder().encode(["x-a", "1"]));
    expect(decoder.decode(block).headers).toEqual([":method", "GET"]);
    expect(decoder.dynamicTableSize).toBe(0);
  });

  it("does not index a field larger than half the table", () => {
    const encoder = new HpackEncoder({ maxDynamicTableSize: 100 });
    encoder.encode(["x-big", "v".repeat(40)]);
    expect(encoder.dynamicTableSize).toBe(0);
  });

  it("keeps its lookup maps bounded on a long connection of unique values", () => {
    const encoder = new HpackEncoder();
    const decoder = new HpackDecoder();
    for (let i = 0; i < 5000; i++) {
      expect(decoder.decode(encoder.encode(["x-id", String(i), "x-id", "same"])).headers).toEqual([
        "x-id",
        String(i),
        "x-id",
        "same",
      ]);
    }
    const maps = encoder as unknown as { fields: Map<string, number> };
    expect(maps.fields.size).toBeLessThan(500);
  });
});

describe("HPACK decoder limits and errors", () => {
  it.each([
    ["index 0", "80", "invalid-index"],
    ["an index past the tables", "be", "invalid-index"],
    ["a literal name index past the tables", "7f0001", "invalid-index"],
    ["a block cut inside a string", "400a6162", "truncated"],
    ["a string length but no string", "4003", "truncated"],
    ["a literal without a value", "4001", "truncated"],
    ["a table size update above our setting", "3fe21f", "invalid-table-size-update"],
    ["a table size update after a field", "8220", "invalid-table-size-update"],
    ["a Huffman string with EOS", "0084ffffffff", "invalid-huffman"],
  ] as const)("rejects %s", (_what, wire, code) => {
    expectHpackError(() => new HpackDecoder().decode(hex(wire)), code);
  });

  it("rejects a string longer than maxStringLength, raw or Huffman-coded", () => {
    const long = new HpackEncoder({ huffman: "never" }).encode(["x", "a".repeat(100)]);
    expectHpackError(() => new HpackDecoder({ maxStringLength: 99 }).decode(long), "string-too-long");
    const coded = new HpackEncoder({ huffman: "always" }).encode(["x", "a".repeat(100)]);
    expectHpackError(() => new HpackDecoder({ maxStringLength: 99 }).decode(coded), "string-too-long");
    expect(new HpackDecoder({ maxStringLength: 100 }).decode(coded).headers).toEqual(["x", "a".repeat(100)]);
  });

  it("counts 32 octets per field: empty headers cannot slip past the list limit", () => {
    const encoder = new HpackEncoder();
    const headers: string[] = [];
    for (let i = 0; i < 40; i++) headers.push("x", "");
    const block = encoder.encode(headers);
    expect(block.length).toBeLessThan(100);
    const decoded = new HpackDecoder({ maxHeaderListSize: 33 * 39 }).decode(block);
    expect(decoded).toEqual({ headers: [], size: 33 * 40, tooLarge: true });
  });

  it("an HPACK bomb (one big indexed entry referenced again and again) is reported too large, tables in step", () => {
    const big = new HpackEncoder().encode(["x-bomb", "b".repeat(2000)]);
    const refs = new Uint8Array(1000).fill(0xbe); // index 62: the newest dynamic entry
    const decoder = new HpackDecoder({ maxHeaderListSize: 65536 });
    expect(decoder.decode(big).tooLarge).toBe(false);
    const bomb = decoder.decode(refs);
    expect(bomb.tooLarge).toBe(true);
    expect(bomb.headers).toEqual([]);
    expect(bomb.size).toBe(1000 * (6 + 2000 + 32));
    // Still usable: the table was kept in step.
    expect(decoder.decode(hex("be")).headers).toEqual(["x-bomb", "b".repeat(2000)]);
  });

  it("after we lower SETTINGS_HEADER_TABLE_SIZE, requires the next block to start with a size update", () => {
    const decoder = new HpackDecoder();
    decoder.decode(new HpackEncoder().encode(["x-a", "1"]));
    decoder.setMaxDynamicTableSize(0);
    expectHpackError(() => decoder.decode(hex("82")), "invalid-table-size-update");
    const again = new HpackDecoder();
    again.decode(new HpackEncoder().encode(["x-a", "1"]));
    again.setMaxDynamicTableSize(0);
    expect(again.decode(hex("2082")).headers).toEqual([":method", "GET"]);
  });
});
