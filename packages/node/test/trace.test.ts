import { subscribe, unsubscribe } from "node:diagnostics_channel";
import type { TraceEvent } from "@sansio/runtime-api";
import { EchoConnection, SendAndCollect } from "@sansio/runtime-api/conformance";
import { afterEach, describe, expect, it } from "vitest";
import { runtime, traceChannels } from "../src/index.js";
import { portOf, within } from "./support.js";

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/** Subscribes to every sansio channel; returns what each published, by channel name. */
function listen(): { name: string; event: TraceEvent }[] {
  const seen: { name: string; event: TraceEvent }[] = [];
  for (const channel of Object.values(traceChannels)) {
    const name = String(channel.name);
    const onMessage = (message: unknown): void => void seen.push({ name, event: message as TraceEvent });
    subscribe(name, onMessage);
    cleanups.push(() => unsubscribe(name, onMessage));
  }
  return seen;
}

describe("node:diagnostics_channel", () => {
  it("publishes every session's events on sansio:connection:* without any code in the application", async () => {
    const seen = listen();
    const listener = await runtime.listen({}, () => new EchoConnection());
    cleanups.push(() => listener.close());
    const client = new SendAndCollect(new TextEncoder().encode("observed"));
    const session = await runtime.connect({ port: portOf(listener) }, client);
    await within(client.done, 5_000, "echo");
    await within(session.closed, 5_000, "client closed");
    await listener.close();
    const mine = seen.filter(({ event }) => event.session === session);
    expect(mine.map(({ name }) => name)).toEqual([
      "sansio:connection:open",
      "sansio:connection:half-close",
      "sansio:connection:half-close",
      "sansio:connection:close",
    ]);
    const close = mine.at(-1)?.event;
    expect(close).toMatchObject({ type: "close", reason: "graceful", counters: { bytesIn: 8, bytesOut: 8 } });
    // The server side's session is published too.
    expect(seen.filter(({ event }) => event.session !== session && event.type === "close")).toHaveLength(1);
  });

  it("calls the trace option and the channels alike, and builds no hook when nobody listens", async () => {
    const traced: TraceEvent[] = [];
    const listener = await runtime.listen({}, () => new EchoConnection());
    cleanups.push(() => listener.close());
    const client = new SendAndCollect(new TextEncoder().encode("x"));
    const session = await runtime.connect({ port: portOf(listener), trace: (event) => traced.push(event) }, client);
    await within(session.closed, 5_000, "client closed");
    expect(traced.map((event) => event.type)).toEqual(["open", "half-close", "half-close", "close"]);
    for (const channel of Object.values(traceChannels)) expect(channel.hasSubscribers).toBe(false);
    expect(session.counters).toMatchObject({ bytesIn: 1, bytesOut: 1, reads: 1, writes: 1 });
  });
});
