import { describe, expect, it } from "vitest";
import { SettingId } from "../src/frame/constants.js";
import { ReceiveWindow, SendWindow } from "../src/state/flow.js";
import { applySettings, INITIAL_SETTINGS, SettingsNegotiation } from "../src/state/settings.js";
import { type StreamEvent, type StreamState, streamTransition } from "../src/state/stream-state.js";

const STATES: StreamState[] = [
  "idle",
  "reserved_local",
  "reserved_remote",
  "open",
  "half_closed_local",
  "half_closed_remote",
  "closed",
];
// biome-ignore format: a table
const EVENTS: StreamEvent[] = [
  "send_headers", "recv_headers", "send_data", "recv_data", "send_end_stream", "recv_end_stream",
  "send_push_promise", "recv_push_promise", "send_rst_stream", "recv_rst_stream",
  "send_window_update", "recv_window_update", "recv_priority",
];

/** Shorthand of an outcome: the next state, "local", or "CODE/scope". */
function outcome(state: StreamState, event: StreamEvent): string {
  const t = streamTransition(state, event);
  return t.kind === "ok" ? t.state : t.kind === "local" ? "local" : `${t.code}/${t.scope}`;
}

describe("stream states (RFC 9113 §5.1) as a table", () => {
  // The whole table, row by row: every state x every event. Reading it is reading §5.1.
  // biome-ignore format: a table
  const expected: Record<StreamState, string[]> = {
    //                  s_hdr                 r_hdr                      s_data     r_data                     s_end                r_end                     s_pp              r_pp               s_rst     r_rst     s_wu                 r_wu                  r_prio
    idle:               ["open",              "open",                    "local",   "PROTOCOL_ERROR/connection", "local",           "PROTOCOL_ERROR/connection", "reserved_local", "reserved_remote", "local", "PROTOCOL_ERROR/connection", "local", "PROTOCOL_ERROR/connection", "idle"],
    reserved_local:     ["half_closed_remote", "PROTOCOL_ERROR/connection", "local",  "PROTOCOL_ERROR/connection", "local",           "PROTOCOL_ERROR/connection", "local",         "PROTOCOL_ERROR/connection", "closed", "closed", "local", "reserved_local", "reserved_local"],
    reserved_remote:    ["local",             "half_closed_local",       "local",   "PROTOCOL_ERROR/connection", "local",           "PROTOCOL_ERROR/connection", "local",         "PROTOCOL_ERROR/connection", "closed", "closed", "reserved_remote", "PROTOCOL_ERROR/connection", "reserved_remote"],
    open:               ["open",              "open",                    "open",    "open",                    "half_closed_local", "half_closed_remote",     "local",          "PROTOCOL_ERROR/connection", "closed", "closed", "open", "open", "open"],
    half_closed_local:  ["local",             "half_closed_local",       "local",   "half_closed_local",       "local",             "closed",                 "local",          "PROTOCOL_ERROR/connection", "closed", "closed", "half_closed_local", "half_closed_local", "half_closed_local"],
    half_closed_remote: ["half_closed_remote", "STREAM_CLOSED/stream",   "half_closed_remote", "STREAM_CLOSED/stream", "closed",     "STREAM_CLOSED/stream",   "local",          "STREAM_CLOSED/stream", "closed", "closed", "local", "half_closed_remote", "half_closed_remote"],
    closed:             ["local",             "STREAM_CLOSED/stream",    "local",   "STREAM_CLOSED/stream",    "local",             "STREAM_CLOSED/stream",   "local",          "STREAM_CLOSED/stream", "closed", "closed", "local", "closed", "closed"],
  };
  it.each(STATES)("%s", (state) => {
    expect(EVENTS.map((event) => `${event}→${outcome(state, event)}`)).toEqual(
      EVENTS.map((event, i) => `${event}→${expected[state][i]}`),
    );
  });

  it("a request/response transcript walks idle → open → half closed → closed on both sides", () => {
    const walk = (events: StreamEvent[]): string[] => {
      let state: StreamState = "idle";
      return events.map((event) => {
        const t = streamTransition(state, event);
        if (t.kind !== "ok") return `${event}: ${t.kind}`;
        state = t.state;
        return state;
      });
    };
    // Client: HEADERS, DATA+END_STREAM; then the response HEADERS, DATA+END_STREAM.
    expect(
      walk(["send_headers", "send_data", "send_end_stream", "recv_headers", "recv_data", "recv_end_stream"]),
    ).toEqual(["open", "open", "half_closed_local", "half_closed_local", "half_closed_local", "closed"]);
    // Server: the mirror image.
    expect(walk(["recv_headers", "recv_end_stream", "send_headers", "send_data", "send_end_stream"])).toEqual([
      "open",
      "half_closed_remote",
      "half_closed_remote",
      "half_closed_remote",
      "closed",
    ]);
    // Pushed response, as the client sees it.
    expect(walk(["recv_push_promise", "recv_headers", "recv_data", "recv_end_stream"])).toEqual([
      "reserved_remote",
      "half_closed_local",
      "half_closed_local",
      "closed",
    ]);
  });
});

