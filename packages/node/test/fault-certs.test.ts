// Refused certificates on Node: one code per reason (docs/FAULTS.md); and the opt-out skips every check.
import { runtime } from "@sansio/node";
import { it } from "vitest";
import { certificateRefusals, insecureSkipsEveryCheck } from "./fault-certs.js";

it(
  "expired, not yet valid, self-signed, unknown CA, incomplete chain: one code each",
  () => certificateRefusals(runtime),
  60_000,
);
it("insecureSkipVerify skips the chain and the host name", () => insecureSkipsEveryCheck(runtime), 60_000);
