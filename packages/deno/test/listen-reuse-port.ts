// Run by listen.test.ts as `deno run -A --unstable-net --sloppy-imports`: with the flag, reusePort must
// really share a port and the conformance listen cases must pass with it. Prints a JSON report.
import { runConformance } from "@sansio/runtime-api/conformance";
import { reusePortShares } from "../../node/test/listen-attacks.ts";
import { runtime } from "../src/index.ts";

let shares = "yes";
try {
  await reusePortShares(runtime);
} catch (error) {
  shares = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
const cases = await runConformance(runtime, { only: ["listen: reusePort"], caseTimeout: 20_000 });
console.log(JSON.stringify({ shares, cases }));
