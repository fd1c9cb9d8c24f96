import type { Session } from "../runtime.js";
import { type CaseContext, check, sleep, within } from "./harness.js";
import { BUSY_LOOP_BOUNDS, cpuClock, type QuietMeasure, type WriteActivity } from "./write-activity.js";

const now = (): number => (globalThis.performance ? performance.now() : Date.now());

/**
 * Waits for `session.closed`, lets one-off cleanup settle, then watches the process for
 * {@link BUSY_LOOP_BOUNDS.windowMs}: counts the protocol's write-side calls from the moment its socket
 * was gone to the end of the window, and the CPU time the process spent in the window. Throws,
 * naming both numbers, when either is past its bound (a busy loop on a dead socket, gluten#85).
 */
export async function checkNoBusyLoop(
  t: CaseContext,
  activity: WriteActivity,
  session: Session,
  limit: number,
  what: string,
): Promise<QuietMeasure> {
  await within(session.closed, limit, `${what}: session.closed`);
  activity.gone();
  await sleep(BUSY_LOOP_BOUNDS.settleMs);
  const cpu = cpuClock();
  const cpuStart = cpu?.();
  const started = now();
  await sleep(BUSY_LOOP_BOUNDS.windowMs);
  const windowMs = now() - started;
  const cpuMs = cpu && cpuStart !== undefined ? cpu() - cpuStart : undefined;
  const measure: QuietMeasure = { writeCallsAfterGone: activity.afterGone, windowMs, cpuMs };
  t.measured(
    `${what}: ${measure.writeCallsAfterGone} write calls after the socket was gone, ` +
      (cpuMs === undefined ? "no CPU clock" : `${cpuMs.toFixed(1)} ms CPU in ${windowMs.toFixed(0)} ms`),
  );
  const problems: string[] = [];
  if (measure.writeCallsAfterGone > BUSY_LOOP_BOUNDS.maxWriteCallsAfterGone) {
    problems.push(
      `the protocol was asked to write ${measure.writeCallsAfterGone} times after its socket was gone (at most ${BUSY_LOOP_BOUNDS.maxWriteCallsAfterGone})`,
    );
  }
  if (cpuMs !== undefined && cpuMs > windowMs * BUSY_LOOP_BOUNDS.maxCpuShare) {
    problems.push(
      `the process spent ${cpuMs.toFixed(0)} ms on the CPU in the ${windowMs.toFixed(0)} ms after the fault (at most ${BUSY_LOOP_BOUNDS.maxCpuShare * 100}%)`,
    );
  }
  check(problems.length === 0, `${what}: busy loop: ${problems.join("; ")}`);
  return measure;
}
