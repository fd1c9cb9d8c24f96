// CPU time of processes, from Linux's per-thread scheduler statistics (nanosecond resolution, every
// thread of the process counted). Where /proc is missing, CPU columns are left empty.
import { readdirSync, readFileSync } from "node:fs";

/** Nanoseconds the threads of `pid` have run so far, or NaN when it cannot be read. */
export function cpuNanos(pid) {
  if (pid === undefined) return Number.NaN;
  let total = 0;
  let tasks;
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return Number.NaN;
  }
  for (const task of tasks) {
    try {
      total += Number(readFileSync(`/proc/${pid}/task/${task}/schedstat`, "utf8").split(" ", 1)[0]);
    } catch {
      // The thread ended meanwhile.
    }
  }
  return total;
}

/** The summed CPU nanoseconds of several processes. */
export function cpuOf(pids) {
  let total = 0;
  for (const pid of pids) total += cpuNanos(pid);
  return total;
}
