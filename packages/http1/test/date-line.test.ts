// The Date header line is encoded once per second and, on runtimes whose timers can be released,
// reused without a clock read until a timer marks the next second: it must still change with the second.
import { describe, expect, it } from "vitest";
import { currentDateLine } from "../src/head-encoder.js";

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

/** The IMF-fixdate of the second `ms` falls in. */
const dateOf = (ms: number) => `Date: ${new Date(Math.floor(ms / 1000) * 1000).toUTCString()}\r\n`;

describe("currentDateLine", () => {
  it("is the current second's, and the same bytes within a second", () => {
    const before = Date.now();
    const line = text(currentDateLine());
    const after = Date.now();
    expect([dateOf(before), dateOf(after)]).toContain(line);
    expect(currentDateLine()).toBe(currentDateLine());
  });

  it("moves on to the next second (a released timer expires the cached line)", async () => {
    const first = text(currentDateLine());
    // Wait past the next second boundary (bounded: at most about 1.1 s).
    const waited = 1000 - (Date.now() % 1000) + 50;
    await new Promise((resolve) => setTimeout(resolve, waited));
    const now = Date.now();
    const next = text(currentDateLine());
    expect(next).not.toBe(first);
    expect(next).toBe(dateOf(now));
  });
});
