import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Deferred, PendingQueue } from "../../src/blocks/index.js";
import { ConnectionClosedError } from "../../src/errors.js";
import { unhandledRejectionsOf } from "./unhandled.js";

describe("Deferred", () => {
  it("settles once: later resolve or reject calls are ignored and say so", async () => {
    const deferred = new Deferred<number>();
    expect(deferred.settled).toBe(false);
    expect(deferred.resolve(1)).toBe(true);
    expect(deferred.resolve(2)).toBe(false);
    expect(deferred.reject(new Error("late"))).toBe(false);
    expect(deferred.settled).toBe(true);
    await expect(deferred.promise).resolves.toBe(1);
  });

  it("a rejection nobody awaits raises no unhandled rejection; one awaited still throws", async () => {
    const unhandled = await unhandledRejectionsOf(async () => {
      for (let i = 0; i < 100; i++) new Deferred<void>().reject(new Error(`ignored ${i}`));
      const awaited = new Deferred<void>();
      awaited.reject(new ConnectionClosedError("gone"));
      await expect(awaited.promise).rejects.toBeInstanceOf(ConnectionClosedError);
    });
    expect(unhandled).toEqual([]);
  });
});

describe("PendingQueue", () => {
  it("is a FIFO: push, peek, at, shift, size", () => {
    const queue = new PendingQueue<Deferred<string>>();
    expect(queue.size).toBe(0);
    expect(queue.peek()).toBeUndefined();
    expect(queue.shift()).toBeUndefined();
    const a = new Deferred<string>();
    const b = new Deferred<string>();
    queue.push(a);
    queue.push(b);
    expect(queue.size).toBe(2);
    expect(queue.peek()).toBe(a);
    expect(queue.at(1)).toBe(b);
    expect(queue.at(2)).toBeUndefined();
    expect(queue.at(-1)).toBeUndefined();
    expect(queue.shift()).toBe(a);
    expect(queue.peek()).toBe(b);
    expect(queue.size).toBe(1);
  });

  it("keeps FIFO order over any interleaving of pushes and shifts (checked against an array)", () => {
    fc.assert(
      fc.property(fc.array(fc.boolean(), { maxLength: 500 }), (ops) => {
        const queue = new PendingQueue<{ id: number; reject(): void }>();
        const model: number[] = [];
        let next = 0;
        for (const push of ops) {
          if (push) {
            queue.push({ id: next, reject() {} });
            model.push(next++);
          } else {
            expect(queue.shift()?.id).toBe(model.shift());
          }
          expect(queue.size).toBe(model.length);
          expect(queue.peek()?.id).toBe(model[0]);
        }
      }),
    );
  });

  it("failAll fails every waiting entry exactly once, in order, and empties the queue", async () => {
    const queue = new PendingQueue<Deferred<string>>();
    const entries = Array.from({ length: 5 }, () => new Deferred<string>());
    for (const entry of entries) queue.push(entry);
    queue.shift()?.resolve("answered");
    const error = new ConnectionClosedError("EOF before the replies");
    expect(queue.failAll(error)).toBe(4);
    expect(queue.size).toBe(0);
    expect(queue.failAll(new Error("again"))).toBe(0);
    await expect(entries[0]?.promise).resolves.toBe("answered");
    for (const entry of entries.slice(1)) await expect(entry.promise).rejects.toBe(error);
  });

  it("failAll with promises nobody awaits raises no unhandled rejection", async () => {
    const unhandled = await unhandledRejectionsOf(() => {
      const queue = new PendingQueue<Deferred<void>>();
      for (let i = 0; i < 50; i++) queue.push(new Deferred<void>());
      queue.failAll(new ConnectionClosedError("closed"));
    });
    expect(unhandled).toEqual([]);
  });

  it("failAll still fails every entry when one reject throws, then rethrows the first error", () => {
    const queue = new PendingQueue<{ reject(error: unknown): void }>();
    const seen: number[] = [];
    for (let i = 0; i < 4; i++) {
      queue.push({
        reject() {
          seen.push(i);
          if (i === 1 || i === 2) throw new Error(`reject ${i} failed`);
        },
      });
    }
    expect(() => queue.failAll(new Error("eof"))).toThrow("reject 1 failed");
    expect(seen).toEqual([0, 1, 2, 3]);
    expect(queue.size).toBe(0);
  });

  it("entries pushed from inside a reject stay queued for the next failAll", () => {
    const queue = new PendingQueue<{ reject(error: unknown): void }>();
    let failed = 0;
    const late = { reject: () => failed++ };
    queue.push({ reject: () => queue.push(late) });
    expect(queue.failAll(new Error("eof"))).toBe(1);
    expect(queue.size).toBe(1);
    expect(queue.failAll(new Error("eof"))).toBe(1);
    expect(failed).toBe(1);
  });
});
