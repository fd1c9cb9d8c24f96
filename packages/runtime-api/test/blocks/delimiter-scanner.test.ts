import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DelimiterScanner, LineTooLongError } from "../../src/blocks/index.js";
import { SansioError } from "../../src/errors.js";
import { cutsOf, everyBoundary, reoffer } from "./reoffer.js";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Reads every complete line the way a protocol does: consumes whole lines, leaves a partial one. */
function lineReader(scanner: DelimiterScanner, lines: string[]) {
  const size = scanner.delimiter.length;
  return (buffer: Uint8Array, offset: number, length: number): number => {
    let used = 0;
    for (;;) {
      const end = scanner.scan(buffer, offset + used, length - used);
      if (end < 0) return used;
      lines.push(decoder.decode(buffer.subarray(offset + used, offset + used + end - size)));
      used += end;
    }
  };
}

/** The lines of `text`, split the obvious way, and what follows the last delimiter. */
function model(text: string, delimiter: string): { lines: string[]; rest: string } {
  const parts = text.split(delimiter);
  return { lines: parts.slice(0, -1), rest: parts.at(-1) ?? "" };
}

describe("DelimiterScanner", () => {
  it("finds CRLF lines at every chunk boundary, one byte at a time included", () => {
    const text = "GET / HTTP/1.1\r\nHost: a\r\n\r\nX\r\r\n\n\r\nlast";
    const input = encoder.encode(text);
    for (const cuts of everyBoundary(input.length)) {
      const lines: string[] = [];
      const left = reoffer(input, cuts, lineReader(new DelimiterScanner(), lines));
      expect(lines).toEqual(model(text, "\r\n").lines);
      expect(decoder.decode(left)).toBe("last");
    }
  });

  it("matches a plain split for any text, delimiter and chunking (property)", () => {
    const delimiters = fc.constantFrom("\r\n", "\n", "\r\n\r\n", "abcab", "aa");
    fc.assert(
      fc.property(
        delimiters,
        fc.array(fc.constantFrom("a", "b", "c", "\r", "\n", "x", "ab", "\r\n"), { maxLength: 80 }),
        cutsOf(200),
        fc.integer({ min: 0, max: 5 }),
        (delimiter, pieces, cuts, pad) => {
          const text = pieces.join("");
          const lines: string[] = [];
          const scanner = new DelimiterScanner({ delimiter, maxLength: 1000 });
          const left = reoffer(encoder.encode(text), cuts, lineReader(scanner, lines), { pad, filler: 10 });
          const expected = model(text, delimiter);
          // split() and a left-to-right scan agree on overlapping delimiters ("aa" in "aaa").
          expect(lines).toEqual(expected.lines);
          expect(decoder.decode(left)).toBe(expected.rest);
        },
      ),
    );
  });

  it("never looks outside the range it is offered", () => {
    const scanner = new DelimiterScanner();
    const buffer = encoder.encode("\r\nabc\r\n");
    expect(scanner.scan(buffer, 2, 3)).toBe(-1); // "abc", with CRLF on both sides
    expect(scanner.scan(buffer, 2, 4)).toBe(-1); // "abc\r"
    expect(scanner.scan(buffer, 2, 5)).toBe(5);
  });

  it("does not rescan bytes it already scanned: it resumes where it stopped", () => {
    const scanner = new DelimiterScanner();
    const buffer = encoder.encode("abcdef\r\n");
    expect(scanner.scan(buffer, 0, 4)).toBe(-1);
    expect(scanner.scanned).toBe(4);
    // Were the scanned bytes looked at again, this planted CRLF would be found.
    buffer.set(encoder.encode("\r\n"), 1);
    expect(scanner.scan(buffer, 0, 8)).toBe(8);
    expect(scanner.scanned).toBe(0);
  });

  it("finds a delimiter split across two offers (the scanned part may end inside it)", () => {
    const scanner = new DelimiterScanner({ delimiter: "\r\n\r\n" });
    const buffer = encoder.encode("head\r\n\r\nbody");
    expect(scanner.scan(buffer, 0, 6)).toBe(-1);
    expect(scanner.scan(buffer, 0, 7)).toBe(-1);
    expect(scanner.scan(buffer, 0, 12)).toBe(8);
  });

  it("starts over when offered fewer bytes than it already scanned, or after reset()", () => {
    const scanner = new DelimiterScanner();
    const buffer = encoder.encode("ab\r\ncd");
    expect(scanner.scan(buffer, 4, 2)).toBe(-1);
    expect(scanner.scan(buffer, 0, 1)).toBe(-1);
    expect(scanner.scan(buffer, 0, 6)).toBe(4);
    expect(scanner.scan(buffer, 4, 2)).toBe(-1);
    scanner.reset();
    expect(scanner.scanned).toBe(0);
  });

  it("accepts a line of exactly maxLength and fails one byte longer, at every chunk boundary", () => {
    const max = 10;
    const ok = encoder.encode(`${"a".repeat(max)}\r\n`);
    const tooLong = encoder.encode(`${"a".repeat(max + 1)}\r\n`);
    for (const cuts of everyBoundary(ok.length)) {
      const lines: string[] = [];
      reoffer(ok, cuts, lineReader(new DelimiterScanner({ maxLength: max }), lines));
      expect(lines).toEqual(["a".repeat(max)]);
    }
    for (const cuts of everyBoundary(tooLong.length)) {
      const lines: string[] = [];
      expect(() => reoffer(tooLong, cuts, lineReader(new DelimiterScanner({ maxLength: max }), lines))).toThrow(
        LineTooLongError,
      );
      expect(lines).toEqual([]);
    }
  });

  it("fails as soon as a line is certain to be too long, without waiting for the delimiter", () => {
    const scanner = new DelimiterScanner({ maxLength: 4 });
    const bytes = encoder.encode("abcd\rxyz");
    expect(scanner.scan(bytes, 0, 5)).toBe(-1); // "abcd\r": the CR may begin the CRLF
    let error: unknown;
    try {
      scanner.scan(bytes, 0, 6); // "abcd\rx": five bytes of line, no CRLF
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(LineTooLongError);
    expect(error).toBeInstanceOf(SansioError);
    expect((error as LineTooLongError).limit).toBe(4);
  });

  it("bounds a slowloris line: one byte per read never grows past maxLength + the delimiter", () => {
    const scanner = new DelimiterScanner({ maxLength: 100 });
    const buffer = new Uint8Array(1000).fill(0x61);
    let offered = 0;
    expect(() => {
      for (offered = 1; offered <= 1000; offered++) scanner.scan(buffer, 0, offered);
    }).toThrow(LineTooLongError);
    expect(offered).toBe(102);
  });

  it("searches long ranges with the native search and short ones by hand, with the same answers", () => {
    for (const length of [1, 50, 127, 128, 129, 5000]) {
      const bytes = new Uint8Array(length + 2).fill(0x62);
      bytes.set([13, 10], length);
      expect(new DelimiterScanner({ maxLength: 10_000 }).scan(bytes, 0, bytes.length)).toBe(length + 2);
    }
  });

  it("refuses an empty delimiter and a bad maxLength", () => {
    expect(() => new DelimiterScanner({ delimiter: "" })).toThrow(RangeError);
    expect(() => new DelimiterScanner({ maxLength: -1 })).toThrow(RangeError);
    expect(() => new DelimiterScanner({ maxLength: 1.5 })).toThrow(RangeError);
  });

  it("copies a delimiter given as bytes (changing the caller's array later changes nothing)", () => {
    const delimiter = new Uint8Array([10]);
    const scanner = new DelimiterScanner({ delimiter });
    delimiter[0] = 59;
    expect(scanner.scan(encoder.encode("a\n"), 0, 2)).toBe(2);
  });
});
