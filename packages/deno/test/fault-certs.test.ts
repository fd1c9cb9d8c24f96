// Refused certificates on Deno: one code per reason (the scenario: packages/node/test/fault-certs.ts).
import { certificateRefusals } from "../../node/test/fault-certs.ts";
import { runtime } from "../src/index.ts";

Deno.test("expired, not yet valid, self-signed, unknown CA, incomplete chain: one code each", () =>
  certificateRefusals(runtime));
