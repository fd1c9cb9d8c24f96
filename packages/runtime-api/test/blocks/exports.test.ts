import { describe, expect, it } from "vitest";
import * as api from "../../src/index.js";

describe("the building blocks are in the package's main entry", () => {
  it.each([
    "ByteCollector",
    "Deferred",
    "DelimiterScanner",
    "OutputQueue",
    "PendingQueue",
    "PendingResume",
    "LineTooLongError",
    "ResumeAlreadyPendingError",
    "ValueTooLargeError",
  ])("exports %s", (name) => {
    expect(typeof (api as Record<string, unknown>)[name]).toBe("function");
  });
});
