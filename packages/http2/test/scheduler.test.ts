import { describe, expect, it } from "vitest";
import { DataScheduler, type DataSink } from "../src/connection/data-scheduler.js";
import { Http2Stream, type StreamListener } from "../src/connection/stream.js";
import { parseFrameHeader } from "../src/frame/parse.js";
import { SendWindow } from "../src/state/flow.js";

const listener: StreamListener = { headers: () => null, headersTooLarge: () => {}, failed: () => {}, closed: () => {} };

/** A sink that records "DATA <stream> <length>[ END]" for every frame header, and consumes nothing. */
function recorder(maxFrameSize = 16384) {
  const log: string[] = [];
  const ended: number[] = [];
  let queued = 0;
  const state = { open: true };
  const sink: DataSink = {
    get queued() {
      return queued;
    },
    get open() {
      return state.open;
    },
    emit: (bytes) => {
      queued += bytes.length;
      if (bytes.length === 9 && bytes[3] === 0) {
        const h = parseFrameHeader(bytes, 0);
        log.push(`DATA ${h.streamId} ${h.length}${h.flags & 1 ? " END" : ""}`);
      }
    },
    maxFrameSize: () => maxFrameSize,
    trailerFrames: (stream) => {
      log.push(`TRAILERS ${stream.id}`);
      return [];
    },
    ended: (stream) => ended.push(stream.id),
  };
  return { sink, log, ended, state, drain: () => (queued = 0) };
}

function stream(id: number, window: number, body: number, end: boolean, trailers: string[] | null = null): Http2Stream {
  const s = new Http2Stream(id, listener, window, 65535, 1 << 20);
  s.state = "open";
  s.headersSent = true;
  if (body > 0) s.outgoing.push(new Uint8Array(body));
  if (end) {
    s.outgoing.ended = true;
    s.outgoing.trailers = trailers;
  }
  return s;
}

describe("DataScheduler: DATA as flow control allows, round robin", () => {
  it("alternates between streams frame by frame, each frame bounded by the peer's frame size", () => {
    const { sink, log, ended, state } = recorder(1000);
    const scheduler = new DataScheduler(sink, new SendWindow(1 << 20), 1 << 20);
    state.open = false; // both streams join before anything is sent
    scheduler.add(stream(1, 65535, 2500, true));
    scheduler.add(stream(3, 65535, 1500, true, ["x-t", "1"]));
    state.open = true;
    scheduler.fill();
    expect(log).toEqual(["DATA 1 1000", "DATA 3 1000", "DATA 1 1000", "DATA 3 500", "DATA 1 500 END", "TRAILERS 3"]);
    expect(ended).toEqual([1, 3]);
  });

  it("stops at the stream window and at the connection window; a WINDOW_UPDATE (add) resumes it", () => {
    const { sink, log } = recorder();
    const connection = new SendWindow(700);
    const scheduler = new DataScheduler(sink, connection, 1 << 20);
    const small = stream(1, 300, 1000, true);
    scheduler.add(small);
    expect(log).toEqual(["DATA 1 300"]);
    small.sendWindow.increase(1000);
    scheduler.add(small);
    expect(log).toEqual(["DATA 1 300", "DATA 1 400"]); // the connection window (700) is spent
    connection.increase(1000);
    scheduler.fill();
    expect(log).toEqual(["DATA 1 300", "DATA 1 400", "DATA 1 300 END"]);
  });

  it("stops at the output's high-water mark until the output drains", () => {
    const { sink, log, drain } = recorder(1000);
    const scheduler = new DataScheduler(sink, new SendWindow(1 << 20), 1500);
    scheduler.add(stream(1, 65535, 5000, false));
    expect(log.length).toBe(2); // 2 x (9 + 1000) >= 1500
    drain();
    scheduler.fill();
    expect(log.length).toBe(4);
  });

  it("an empty ended body sends one empty DATA with END_STREAM; a stream not yet ended sends nothing", () => {
    const { sink, log } = recorder();
    const scheduler = new DataScheduler(sink, new SendWindow(1 << 20), 1 << 20);
    scheduler.add(stream(1, 65535, 0, true));
    scheduler.add(stream(3, 65535, 0, false));
    expect(log).toEqual(["DATA 1 0 END"]);
  });
});