describe("flow-control windows (RFC 9113 §6.9)", () => {
  it("send window: spent by DATA, refilled by WINDOW_UPDATE, never above 2^31-1", () => {
    const w = new SendWindow(65535);
    w.consume(65535);
    expect(w.available).toBe(0);
    expect(w.increase(10)).toBe(true);
    expect(w.available).toBe(10);
    expect(w.increase(0x7fffffff)).toBe(false);
    expect(w.value).toBe(10);
  });

  it("send window: a smaller SETTINGS_INITIAL_WINDOW_SIZE can make it negative; nothing may be sent until it is positive", () => {
    const w = new SendWindow(65535);
    w.consume(60000);
    expect(w.adjust(16384 - 65535)).toBe(true);
    expect(w.value).toBe(5535 - 49151);
    expect(w.available).toBe(0);
    expect(w.increase(43616)).toBe(true);
    expect(w.available).toBe(0);
    expect(w.increase(1)).toBe(true);
    expect(w.available).toBe(1);
    expect(new SendWindow(0x7fffffff - 5).adjust(6)).toBe(false);
  });

  it("receive window: more DATA than the credit is a flow-control error", () => {
    const w = new ReceiveWindow(100);
    expect(w.receive(100)).toBe(true);
    expect(w.receive(1)).toBe(false);
  });

  it("receive window: WINDOW_UPDATE only as the application consumes, in steps of at least half the window", () => {
    const w = new ReceiveWindow(100);
    w.receive(100);
    expect(w.consume(30)).toBe(0); // 30 < 50: keep quiet
    expect(w.consume(19)).toBe(0);
    expect(w.consume(1)).toBe(50); // half reached: give back everything consumed
    expect(w.value).toBe(50);
    expect(w.consume(50)).toBe(50);
    expect(w.value).toBe(100);
    // Nothing arrived: nothing to give back however much is "consumed".
    expect(w.consume(100)).toBe(0);
  });

  it("receive window: grows the connection window at start, and follows our acknowledged INITIAL_WINDOW_SIZE", () => {
    const connection = new ReceiveWindow(65535);
    expect(connection.grow(1 << 20)).toBe((1 << 20) - 65535);
    expect(connection.value).toBe(1 << 20);
    const stream = new ReceiveWindow(65535);
    stream.receive(1000);
    stream.adjust(1000000 - 65535, 1000000);
    expect(stream.value).toBe(1000000 - 1000);
  });
});

describe("settings negotiation (RFC 9113 §6.5.3)", () => {
  it("ours apply when acknowledged, in order; the peer's on receipt", () => {
    const n = new SettingsNegotiation();
    const first = n.send({
      ...INITIAL_SETTINGS,
      maxConcurrentStreams: 100,
      initialWindowSize: 1 << 20,
      enablePush: false,
    });
    expect(first).toEqual([
      { id: SettingId.ENABLE_PUSH, value: 0 },
      { id: SettingId.MAX_CONCURRENT_STREAMS, value: 100 },
      { id: SettingId.INITIAL_WINDOW_SIZE, value: 1 << 20 },
    ]);
    const second = n.send({ ...n.local, maxConcurrentStreams: 10, initialWindowSize: 1 << 20, enablePush: false });
    expect(second).toEqual([{ id: SettingId.MAX_CONCURRENT_STREAMS, value: 10 }]);
    expect(n.local).toBe(INITIAL_SETTINGS);
    expect(n.pending).toBe(2);
    expect(n.acknowledged()?.after.maxConcurrentStreams).toBe(100);
    expect(n.acknowledged()?.after.maxConcurrentStreams).toBe(10);
    expect(n.acknowledged()).toBeNull();

    const change = n.received([
      { id: SettingId.INITIAL_WINDOW_SIZE, value: 0 },
      { id: 0x99, value: 7 },
    ]);
    expect([change.before.initialWindowSize, change.after.initialWindowSize]).toEqual([65535, 0]);
    expect(n.remote.maxConcurrentStreams).toBe(Number.POSITIVE_INFINITY);
  });

  it("applies every parameter, the last one winning", () => {
    const s = applySettings(INITIAL_SETTINGS, [
      { id: 1, value: 0 },
      { id: 2, value: 0 },
      { id: 3, value: 5 },
      { id: 4, value: 9 },
      { id: 5, value: 20000 },
      { id: 6, value: 100 },
      { id: 3, value: 6 },
    ]);
    expect(s).toEqual({
      headerTableSize: 0,
      enablePush: false,
      maxConcurrentStreams: 6,
      initialWindowSize: 9,
      maxFrameSize: 20000,
      maxHeaderListSize: 100,
    });
  });
});
