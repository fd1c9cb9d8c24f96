import { describe, expect, it } from "vitest";
import { EchoConnection, SendAndCollect } from "../src/conformance/index.js";
import type { TraceEvent } from "../src/runtime.js";
import { MemoryRuntime } from "../src/testing/index.js";

// Counters and trace events on the memory runtime's virtual clock (the same driver as every adapter).

async function echoPair(options: { idleTimeout?: number; readSize?: number } = {}) {
  const runtime = new MemoryRuntime({ clock: "virtual", readSize: options.readSize ?? 65536 });
  const serverEvents: TraceEvent[] = [];
  const listener = await runtime.listen({ trace: (event) => serverEvents.push(event) }, () => new EchoConnection());
  const port = listener.address.transport === "tcp" ? listener.address.port : 0;
  return { runtime, serverEvents, port };
}

describe("session counters and trace events", () => {
  it("count bytes and operations each way, and freeze once closed (openFor on the virtual clock)", async () => {
    const { runtime, serverEvents, port } = await echoPair({ readSize: 1000 });
    const events: TraceEvent[] = [];
    const client = new SendAndCollect(new Uint8Array(5000).fill(7), { halfClose: false });
    const session = await runtime.connect({ port, trace: (event) => events.push(event) }, client);
    expect(session.counters.openFor).toBe(0);
    await runtime.clock.advance(250);
    expect(session.counters).toMatchObject({ bytesIn: 5000, bytesOut: 5000, openFor: 250 });
    client.shutdown();
    await client.done;
    await session.closed;
    expect(session.counters).toMatchObject({ bytesIn: 5000, bytesOut: 5000, openFor: 250 });
    expect(session.counters.reads).toBe(5); // 1000-byte deliveries
    expect(session.counters.writes).toBeGreaterThanOrEqual(1);
    await runtime.clock.advance(1000);
    expect(session.counters.openFor).toBe(250);
    const close = events.at(-1);
    expect(close).toMatchObject({ type: "close", reason: "graceful", counters: { bytesIn: 5000, openFor: 250 } });
    expect(serverEvents.map((event) => event.type)).toEqual(["open", "half-close", "half-close", "close"]);
    expect(serverEvents.map((event) => (event.type === "half-close" ? event.direction : ""))).toEqual([
      "",
      "in",
      "out",
      "",
    ]);
  });

  it("an idle timeout is traced as a TimeoutError and a close for reason failed", async () => {
    const { runtime, port } = await echoPair();
    const events: TraceEvent[] = [];
    const client = new SendAndCollect(new Uint8Array(0), { halfClose: false });
    const session = await runtime.connect({ port, idleTimeout: 1000, trace: (event) => events.push(event) }, client);
    await runtime.clock.advance(1000);
    await session.closed;
    expect(events.map((event) => event.type)).toEqual(["open", "error", "close"]);
    expect((events[1] as { error: Error }).error.name).toBe("TimeoutError");
    expect(events[2]).toMatchObject({ reason: "failed", counters: { openFor: 1000 } });
  });

  it("a peer that resets is traced as lost or failed, never graceful, and the counters are final", async () => {
    const { runtime, port } = await echoPair();
    const events: TraceEvent[] = [];
    let serverSessionClose: (() => void) | undefined;
    const listener = await runtime.listen({ port: port + 1 }, (session) => {
      serverSessionClose = () => session.close();
      return new EchoConnection();
    });
    const client = new SendAndCollect(new Uint8Array(10).fill(1), { halfClose: false });
    const session = await runtime.connect(
      { port: listener.address.transport === "tcp" ? listener.address.port : 0, trace: (event) => events.push(event) },
      client,
    );
    await runtime.clock.advance(0);
    serverSessionClose?.();
    await session.closed;
    const close = events.at(-1);
    expect(close?.type).toBe("close");
    expect(["lost", "failed"]).toContain((close as { reason: string }).reason);
    expect((close as { counters: { bytesOut: number } }).counters.bytesOut).toBe(10);
  });

  it("STARTTLS is traced as tls once the switch is done", async () => {
    const { runtime, port } = await echoPair();
    const events: TraceEvent[] = [];
    const client = new SendAndCollect(new Uint8Array(0), { halfClose: false });
    const session = await runtime.connect({ port, trace: (event) => events.push(event) }, client);
    await runtime.clock.advance(0);
    await session.startTls();
    expect(events.map((event) => event.type)).toEqual(["open", "tls"]);
    session.close();
    await session.closed;
  });
});
