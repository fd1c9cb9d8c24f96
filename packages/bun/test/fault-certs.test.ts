// Refused certificates on Bun: one code per reason (the scenario: packages/node/test/fault-certs.ts);
// and `insecureSkipVerify` skips every check, as on Node.
import { test } from "bun:test";
import { certificateRefusals, insecureSkipsEveryCheck } from "../../node/test/fault-certs.js";
import { runtime } from "../src/index.js";

test(
  "expired, not yet valid, self-signed, unknown CA, incomplete chain: one code each",
  () => certificateRefusals(runtime),
  60_000,
);
test("insecureSkipVerify skips the chain and the host name", () => insecureSkipsEveryCheck(runtime), 60_000);
