import { describe, expect, it } from "vitest";
import { runConformance } from "../src/conformance/index.js";
import { createFlawedRuntime, createMemoryRuntime, type DriverFlaw } from "../src/testing/index.js";

const RESET = 'reset: peer resets mid-write: one "closed", no further writes, no busy loop';
const HANGUP = 'write: peer hangs up mid-write: one "closed", then no more writes, no busy loop';
const SLOW_READER = "write: a slow reader of a 64 MiB stream: the writer stays within bounded buffering";
const CLOSE_YIELDED = "close: close() while both sides are yielded: no resume reaches the released connection";
const SERVER_CLOSE_YIELDED = "close: a server session closed while both sides are yielded gets no late calls";
const THROWS = "errors: the protocol throws from each of its callbacks in turn: reported once, released, others served";

// Each deliberately broken driver must be caught by the case named for its bug, for the reason named
// here. The flaws are injected from the test side (a wrapper around every connection), never by checks
// inside the driver.
const flaws: [DriverFlaw, string, RegExp][] = [
  ["never-reoffer-buffered", "read: buffered input is offered again before waiting on the socket", /./],
  ["second-resume", "resume: synchronous resume 5,000 times, one pending resume, no re-entry", /./],
  ["write-after-closed", HANGUP, /after "closed"|busy loop/],
  ["drop-eof", "half-close: client sends FIN, the server's reply still arrives", /./],
  // gluten#85: EPIPE answered with "0 bytes written" and retried from setImmediate.
  ["epipe-spin", RESET, /asked to write \d+ times after its socket was gone/],
  ["epipe-spin", HANGUP, /asked to write \d+ times after its socket was gone/],
  // The same spin without asking the protocol: only the CPU clock sees it.
  ["dead-socket-spin", RESET, /ms on the CPU/],
  // Writes copied into an unbounded queue and reported written at once.
  ["buffer-writes", SLOW_READER, /MiB written that the reader had not read/],
  // A resume after the socket was released runs the loop on the dead connection.
  ["resume-after-close", CLOSE_YIELDED, /after close\(\)/],
  ["resume-after-close", SERVER_CLOSE_YIELDED, /late call/],
  // A throw from a callback dropped: never reported, the socket never released.
  ["swallow-throws", THROWS, /did not (settle|happen)/],
];

/** A spinning flaw keeps spinning for a bounded time after its case; let it end before the next case. */
const spins = new Set<DriverFlaw>(["epipe-spin", "dead-socket-spin"]);

describe("the conformance suite has teeth", () => {
  for (const [flaw, caseName, reason] of flaws) {
    it(`catches a driver with the flaw "${flaw}" in "${caseName}"`, async () => {
      const results = await runConformance(createFlawedRuntime(createMemoryRuntime(), flaw), {
        only: [caseName],
        caseTimeout: 1500,
      });
      if (spins.has(flaw)) await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(results).toHaveLength(1);
      expect(results[0]?.status, results[0]?.error).toBe("fail");
      expect(results[0]?.error).toMatch(reason);
    });
  }
});
