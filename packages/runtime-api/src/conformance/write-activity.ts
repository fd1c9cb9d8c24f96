/**
 * What "no busy loop" means after a fault, in numbers a correct adapter meets easily on every runtime.
 * A spin does ~100,000+ protocol calls a second and keeps a core busy; a correct adapter asks the
 * protocol at most a handful of times after its socket is gone and then sleeps.
 */
export const BUSY_LOOP_BOUNDS = {
  /** How long after `session.closed` the CPU window starts (ms): one-off cleanup (GC, a runtime's socket teardown) settles first. */
  settleMs: 100,
  /** How long the process's CPU time is watched (ms). A spin keeps going; one-off work does not. */
  windowMs: 500,
  /** Write-side calls (`nextWriteOperation`, `reportWriteResult`) allowed after the socket is gone. */
  maxWriteCallsAfterGone: 4,
  /** Share of the window the process may spend on the CPU (user + system), where a CPU clock exists. */
  maxCpuShare: 0.2,
} as const;

/** What the process did in the window after a fault. */
export interface QuietMeasure {
  /** Write-side protocol calls from the moment the socket was gone to the end of the window. */
  readonly writeCallsAfterGone: number;
  /** The window's length (ms of wall time). */
  readonly windowMs: number;
  /** CPU time (user + system) the process spent in the window, in ms; undefined without a CPU clock (workerd). */
  readonly cpuMs: number | undefined;
}

/**
 * Counts a protocol's write-side calls, and how many came after its socket was gone. A protocol calls
 * {@link count} from `nextWriteOperation` and `reportWriteResult`, and {@link gone} when it hears
 * `"closed"` or an error; the harness calls `gone` too once `session.closed` settles.
 */
export class WriteActivity {
  /** Write-side calls so far. */
  calls = 0;
  #atGone: number | undefined;

  /** One write-side call. */
  count(): void {
    this.calls++;
  }
  /** The socket is gone: later calls are the driver asking a dead connection to write. The first mark wins. */
  gone(): void {
    this.#atGone ??= this.calls;
  }
  /** Write-side calls since the socket was gone (0 before). */
  get afterGone(): number {
    return this.#atGone === undefined ? 0 : this.calls - this.#atGone;
  }
}

/** The process's CPU clock (user + system, ms) where the runtime has one (Node, Bun, Deno); undefined in workerd. */
export function cpuClock(): (() => number) | undefined {
  const process = (globalThis as { process?: { cpuUsage?: () => { user: number; system: number } } }).process;
  const usage = process?.cpuUsage;
  if (typeof usage !== "function") return undefined;
  try {
    const probe = usage.call(process);
    if (typeof probe?.user !== "number" || typeof probe.system !== "number") return undefined;
  } catch {
    return undefined;
  }
  return () => {
    const { user, system } = usage.call(process);
    return (user + system) / 1000;
  };
}
