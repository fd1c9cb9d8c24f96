// Refused certificates on Node: one code per reason (docs/FAULTS.md).
import { runtime } from "@sansio/node";
import { it } from "vitest";
import { certificateRefusals } from "./fault-certs.js";

it(
  "expired, not yet valid, self-signed, unknown CA, incomplete chain: one code each",
  () => certificateRefusals(runtime),
  60_000,
);
