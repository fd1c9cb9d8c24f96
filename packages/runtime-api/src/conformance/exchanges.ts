import type { Session } from "../runtime.js";
import { Exchange } from "./clients.js";
import { type CaseContext, checkBytes, nameOf, type Target, within, writesOf } from "./harness.js";
import { patternBytes } from "./pattern.js";

/** Throws when the client recorded an error. */
export function noErrors(client: { errors: unknown[] }, what: string): void {
  if (client.errors.length > 0) {
    const first = client.errors[0];
    throw new Error(
      `${what}: unexpected error ${nameOf(first)}: ${first instanceof Error ? first.message : String(first)}`,
    );
  }
}

/** Echoes `bytes` pattern bytes through the `echo` server in 64 KiB writes and checks them; waits for `closed`. */
export async function echoRoundTrip(
  t: CaseContext,
  target: Target,
  bytes: number,
  limit: number,
  what: string,
): Promise<Session> {
  const payload = patternBytes(0, bytes);
  const client = new Exchange({ send: writesOf(payload, 64 * 1024) });
  const { session } = await t.connect(target, "echo", {}, client);
  await within(client.finished, limit, what);
  noErrors(client, what);
  checkBytes(client.bytes(), payload, what);
  await within(session.closed, limit, `${what}: session.closed`);
  return session;
}
