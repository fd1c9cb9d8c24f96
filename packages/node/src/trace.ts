import { type Channel, channel } from "node:diagnostics_channel";
import type { TraceEvent } from "@sansio/runtime-api";

/**
 * The `node:diagnostics_channel` channels every Node session publishes its {@link TraceEvent}s on,
 * one per event type: `sansio:connection:open`, `…:tls`, `…:half-close`, `…:error`, `…:close`.
 * The message is the event (`{ type, session, ... }`; `close` carries `reason` and `counters`).
 */
export const traceChannels: { readonly [Type in TraceEvent["type"]]: Channel } = {
  open: channel("sansio:connection:open"),
  tls: channel("sansio:connection:tls"),
  "half-close": channel("sansio:connection:half-close"),
  error: channel("sansio:connection:error"),
  close: channel("sansio:connection:close"),
};

const all = Object.values(traceChannels);

/**
 * The trace hook of a Node session opening now: the caller's `trace` option, plus publishing on
 * {@link traceChannels} when any of them has a subscriber. With no subscriber and no option it is
 * undefined, so the driver builds no event at all (zero cost). A subscriber attached after a session
 * opened sees that session's events only if another channel was already being listened to.
 */
export function nodeTrace(
  option: ((event: TraceEvent) => void) | undefined,
): ((event: TraceEvent) => void) | undefined {
  if (!all.some((c) => c.hasSubscribers)) return option;
  return (event) => {
    option?.(event);
    const target = traceChannels[event.type];
    if (target.hasSubscribers) target.publish(event);
  };
}
