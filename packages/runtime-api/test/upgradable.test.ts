import { describe, expect, it } from "vitest";
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
