import { describe, expect, it } from "vitest";
import { Deadlines } from "../src/connection/deadlines.js";
import { FloodGuard, isEmptyFrame } from "../src/connection/flood-guard.js";
import { resolveOptions } from "../src/connection/options.js";
import type { Frame } from "../src/frame/index.js";
import { TokenBucket } from "../src/state/token-bucket.js";

describe("Deadlines: SETTINGS acknowledgement and keep-alive, as pure state", () => {
  it("a transcript: SETTINGS ACK in time, silence, keep-alive PING, answer, silence, no answer", () => {
    const d = new Deadlines(1000, 5000, 2000);
    expect(d.next()).toBe(5000); // no clock yet: keep-alive from 0
    d.start(100, true);
    expect(d.next()).toBe(1100); // the SETTINGS ACK is due first
    expect(d.due(1099)).toBeNull();
    d.settingsAcknowledged(500, false);
    expect(d.next()).toBe(5100);
    d.heard(3000);
    expect([d.next(), d.due(7999)]).toEqual([8000, null]);
    expect(d.due(8000)).toBe("keep-alive-ping");
    expect(d.next()).toBe(10_000);
    d.heard(9000); // the answer (any byte)
    expect(d.next()).toBe(14_000);
    expect(d.due(14_000)).toBe("keep-alive-ping");
    expect(d.due(15_999)).toBeNull();
    expect(d.due(16_000)).toBe("keep-alive-dead");
  });

  it("an unacknowledged SETTINGS times out; nothing is due once stopped or without keep-alive", () => {
    const d = new Deadlines(1000, 0, 2000);
    d.start(0, true);
    expect(d.due(1000)).toBe("settings-timeout");
    expect([d.next(), d.due(1_000_000)]).toEqual([undefined, null]);
    const stopped = new Deadlines(1000, 10, 10);
    stopped.start(0, true);
    stopped.stop();
    expect([stopped.next(), stopped.due(1_000_000)]).toEqual([undefined, null]);
  });
});

describe("FloodGuard and its token buckets", () => {
  it("a bucket allows its burst, then refills at its rate on the clock", () => {
    const bucket = new TokenBucket(3, 10);
    expect([bucket.take(0), bucket.take(0), bucket.take(0), bucket.take(0)]).toEqual([true, true, true, false]);
    expect(bucket.take(99)).toBe(false); // 0.99 of a token
    expect(bucket.take(100)).toBe(true);
    expect(bucket.take(10_000)).toBe(true); // refilled, up to the burst
  });

  it("counts PINGs, SETTINGS and resets separately against their limits", () => {
    const guard = new FloodGuard(resolveOptions({ pingBurst: 2, settingsBurst: 1, resetBurst: 3 }));
    expect([guard.ping(0), guard.ping(0), guard.ping(0)]).toEqual([true, true, false]);
    expect([guard.settings(0), guard.settings(0)]).toEqual([true, false]);
    expect([guard.reset(0), guard.reset(0), guard.reset(0), guard.reset(0)]).toEqual([true, true, true, false]);
  });

  it("empty frames in a row, reset by any frame that carries something", () => {
    const guard = new FloodGuard(resolveOptions({ maxEmptyFrames: 2 }));
    const empty: Frame = { type: "data", streamId: 1, endStream: false, data: new Uint8Array(0), flowLength: 0 };
    const ping: Frame = { type: "ping", ack: false, payload: new Uint8Array(8) };
    expect([guard.frame(empty), guard.frame(empty), guard.frame(ping), guard.frame(empty), guard.frame(empty)]).toEqual(
      [true, true, true, true, true],
    );
    expect(guard.frame(empty)).toBe(false);
  });

  it("queued control frames, forgiven once the output drained", () => {
    const guard = new FloodGuard(resolveOptions({ maxQueuedControlFrames: 2 }));
    expect([guard.controlQueued(), guard.controlQueued(), guard.controlQueued()]).toEqual([true, true, false]);
    guard.outputDrained();
    expect(guard.controlQueued()).toBe(true);
  });

  it.each<[string, Frame, boolean]>([
    ["empty DATA", { type: "data", streamId: 1, endStream: false, data: new Uint8Array(0), flowLength: 0 }, true],
    [
      "empty DATA ending the stream",
      { type: "data", streamId: 1, endStream: true, data: new Uint8Array(0), flowLength: 0 },
      false,
    ],
    [
      "padding-only DATA",
      { type: "data", streamId: 1, endStream: false, data: new Uint8Array(0), flowLength: 9 },
      true,
    ],
    [
      "an empty CONTINUATION that does not end",
      { type: "continuation", streamId: 1, endHeaders: false, fragment: new Uint8Array(0) },
      true,
    ],
    ["an unknown frame", { type: "unknown", frameType: 0xfe, streamId: 0, flags: 0 }, true],
    ["a WINDOW_UPDATE", { type: "window_update", streamId: 0, increment: 1 }, false],
  ])("%s is empty: %s", (_name, frame, empty) => {
    expect(isEmptyFrame(frame)).toBe(empty);
  });
});
