// Issue 14's Redis scenario on Bun (the scenario and its `node:net` peer: packages/node/test/fault-redis.ts).
import { test } from "bun:test";
import {
  clientResetsWhileServerBusy,
  replyingPeerResets,
  replyingPeerResetsWhileBusy,
} from "../../node/test/fault-redis.js";
import { runtime } from "../src/index.js";

test(
  'reading as replies come: every reply, one "closed", then one ECONNRESET',
  () => replyingPeerResets(runtime),
  60_000,
);
test("busy writing: the replies waiting in the kernel arrive", () => replyingPeerResetsWhileBusy(runtime), 60_000);
test("our server side keeps what it received when its write fails", () => clientResetsWhileServerBusy(runtime), 60_000);
