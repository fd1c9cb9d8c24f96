// The framework's tests, run on whichever runtime runs this file (the one import picks the adapter):
//   node examples/framework/check.ts [--only echo,half-close]
//   deno run -A examples/framework/check.ts
//   bun examples/framework/check.ts
// First the adapter conformance suite (runConformance from @sansio/runtime-api/conformance: the same
// cases every sansio adapter passes), then the app's own checks over a real socket. Exits 1 on a failure.
import { runtime } from "@sansio/runtime";
import { runConformance } from "@sansio/runtime-api/conformance";
import { app } from "./app.ts";
import { get } from "./tiny.ts";

const at = process.argv.indexOf("--only");
const only = at >= 0 ? process.argv[at + 1]?.split(",") : undefined;
const failures: string[] = [];

const results = await runConformance(runtime, { ...(only ? { only } : {}) });
for (const result of results) {
  console.log(`${result.status.padEnd(4)} ${result.name}${result.error ? `: ${result.error}` : ""}`);
  if (!result.ok) failures.push(result.name);
}

const listener = await app.listen({ hostname: "127.0.0.1", port: 0 });
if (listener.address.transport !== "tcp") throw new Error("expected a TCP listener");
const address = { hostname: "127.0.0.1", port: listener.address.port };
const expectations: [string, number, string][] = [
  ["/", 200, `hello from ${runtime.name}\n`],
  ["/add?a=2&b=3", 200, "5\n"],
  ["/nowhere", 404, "not found\n"],
];
for (const [target, status, text] of expectations) {
  const reply = await get(address, target);
  const ok = reply.status === status && reply.text === text;
  console.log(`${ok ? "pass" : "fail"} app: GET ${target} -> ${reply.status} ${JSON.stringify(reply.text)}`);
  if (!ok) failures.push(`app: GET ${target}`);
}
await listener.close();

console.log(`${runtime.name}: ${failures.length === 0 ? "all passed" : `FAILED ${failures.join(", ")}`}`);
process.exitCode = failures.length === 0 ? 0 : 1;
