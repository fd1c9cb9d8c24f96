// Rows 3 and 4: HTTP hello world, 50 keep-alive connections, one load generator for both sides.
// Per runtime: @sansio/http1 over the runtime's adapter against the runtime's own server (node:http,
// Bun.serve, Deno.serve), and the same http1 server pipelined 16 deep against not pipelined.
// Each runtime also serves a floor: its raw socket API counting request heads and writing a canned
// response (bench/http/<runtime>.mjs floor), the limit of any JavaScript server on that socket API;
// and the same work as a sans-IO connection over the runtime's adapter (adapter-floor), which splits
// http1's distance to the floor into the adapter's part and http1's own.
// Node also measures node:http twice per round: the control row (noise).
import { startChild, startSides, stopAll } from "../lib/child.mjs";
import { cpuNanos } from "../lib/cpu.mjs";
import { interleave, median, pairedRatio } from "../lib/stats.mjs";

const CONNECTIONS = 50;
const PIPELINE_DEPTH = 16;
const NATIVE = { node: "node:http", bun: "Bun.serve", deno: "Deno.serve" };
/** The raw socket API each floor server is written on. */
const FLOOR = { node: "net", bun: "Bun.listen", deno: "Deno.listen" };

/**
 * @param {Record<string, import("../lib/runtimes.mjs").BenchRuntime>} runtimes
 * @param {{ rounds: number, seconds: number, warmSeconds: number }} config
 * @param {{ run: (o: object) => Promise<{ rps: number }> }} load
 * @param {(line: string) => void} log
 */
export async function runHttpRows(runtimes, config, load, log) {
  const hello = [];
  const pipelined = [];
  for (const id of ["node", "bun", "deno"]) {
    const runtime = runtimes[id];
    const script = `bench/http/${id}.mjs`;
    const children = [];
    try {
      const { sansio, native } = await startSides(children, runtime, script);
      const floor = await startChild(runtime.command, [...runtime.prefix, script, "floor"]);
      children.push(floor);
      const adapterFloor = await startChild(runtime.command, [...runtime.prefix, script, "adapter-floor"]);
      children.push(adapterFloor);
      /** One load run: requests per second, and the server's CPU microseconds per request. */
      const measure =
        (child, pipelining, seconds = config.seconds) =>
        async () => {
          const cpu = cpuNanos(child.pid);
          const port = child.ready.port;
          const { rps, requests } = await load.run({ port, connections: CONNECTIONS, seconds, pipelining });
          return { rps, cpuPerRequest: (cpuNanos(child.pid) - cpu) / 1000 / requests };
        };

      await measure(sansio, 1, config.warmSeconds)();
      await measure(native, 1, config.warmSeconds)();
      await measure(floor, 1, config.warmSeconds)();
      await measure(adapterFloor, 1, config.warmSeconds)();
      await measure(sansio, PIPELINE_DEPTH, config.warmSeconds)();

      log(
        `  ${runtime.label}: http1 vs ${NATIVE[id]} vs the ${FLOOR[id]} floor, pipelined vs not, ${config.rounds} rounds of ${config.seconds} s`,
      );
      const variants = [
        { key: "sansio", run: measure(sansio, 1) },
        { key: "native", run: measure(native, 1) },
        { key: "floor", run: measure(floor, 1) },
        { key: "adapterFloor", run: measure(adapterFloor, 1) },
        { key: "pipelined", run: measure(sansio, PIPELINE_DEPTH) },
      ];
      if (id === "node") variants.push({ key: "control", run: measure(native, 1) });
      const samples = await interleave(config.rounds, variants);
      const rps = (key) => samples[key].map((sample) => sample.rps);
      const cpu = (key) => samples[key].map((sample) => sample.cpuPerRequest);
      hello.push({
        runtime: runtime.label,
        id,
        native: NATIVE[id],
        floor: FLOOR[id],
        sansio: median(rps("sansio")),
        nativeRps: median(rps("native")),
        ratio: pairedRatio(rps("sansio"), rps("native")),
        sansioCpu: median(cpu("sansio")),
        nativeCpu: median(cpu("native")),
        cpuRatio: pairedRatio(cpu("native"), cpu("sansio")),
        floorRps: median(rps("floor")),
        floorCpu: median(cpu("floor")),
        vsFloor: pairedRatio(rps("sansio"), rps("floor")),
        nativeVsFloor: pairedRatio(rps("native"), rps("floor")),
        cpuVsFloor: pairedRatio(cpu("floor"), cpu("sansio")),
        adapterFloorRps: median(rps("adapterFloor")),
        adapterFloorCpu: median(cpu("adapterFloor")),
        adapterFloorVsFloor: pairedRatio(rps("adapterFloor"), rps("floor")),
        sansioVsAdapterFloor: pairedRatio(rps("sansio"), rps("adapterFloor")),
        control: samples.control ? pairedRatio(rps("native"), rps("control")) : undefined,
        cpuControl: samples.control ? pairedRatio(cpu("native"), cpu("control")) : undefined,
        samples,
      });
      pipelined.push({
        runtime: runtime.label,
        pipelined: median(rps("pipelined")),
        unpipelined: median(rps("sansio")),
        ratio: pairedRatio(rps("pipelined"), rps("sansio")),
        cpuRatio: pairedRatio(cpu("sansio"), cpu("pipelined")),
      });
    } catch (error) {
      log(`  ${runtime.label}: FAILED ${error instanceof Error ? error.message : error}`);
      hello.push({ runtime: runtime.label, id, native: NATIVE[id], error: String(error) });
      pipelined.push({ runtime: runtime.label, error: String(error) });
    } finally {
      await stopAll(children);
    }
  }
  return { hello, pipelined };
}
