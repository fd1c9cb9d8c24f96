import type { Session, SessionCounters, TraceEvent } from "../runtime.js";
import type { ConformanceCase } from "./case.js";
import { Exchange } from "./clients.js";
import { check, checkBytes, sleep, within } from "./harness.js";
import { patternBytes } from "./pattern.js";

const KiB = 1024;

/** The event types, in order. */
function typesOf(events: readonly TraceEvent[]): string {
  return events.map((event) => (event.type === "half-close" ? `half-close ${event.direction}` : event.type)).join(", ");
}

function plain(counters: SessionCounters): SessionCounters {
  const { bytesIn, bytesOut, reads, writes, largestReadBuffer, openedAt, openFor } = counters;
  return { bytesIn, bytesOut, reads, writes, largestReadBuffer, openedAt, openFor };
}

function checkSession(events: readonly TraceEvent[], session: Session): void {
  for (const event of events) check(event.session === session, `a ${event.type} event names another session`);
}

/** The observation cases: `session.counters` and the `trace` hook, on every runtime. */
export const observeCases: readonly ConformanceCase[] = [
  {
    name: "observe: counters and trace events of a session (open, half-close both ways, close)",
    async run(t, limit) {
      const events: TraceEvent[] = [];
      const payload = patternBytes(7, 40 * KiB);
      const client = new Exchange({ send: [[payload]] });
      const before = Date.now();
      const { session } = await t.connect(await t.target(), "echo", {}, client, {
        trace: (event) => events.push(event),
      });
      check(session.counters.openedAt >= before - 1 && session.counters.openedAt <= Date.now() + 1, "openedAt");
      await within(client.finished, limit, "echo");
      checkBytes(client.bytes(), payload, "echo");
      await within(session.closed, limit, "session.closed");
      const counters = plain(session.counters);
      check(counters.bytesIn === payload.length, `bytesIn ${counters.bytesIn}, expected ${payload.length}`);
      // The conformance client writes a short routing header before its payload.
      check(
        counters.bytesOut >= payload.length && counters.bytesOut < payload.length + KiB,
        `bytesOut ${counters.bytesOut} for a ${payload.length}-byte payload`,
      );
      check(counters.reads >= 1 && counters.writes >= 1, `reads ${counters.reads}, writes ${counters.writes}`);
      check(counters.openFor >= 0, `openFor ${counters.openFor}`);
      await sleep(20);
      const later = plain(session.counters);
      check(JSON.stringify(later) === JSON.stringify(counters), "the counters changed after closed settled");
      const types = typesOf(events);
      check(events[0]?.type === "open", `first event: ${types}`);
      check(types.includes("half-close out") && types.includes("half-close in"), `no half-close each way: ${types}`);
      const last = events.at(-1);
      check(last?.type === "close", `last event: ${types}`);
      if (last?.type === "close") {
        check(last.reason === "graceful", `closed for ${last.reason}`);
        check(JSON.stringify(last.counters) === JSON.stringify(counters), "the close event's counters are not final");
      }
      check(!types.includes("error"), `an error was traced: ${types}`);
      check(events.filter((event) => event.type === "open" || event.type === "close").length === 2, types);
      checkSession(events, session);
    },
  },
  {
    name: "observe: session.close() is traced as an error, then a close for reason aborted",
    async run(t, limit) {
      const events: TraceEvent[] = [];
      const client = new Exchange({ halfClose: false });
      const { session } = await t.connect(await t.target(), "echo", {}, client, {
        trace: (event) => events.push(event),
      });
      session.close();
      await within(session.closed, limit, "session.closed");
      const types = typesOf(events);
      check(types === "open, error, close", `events: ${types}`);
      const [, error, close] = events;
      check(
        error?.type === "error" && (error.error as Error).name === "ConnectionClosedError",
        "the error is not ConnectionClosedError",
      );
      check(
        close?.type === "close" && close.reason === "aborted",
        `closed for ${(close as { reason?: string }).reason}`,
      );
      checkSession(events, session);
    },
  },
  {
    name: "tls: observe: a TLS session traces tls (with ALPN) after open; a throwing trace hook is ignored",
    async run(t, limit) {
      const target = await t.target({ tls: { ...t.serverTls, alpnProtocols: ["sansio-test"] } });
      const events: TraceEvent[] = [];
      const payload = patternBytes(1, 4 * KiB);
      const client = new Exchange({ send: [[payload]] });
      const tls = { ...target.tls, alpnProtocols: ["sansio-test"] };
      const { session } = await t.connect({ ...target, tls }, "echo", {}, client, {
        trace: (event) => {
          events.push(event);
          throw new Error("a broken trace hook");
        },
      });
      await within(client.finished, limit, "tls echo");
      checkBytes(client.bytes(), payload, "tls echo");
      await within(session.closed, limit, "session.closed");
      const types = typesOf(events);
      check(types.startsWith("open, tls"), `events: ${types}`);
      const tlsEvent = events[1];
      if (target.local && tlsEvent?.type === "tls") {
        check(tlsEvent.alpnProtocol === "sansio-test", `tls event ALPN ${tlsEvent.alpnProtocol}`);
      }
      check(events.at(-1)?.type === "close", `events: ${types}`);
      check(client.errors.length === 0, "the throwing hook broke the session");
    },
  },
];
