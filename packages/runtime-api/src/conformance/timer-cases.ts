import type { Session } from "../runtime.js";
import type { ConformanceCase } from "./case.js";
import { type CaseContext, check, eventually, NotApplicable, sleep, within } from "./harness.js";
import { DeadlineClient } from "./timer-protocols.js";

/** Connects a {@link DeadlineClient} to the echo server. */
async function deadlineSession(t: CaseContext): Promise<{ client: DeadlineClient; session: Session }> {
  const client = new DeadlineClient();
  const { session } = await t.connect(await t.target(), "echo", {}, client);
  check(client.clockCalls === 1, `setClock was called ${client.clockCalls} times, expected once`);
  check(client.callsBeforeClock === 0, `${client.callsBeforeClock} calls came before setClock`);
  return { client, session };
}

/** Ends the session and checks nothing went wrong. */
async function finish(client: DeadlineClient, session: Session, limit: number): Promise<void> {
  client.finish();
  await within(session.closed, limit, "session.closed");
  check(client.errors.length === 0, `unexpected error: ${String(client.errors[0])}`);
}

/** Ref'd timers the runtime reports (Node, Deno), or undefined when it cannot say. */
function refTimers(): number | undefined {
  const process = (globalThis as { process?: { getActiveResourcesInfo?: () => string[] } }).process;
  const info = process?.getActiveResourcesInfo;
  if (typeof info !== "function") return undefined;
  const count = (): number => info.call(process).filter((resource) => resource === "Timeout").length;
  // Probe: does a ref'd timer show up? (Bun's list leaves timers out; workerd's method throws.)
  const probe = setTimeout(() => {}, 60_000);
  try {
    const withProbe = count();
    clearTimeout(probe);
    const without = count();
    return withProbe > without ? without : undefined;
  } catch {
    return undefined;
  } finally {
    clearTimeout(probe);
  }
}

/** The timer cases: the optional time methods of `Connection` (setClock, nextDeadline, handleTimeout). */
export const timerCases: readonly ConformanceCase[] = [
  {
    name: "timer: a deadline fires once, at or after its time, never before",
    async run(t, limit) {
      const { client, session } = await deadlineSession(t);
      const at = client.deadlineIn(30);
      await eventually(() => client.fired.length > 0, limit, "handleTimeout");
      await sleep(60);
      check(client.fired.length === 1, `handleTimeout was called ${client.fired.length} times`);
      const call = client.fired[0] as (typeof client.fired)[number];
      check(call.now >= at, `handleTimeout(${call.now}) came before the deadline ${at}`);
      check(call.clockNow >= at, `the clock read ${call.clockNow} inside handleTimeout, before the deadline ${at}`);
      await finish(client, session, limit);
    },
  },
  {
    name: "timer: re-armed earlier and later, it fires at the latest answer",
    async run(t, limit) {
      const { client, session } = await deadlineSession(t);
      const late = client.deadlineIn(5_000);
      await sleep(5);
      const early = client.deadlineIn(30);
      await eventually(() => client.fired.length > 0, limit, "handleTimeout after moving the deadline earlier");
      const first = client.fired[0] as (typeof client.fired)[number];
      check(first.now >= early, `fired at ${first.now}, before the earlier deadline ${early}`);
      check(first.now < late, `fired at ${first.now}: the deadline moved earlier was not re-armed`);
      client.deadlineIn(30);
      await sleep(5);
      const later = client.deadlineIn(150);
      await eventually(() => client.fired.length > 1, limit, "handleTimeout after moving the deadline later");
      const second = client.fired[1] as (typeof client.fired)[number];
      check(second.now >= later, `fired at ${second.now}, before the later deadline ${later}`);
      await sleep(60);
      check(client.fired.length === 2, `handleTimeout was called ${client.fired.length} times, expected 2`);
      await finish(client, session, limit);
    },
  },
  {
    name: "timer: a cancelled deadline (undefined) never fires",
    async run(t, limit) {
      const { client, session } = await deadlineSession(t);
      client.deadlineIn(30);
      await sleep(5);
      client.deadlineAt(undefined);
      await sleep(150);
      check(client.fired.length === 0, `handleTimeout was called ${client.fired.length} times after cancelling`);
      await finish(client, session, limit);
    },
  },
  {
    name: "timer: a deadline in the past fires promptly",
    async run(t, limit) {
      const { client, session } = await deadlineSession(t);
      const at = client.clock.now() - 1_000;
      client.deadlineAt(at);
      await eventually(() => client.fired.length > 0, Math.min(limit, 1_000), "handleTimeout for a past deadline");
      check(client.fired.length === 1, `handleTimeout was called ${client.fired.length} times`);
      check((client.fired[0]?.now ?? -Infinity) >= at, "handleTimeout got a time before the deadline");
      await finish(client, session, limit);
    },
  },
  {
    name: "timer: no timer keeps the process alive, armed or after the session closed",
    async run(t, limit) {
      if (refTimers() === undefined) {
        throw new NotApplicable("this runtime does not report its ref'd timers (process.getActiveResourcesInfo)");
      }
      const { client, session } = await deadlineSession(t);
      const before = refTimers() ?? 0;
      client.deadlineIn(60_000);
      await sleep(10);
      const armed = refTimers() ?? 0;
      check(
        armed <= before,
        `an armed deadline added ${armed - before} ref'd timer(s): it would keep the process alive`,
      );
      await finish(client, session, limit);
      const after = refTimers() ?? 0;
      check(after <= before, `${after - before} ref'd timer(s) left after the session closed`);
    },
  },
];
