// Section "websocket" (rows 9 and 10).
// 9. Echo over 50 connections, 32-byte messages with 100 in flight per connection and 64 KiB messages
//    one at a time per connection: @sansio/websocket over the runtime's adapter against the runtime's
//    own WebSocket server (`ws` on Node, Bun.serve on Bun, Deno.upgradeWebSocket on Deno). The load
//    generator is bench/ws/load.mjs on Node, in its own process (raw sockets, frames masked once; see
//    there why). Node also measures `ws` twice per round (the control row).
// 10. Idle memory per open WebSocket on Node (the memory section's measurement), against `ws`.
import { startChild, startSides, stopAll } from "../lib/child.mjs";
import { cpuNanos } from "../lib/cpu.mjs";
import { interleave, median, pairedRatio } from "../lib/stats.mjs";
import { measureIdleMemory } from "./memory.mjs";

const CONNECTIONS = 50;
const LOADS = [
  { key: "small", label: "32 B, 100 in flight per connection", size: 32, inflight: 100 },
  { key: "large", label: "64 KiB, 1 in flight per connection", size: 64 * 1024, inflight: 1 },
];
const NATIVE = { node: "ws", bun: "Bun.serve", deno: "Deno.upgradeWebSocket" };
const GENERATOR =
  "bench/ws/load.mjs: one Node process of raw sockets writing pre-masked frames and counting the echoes";

/**
 * @param {Record<string, import("../lib/runtimes.mjs").BenchRuntime>} runtimes
 * @param {{ wsRounds: number, wsSeconds: number, wsWarmSeconds: number, memoryRounds: number, memoryConnections: number }} config
 *   the run's configuration (bench/run.mjs)
 * @param {(line: string) => void} log
 */
export async function runWebSocketRows(runtimes, config, log) {
  const rows = [];
  const node = runtimes.node;
  let load;
  try {
    load = await startChild(node.command, ["bench/ws/load.mjs"]);
    for (const id of ["node", "bun", "deno"]) rows.push(...(await echoRows(runtimes[id], load, config, log)));
  } catch (error) {
    log(`  websocket echo: FAILED ${error instanceof Error ? error.message : error}`);
    rows.push({ runtime: "load generator", native: "", error: String(error) });
  } finally {
    await load?.stop();
  }
  let memory;
  try {
    memory = await measureIdleMemory(
      node,
      { rounds: config.memoryRounds, connections: config.memoryConnections },
      {
        script: "bench/ws/server.mjs",
        kind: "ws",
        sides: { sansio: "@sansio/websocket over @sansio/node", native: "ws" },
      },
      log,
    );
  } catch (error) {
    log(`  websocket memory: FAILED ${error instanceof Error ? error.message : error}`);
    memory = { error: String(error) };
  }
  return { echo: { connections: CONNECTIONS, generator: GENERATOR, rows }, memory };
}

async function echoRows(runtime, load, config, log) {
  const id = runtime.id;
  const script = "bench/ws/server.mjs";
  const children = [];
  try {
    const { sansio, native } = await startSides(children, runtime, script);
    /** One trial: messages per second, server CPU µs per message, and the generator's busy share. */
    const measure =
      (child, { size, inflight }, seconds = config.wsSeconds) =>
      async () => {
        const cpu = cpuNanos(child.pid);
        const result = await load.send({
          cmd: "run",
          port: child.ready.port,
          connections: CONNECTIONS,
          size,
          inflight,
          seconds,
        });
        if (result.messages === 0) throw new Error("no message came back");
        return {
          rate: (result.messages / result.ms) * 1000,
          cpuPerMessage: (cpuNanos(child.pid) - cpu) / 1000 / result.messages,
          clientBusy: result.cpuMicros / 1000 / result.ms,
        };
      };
    for (const spec of LOADS) {
      await measure(sansio, spec, config.wsWarmSeconds)();
      await measure(native, spec, config.wsWarmSeconds)();
    }
    log(`  ${runtime.label}: @sansio/websocket vs ${NATIVE[id]}, ${config.wsRounds} rounds of ${config.wsSeconds} s`);
    const variants = [];
    for (const spec of LOADS) {
      variants.push({ key: `sansio-${spec.key}`, run: measure(sansio, spec) });
      variants.push({ key: `native-${spec.key}`, run: measure(native, spec) });
    }
    if (id === "node") variants.push({ key: "control", run: measure(native, LOADS[0]) });
    const samples = await interleave(config.wsRounds, variants);
    const pick = (key, field) => samples[key].map((sample) => sample[field]);
    const rows = LOADS.map((spec) => {
      const a = `sansio-${spec.key}`;
      const b = `native-${spec.key}`;
      return {
        runtime: runtime.label,
        id,
        native: NATIVE[id],
        label: spec.label,
        sansio: median(pick(a, "rate")),
        nativeRate: median(pick(b, "rate")),
        ratio: pairedRatio(pick(a, "rate"), pick(b, "rate")),
        sansioCpu: median(pick(a, "cpuPerMessage")),
        nativeCpu: median(pick(b, "cpuPerMessage")),
        cpuRatio: pairedRatio(pick(b, "cpuPerMessage"), pick(a, "cpuPerMessage")),
        clientBusy: Math.max(median(pick(a, "clientBusy")), median(pick(b, "clientBusy"))),
      };
    });
    if (samples.control) {
      rows.push({
        runtime: runtime.label,
        id,
        native: NATIVE[id],
        control: true,
        label: LOADS[0].label,
        ratio: pairedRatio(pick(`native-${LOADS[0].key}`, "rate"), pick("control", "rate")),
        cpuRatio: pairedRatio(pick(`native-${LOADS[0].key}`, "cpuPerMessage"), pick("control", "cpuPerMessage")),
      });
    }
    return rows;
  } catch (error) {
    log(`  ${runtime.label}: FAILED ${error instanceof Error ? error.message : error}`);
    return [{ runtime: runtime.label, id, native: NATIVE[id], error: String(error) }];
  } finally {
    await stopAll(children);
  }
}
