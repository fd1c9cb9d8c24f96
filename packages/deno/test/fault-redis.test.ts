// Issue 14's Redis scenario on Deno (the scenario and its `node:net` peer: packages/node/test/fault-redis.ts).
import {
  clientResetsWhileServerBusy,
  replyingPeerResets,
  replyingPeerResetsWhileBusy,
} from "../../node/test/fault-redis.ts";
import { runtime } from "../src/index.ts";

Deno.test('Redis scenario, reading as replies come: every reply, one "closed", then one ECONNRESET', () =>
  replyingPeerResets(runtime));
Deno.test("Redis scenario, busy writing: the replies waiting in the kernel arrive", () =>
  replyingPeerResetsWhileBusy(runtime));
Deno.test("Redis scenario, our server side keeps what it received when its write fails", () =>
  clientResetsWhileServerBusy(runtime));
