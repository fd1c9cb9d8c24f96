import { describe, expect, it } from "vitest";
import { PendingResume, ResumeAlreadyPendingError } from "../../src/blocks/index.js";
import { SansioError } from "../../src/errors.js";

describe("PendingResume", () => {
  it("fires a registered resume once, then forgets it", () => {
    const slot = new PendingResume();
    let calls = 0;
    slot.register(() => calls++);
    expect(slot.pending).toBe(true);
    expect(slot.wake()).toBe(true);
    expect(slot.pending).toBe(false);
    expect(slot.wake()).toBe(false);
    expect(calls).toBe(1);
  });

  it("does nothing when woken with nothing registered", () => {
    const slot = new PendingResume();
    expect(slot.wake()).toBe(false);
    expect(slot.pending).toBe(false);
  });

  it("refuses a second registration while one is pending, with a typed error, and keeps the first", () => {
    const slot = new PendingResume();
    const fired: string[] = [];
    slot.register(() => fired.push("first"));
    expect(() => slot.register(() => fired.push("second"))).toThrow(ResumeAlreadyPendingError);
    try {
      slot.register(() => {});
    } catch (error) {
      expect(error).toBeInstanceOf(SansioError);
      expect((error as Error).name).toBe("ResumeAlreadyPendingError");
    }
    slot.wake();
    expect(fired).toEqual(["first"]);
  });

  it("lets the resume register again from inside itself (it is forgotten before it runs)", () => {
    const slot = new PendingResume();
    let calls = 0;
    const resume = (): void => {
      calls++;
      if (calls < 3) slot.register(resume);
    };
    slot.register(resume);
    slot.wake();
    expect(slot.pending).toBe(true);
    slot.wake();
    slot.wake();
    slot.wake();
    expect(calls).toBe(3);
  });

  it("clear() forgets the resume without calling it", () => {
    const slot = new PendingResume();
    let calls = 0;
    slot.register(() => calls++);
    slot.clear();
    expect(slot.wake()).toBe(false);
    slot.register(() => calls++);
    slot.wake();
    expect(calls).toBe(1);
  });
});
