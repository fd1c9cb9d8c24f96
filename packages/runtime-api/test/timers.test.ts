import { describe, expect, it } from "vitest";
import { DeadlineClient, EchoConnection } from "../src/conformance/index.js";
import type { Session } from "../src/runtime.js";
import { MemoryRuntime } from "../src/testing/index.js";

// Time in the driver, on the memory runtime's virtual clock: nothing here sleeps.

async function setup(options: { idleTimeout?: number } = {}) {
  const runtime = new MemoryRuntime({ clock: "virtual" });
  const clock = runtime.clock;
  let armed = 0;
  const setTimer = clock.setTimer.bind(clock);
  clock.setTimer = (callback, ms) => {
    armed++;
    return setTimer(callback, ms);
  };
  const listener = await runtime.listen({}, () => new EchoConnection());
  const port = listener.address.transport === "tcp" ? listener.address.port : 0;
  const client = new DeadlineClient();
  const session: Session = await runtime.connect({ port, ...options }, client);
  return { runtime, clock, client, session, listener, timersArmed: () => armed };
}

describe("deadlines on the virtual clock", () => {
  it("fires once, exactly at the deadline, never before", async () => {
    const { clock, client, session } = await setup();
    expect(clock.now()).toBe(0);
    client.deadlineIn(30);
    await clock.advance(29);
    expect(client.fired).toEqual([]);
    await clock.advance(1);
    expect(client.fired).toEqual([{ deadline: 30, now: 30, clockNow: 30 }]);
    await clock.advance(1_000);
    expect(client.fired).toHaveLength(1);
    client.finish();
    await session.closed;
    expect(clock.pendingTimers).toBe(0);
  });

  it("re-arms only when the deadline moves earlier; a later deadline reuses the armed timer", async () => {
    const { clock, client, session, timersArmed } = await setup();
    client.deadlineIn(100);
    await clock.advance(0);
    const afterFirst = timersArmed();
    // Later, and later again, on every turn: no new timer until the armed one has fired.
    for (let i = 1; i <= 50; i++) {
      client.deadlineAt(100 + i * 10);
      await clock.advance(1);
    }
    expect(timersArmed()).toBe(afterFirst);
    expect(clock.pendingTimers).toBe(1);
    // Earlier than the armed timer: re-armed once.
    client.deadlineAt(60);
    await clock.advance(0);
    expect(timersArmed()).toBe(afterFirst + 1);
    expect(clock.pendingTimers).toBe(1);
    await clock.advance(10);
    expect(client.fired.map((call) => call.now)).toEqual([60]);
    client.finish();
    await session.closed;
  });

  it("moved later, it fires at the new time: the early wake-up finds nothing due and re-arms", async () => {
    const { clock, client, session } = await setup();
    client.deadlineIn(30);
    await clock.advance(10);
    client.deadlineAt(200);
    await clock.advance(100);
    expect(client.fired).toEqual([]);
    await clock.advance(90);
    expect(client.fired.map((call) => call.now)).toEqual([200]);
    client.finish();
    await session.closed;
  });

  it("a cancelled deadline never fires", async () => {
    const { clock, client, session } = await setup();
    client.deadlineIn(30);
    await clock.advance(10);
    client.deadlineAt(undefined);
    await clock.advance(1_000);
    expect(client.fired).toEqual([]);
    client.finish();
    await session.closed;
  });

  it("a deadline in the past fires without advancing the clock", async () => {
    const { clock, client, session } = await setup();
    await clock.advance(500);
    client.deadlineAt(100);
    await new Promise((resolve) => setTimeout(resolve, 0));
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(client.fired).toEqual([{ deadline: 100, now: 500, clockNow: 500 }]);
    client.finish();
    await session.closed;
  });

  it("the idle timeout shares the connection's one timer and counts virtual time", async () => {
    const { clock, client, session } = await setup({ idleTimeout: 1_000 });
    expect(clock.pendingTimers).toBe(1);
    client.deadlineIn(300);
    await clock.advance(0);
    expect(clock.pendingTimers).toBe(1);
    await clock.advance(300);
    expect(client.fired.map((call) => call.now)).toEqual([300]);
    expect(clock.pendingTimers).toBe(1); // one timer: the deadline's, re-armed for the idle timeout (the server has none)
    await clock.advance(699);
    expect(client.errors).toEqual([]);
    await clock.advance(1);
    expect(client.errors.map((error) => (error as Error).name)).toEqual(["TimeoutError"]);
    await session.closed;
  });

  it("releases the timer when the session closes with a deadline armed", async () => {
    const { clock, client, session } = await setup();
    client.deadlineIn(60_000);
    await clock.advance(1);
    expect(clock.pendingTimers).toBe(1);
    session.close();
    await session.closed;
    expect(clock.pendingTimers).toBe(0);
  });

  it("a throw from nextDeadline or handleTimeout reaches reportError and releases the socket", async () => {
    for (const method of ["nextDeadline", "handleTimeout"] as const) {
      const { clock, client, session } = await setup();
      const failure = new Error(`${method} failed`);
      client.deadlineIn(10);
      client[method] = () => {
        throw failure;
      };
      client.deadlineIn(20);
      await clock.advance(20);
      await session.closed;
      expect(client.errors).toEqual([failure]);
    }
  });

  it("setClock comes once, before anything else, with the runtime's clock", async () => {
    const { runtime, client, session } = await setup();
    expect(client.clockCalls).toBe(1);
    expect(client.callsBeforeClock).toBe(0);
    expect(client.clock).toBe(runtime.clock);
    client.finish();
    await session.closed;
  });
});
