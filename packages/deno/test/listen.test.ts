// maxConnections and reusePort on the real Deno binary: `deno test -A --sloppy-imports test/`.
import { UnsupportedError } from "@sansio/runtime-api";
import { EchoConnection, runConformance } from "@sansio/runtime-api/conformance";
import { floodPastMaxConnections, reusePortShares, tlsHandshakesHoldPlaces } from "../../node/test/listen-attacks.ts";
import { runtime } from "../src/index.ts";
import { denoReusePort } from "../src/listen.ts";
import { assert, rejection, testCertificates } from "./support.ts";

const unstableNet = denoReusePort() === true;

Deno.test("listen cases of the conformance suite pass on Deno", async () => {
  const results = await runConformance(runtime, { only: ["listen:"], caseTimeout: 20_000 });
  assert(results.length === 2, `ran ${results.length} listen cases`);
  for (const result of results) assert(result.status === "pass", `${result.name}: ${result.error}`);
});

Deno.test("maxConnections: a raw flood past the limit is closed at once, held conns keep echoing, no leak", async () => {
  await floodPastMaxConnections(runtime);
});

Deno.test("maxConnections: TLS handshakes in progress hold their place; a failed one gives it back", async () => {
  await tlsHandshakesHoldPlaces(runtime, await testCertificates());
});

Deno.test("maxConnections: not a positive integer or Infinity is a RangeError", async () => {
  for (const maxConnections of [0, -1, 1.5, Number.NaN]) {
    const error = await rejection(runtime.listen({ maxConnections }, () => new EchoConnection()));
    assert(error instanceof RangeError, `maxConnections ${maxConnections}: ${String(error)}`);
  }
  const unlimited = await runtime.listen({ maxConnections: Number.POSITIVE_INFINITY }, () => new EchoConnection());
  await unlimited.close();
});

Deno.test("reusePort: without --unstable-net, UnsupportedError naming the flag (Deno itself would exit)", async () => {
  assert(denoReusePort("linux", false) !== true, "reusePort granted without the flag");
  assert(denoReusePort("darwin", true) !== true, "reusePort granted off Linux");
  if (unstableNet) return; // this run has the flag: the next test covers it
  const error = await rejection(runtime.listen({ reusePort: true }, () => new EchoConnection()));
  assert(error instanceof UnsupportedError, `expected UnsupportedError, got ${String(error)}`);
  assert(/--unstable-net/.test(error.message), error.message);
});

Deno.test("reusePort: with --unstable-net two listeners share a port (in a child deno)", async () => {
  if (unstableNet) {
    await reusePortShares(runtime);
    return;
  }
  const script = new URL("./listen-reuse-port.ts", import.meta.url).pathname;
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--unstable-net", "--sloppy-imports", script],
    cwd: new URL("..", import.meta.url).pathname,
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(60_000),
  });
  const { code, stdout, stderr } = await child.output();
  const out = new TextDecoder().decode(stdout);
  assert(code === 0, `child deno exited ${code}: ${new TextDecoder().decode(stderr)}`);
  const report = JSON.parse(out.trim().split("\n").pop() ?? "{}") as {
    shares: string;
    cases: { name: string; status: string; error?: string }[];
  };
  assert(report.shares === "yes", `two reusePort listeners: ${report.shares}`);
  assert(report.cases.length === 1 && report.cases[0]?.status === "pass", JSON.stringify(report.cases));
});

Deno.test("reusePort is TCP only", async () => {
  const error = await rejection(
    runtime.listen({ reusePort: true, path: "/tmp/sansio-deno-reuse.sock" }, () => new EchoConnection()),
  );
  assert(error instanceof TypeError || error instanceof UnsupportedError, String(error));
});
