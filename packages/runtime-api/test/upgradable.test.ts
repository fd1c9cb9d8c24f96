import { describe, expect, it } from "vitest";
import type { Clock } from "../src/connection.js";
import { Driver } from "../src/driver/driver.js";
import { UpgradableConnection } from "../src/upgradable.js";
import { FakeTransport, flush } from "./fake-transport.js";
import { Scripted } from "./scripted.js";

describe("UpgradableConnection", () => {
  it("hands the bytes the old protocol did not consume to the new one", async () => {
    const old = new Scripted();
    const next = new Scripted();
    const upgradable = new UpgradableConnection(old);
    old.consume = () => {
      upgradable.upgrade(next);
      return 3;
    };
    const driver = new Driver();
    const transport = new FakeTransport();
    driver.attach(transport);
    driver.start(upgradable);
    driver.data(new Uint8Array([1, 2, 3, 4, 5]));
    expect(old.offered).toEqual([[1, 2, 3, 4, 5]]);
    expect(next.offered).toEqual([[4, 5]]);
    expect(old.shutdownCalls).toBe(1);
    expect(upgradable.current).toBe(next);
  });

  it("wakes pending yields so the driver asks the new protocol at once", async () => {
    const old = new Scripted();
    old.readOp = "yield";
    const next = new Scripted();
    next.readOp = "yield";
    next.writeOps = [{ kind: "write", iovecs: [new Uint8Array([42])] }];
    const upgradable = new UpgradableConnection(old);
    const driver = new Driver();
    const transport = new FakeTransport();
    driver.attach(transport);
    driver.start(upgradable);
    expect(old.readResumes).toHaveLength(1);
    expect(old.writeResumes).toHaveLength(1);
    upgradable.upgrade(next);
    await flush();
    expect(next.nextWriteCalls).toBe(1);
    expect(transport.writes.map((w) => [...(w.iovecs[0] as Uint8Array)])).toEqual([[42]]);
    // A late resume from the old protocol changes nothing.
    old.readResumes[0]?.();
    await flush();
    expect(next.readResumes).toHaveLength(1);
  });

  it("writes the rest of the old protocol's output (the 101 response) before the new protocol's", async () => {
    const old = new Scripted();
    old.readOp = "yield";
    old.writeOps = [{ kind: "write", iovecs: [new Uint8Array([1])] }];
    const next = new Scripted();
    next.writeOps = [{ kind: "write", iovecs: [new Uint8Array([2])] }];
    const upgradable = new UpgradableConnection(old);
    upgradable.upgrade(next);
    const first = upgradable.nextWriteOperation();
    upgradable.reportWriteResult(1);
    const second = upgradable.nextWriteOperation();
    expect(first).toEqual({ kind: "write", iovecs: [new Uint8Array([1])] });
    expect(second).toEqual({ kind: "write", iovecs: [new Uint8Array([2])] });
    expect(old.results).toEqual([1]);
  });
});

describe("UpgradableConnection and time", () => {
  /** A protocol that only keeps time: it records the clock, and its deadline is whatever the test sets. */
  class Timed extends Scripted {
    clock: Clock | undefined;
    deadline: number | undefined;
    timeouts: number[] = [];
    setClock(clock: Clock): void {
      this.clock = clock;
    }
    nextDeadline(): number | undefined {
      return this.deadline;
    }
    handleTimeout(now: number): void {
      this.timeouts.push(now);
    }
  }

  it("gives the clock to the current protocol and to each one upgraded to", () => {
    const old = new Timed();
    const next = new Timed();
    const upgradable = new UpgradableConnection(old);
    const clock: Clock = { now: () => 7 };
    upgradable.setClock(clock);
    expect(old.clock).toBe(clock);
    expect(next.clock).toBeUndefined();
    upgradable.upgrade(next);
    expect(next.clock).toBe(clock);
  });

  it("asks the protocol now in charge for its deadline and passes timeouts to it only", () => {
    const old = new Timed();
    old.deadline = 100;
    const next = new Timed();
    next.deadline = 250;
    const upgradable = new UpgradableConnection(old);
    expect(upgradable.nextDeadline()).toBe(100);
    upgradable.handleTimeout(100);
    upgradable.upgrade(next);
    expect(upgradable.nextDeadline()).toBe(250);
    upgradable.handleTimeout(250);
    expect(old.timeouts).toEqual([100]);
    expect(next.timeouts).toEqual([250]);
  });

  it("a protocol without time methods has no deadline", () => {
    const upgradable = new UpgradableConnection(new Scripted());
    upgradable.setClock({ now: () => 0 });
    expect(upgradable.nextDeadline()).toBeUndefined();
    expect(() => upgradable.handleTimeout(0)).not.toThrow();
  });
});
