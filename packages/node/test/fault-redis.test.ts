// Issue 14's Redis scenario on Node: every reply received before the peer's reset reaches the protocol,
// then one "closed" for the blocked write and one ConnectionLostError(ECONNRESET), never a clean EOF.
import { runtime } from "@sansio/node";
import { describe, it } from "vitest";
import { clientResetsWhileServerBusy, replyingPeerResets, replyingPeerResetsWhileBusy } from "./fault-redis.js";

describe("a peer answers part of a long pipeline and resets while we write", () => {
  it(
    'reading as replies come: every reply, one "closed", then one ECONNRESET',
    () => replyingPeerResets(runtime),
    60_000,
  );
  it(
    "busy writing (reading only after the write failed): the replies waiting in the kernel arrive",
    () => replyingPeerResetsWhileBusy(runtime),
    60_000,
  );
  it(
    "an accepted socket (data events) keeps what it received when its write fails",
    () => clientResetsWhileServerBusy(runtime),
    60_000,
  );
});
