import type { Clock } from "../connection.js";

/**
 * The clock a driver keeps time with: "now" for the protocol and the idle timeout, and the one timer
 * per connection. Real drivers use {@link monotonicClock}; the in-memory runtime can use a virtual one.
 */
export interface DriverClock extends Clock {
  /** Calls `callback` once, `ms` (>= 0) from now, on a macrotask. Must not keep the process alive. */
  setTimer(callback: () => void, ms: number): unknown;
  /** Cancels a timer made by {@link setTimer} (harmless when it already fired). */
  clearTimer(handle: unknown): void;
}

const performanceNow: () => number =
  typeof globalThis.performance?.now === "function" ? () => performance.now() : () => Date.now();

/** Node and Bun timers have `unref`; Deno's are numbers released by `Deno.unrefTimer`; workerd needs neither. */
function unref(timer: unknown): void {
  if (typeof timer === "object" && timer !== null && "unref" in timer) {
    (timer as { unref(): void }).unref();
    return;
  }
  const deno = (globalThis as { Deno?: { unrefTimer?: (id: number) => void } }).Deno;
  if (typeof timer === "number" && deno?.unrefTimer) deno.unrefTimer(timer);
}

/**
 * The real drivers' clock: `performance.now()` (monotonic: never jumps with the wall clock) and
 * `setTimeout` timers that never keep the process alive by themselves.
 */
export const monotonicClock: DriverClock = {
  now: performanceNow,
  setTimer(callback, ms) {
    const timer = setTimeout(callback, ms);
    unref(timer);
    return timer;
  },
  clearTimer(handle) {
    clearTimeout(handle as Parameters<typeof clearTimeout>[0]);
  },
};
