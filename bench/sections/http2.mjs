// Section "http2" (rows 6-8). Every side is started once per runtime and measured in interleaved rounds.
// 6. Server: HTTP/2 hello world (h2c) under h2load, 10 connections × 10 and × 100 concurrent streams:
//    @sansio/http2 over the runtime's adapter against node:http2 on the same runtime (Node, Bun, Deno).
//    Node also measures node:http2 twice per round (the control row). Skipped when h2load is absent.
// 7. Client: `requests` GETs over one connection, 10 and 100 in flight, @sansio/http2's client
//    against the node:http2 client (both on Node), against nghttpd when it is installed, else a
//    node:http2 server on Node.
// 8. Idle memory per h2 connection on Node (the memory section's measurement), against node:http2.
import { startChild, startSides, stopAll } from "../lib/child.mjs";
import { cpuNanos } from "../lib/cpu.mjs";
import { findH2load, findProgram, runH2load, startNghttpd } from "../lib/h2load.mjs";
import { HELLO_TEXT } from "../lib/hello.mjs";
import { interleave, median, pairedRatio } from "../lib/stats.mjs";
import { measureIdleMemory } from "./memory.mjs";

const CONNECTIONS = 10;
const STREAMS = [10, 100];

/**
 * @param {Record<string, import("../lib/runtimes.mjs").BenchRuntime>} runtimes
 * @param {{ h2Rounds: number, h2Seconds: number, h2WarmRequests: number, h2ClientRequests: number, h2ClientRounds: number, memoryRounds: number, memoryConnections: number }} config
 *   the run's configuration (bench/run.mjs)
 * @param {(line: string) => void} log
 */
export async function runHttp2Rows(runtimes, config, log) {
  const h2load = findH2load();
  const server = h2load
    ? { generator: `h2load (${h2load}, 1 thread)`, rows: await serverRows(runtimes, config, h2load, log) }
    : { skipped: "h2load is not on PATH (Debian: apt-get install nghttp2-client): server rows skipped" };
  if (!h2load) log(`  ${server.skipped}`);
  const client = await guarded("client", log, () => clientRows(runtimes.node, config, log));
  const memory = await guarded("memory", log, () =>
    measureIdleMemory(
      runtimes.node,
      { rounds: config.memoryRounds, connections: config.memoryConnections },
      {
        script: "bench/h2/server.mjs",
        kind: "h2",
        sides: { sansio: "@sansio/http2 over @sansio/node", native: "node:http2" },
      },
      log,
    ),
  );
  return { server, client, memory };
}

async function guarded(what, log, run) {
  try {
    return await run();
  } catch (error) {
    log(`  http2 ${what}: FAILED ${error instanceof Error ? error.message : error}`);
    return { error: String(error) };
  }
}

/** ", then the server process died: <its last stderr line>" when it is gone, else "". */
function crashed(child) {
  try {
    process.kill(child.pid, 0);
    return "";
  } catch {
    const last = child.log().trim().split("\n").at(-1) ?? "";
    return `; the server process died: ${last.slice(0, 200)}`;
  }
}

async function serverRows(runtimes, config, h2load, log) {
  const rows = [];
  for (const id of ["node", "bun", "deno"]) {
    const runtime = runtimes[id];
    const script = "bench/h2/server.mjs";
    const children = [];
    try {
      const { sansio, native } = await startSides(children, runtime, script);
      /** One h2load run: requests per second, and the server's CPU microseconds per request. */
      // A run with failed requests counts as failed (its rate would flatter the server), and is
      // reported in the row instead of ending the runtime's rows: Deno's node:http2 loses some.
      const measure = (child, streams, requests) => async () => {
        const cpu = cpuNanos(child.pid);
        const port = child.ready.port;
        try {
          const result = await runH2load(h2load, {
            port,
            connections: CONNECTIONS,
            streams,
            seconds: config.h2Seconds,
            requests,
          });
          return { rps: result.rps, cpuPerRequest: (cpuNanos(child.pid) - cpu) / 1000 / result.requests };
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          return { rps: Number.NaN, cpuPerRequest: Number.NaN, error: `${message.split("\n")[0]}${crashed(child)}` };
        }
      };
      for (const streams of STREAMS) {
        await measure(sansio, streams, config.h2WarmRequests)();
        await measure(native, streams, config.h2WarmRequests)();
      }
      log(`  ${runtime.label}: @sansio/http2 vs node:http2, ${config.h2Rounds} rounds of ${config.h2Seconds} s`);
      const variants = [];
      for (const streams of STREAMS) {
        variants.push({ key: `sansio${streams}`, run: measure(sansio, streams) });
        variants.push({ key: `native${streams}`, run: measure(native, streams) });
      }
      if (id === "node") variants.push({ key: "control", run: measure(native, STREAMS[0]) });
      const samples = await interleave(config.h2Rounds, variants);
      const rps = (key) => samples[key].map((sample) => sample.rps);
      const cpu = (key) => samples[key].map((sample) => sample.cpuPerRequest);
      const failure = (key) => samples[key].find((sample) => sample.error)?.error;
      for (const streams of STREAMS) {
        const a = `sansio${streams}`;
        const b = `native${streams}`;
        const sansioError = failure(a);
        const nativeError = failure(b);
        // A side that failed hides only its own numbers (Deno's node:http2 dies under this load; the
        // sansio server beside it is still measured); the ratios need both.
        rows.push({
          runtime: runtime.label,
          id,
          streams,
          sansioError,
          nativeError,
          ...(sansioError ? {} : { sansio: median(rps(a)), sansioCpu: median(cpu(a)) }),
          ...(nativeError ? {} : { native: median(rps(b)), nativeCpu: median(cpu(b)) }),
          ...(sansioError || nativeError
            ? { ratio: Number.NaN, cpuRatio: Number.NaN }
            : { ratio: pairedRatio(rps(a), rps(b)), cpuRatio: pairedRatio(cpu(b), cpu(a)) }),
        });
      }
      if (samples.control) {
        rows.push({
          runtime: runtime.label,
          id,
          control: true,
          streams: STREAMS[0],
          ratio: pairedRatio(rps(`native${STREAMS[0]}`), rps("control")),
          cpuRatio: pairedRatio(cpu(`native${STREAMS[0]}`), cpu("control")),
        });
      }
    } catch (error) {
      log(`  ${runtime.label}: FAILED ${error instanceof Error ? error.message : error}`);
      rows.push({ runtime: runtime.label, id, error: String(error) });
    } finally {
      await stopAll(children);
    }
  }
  return rows;
}

/** The client rows' server: nghttpd when it is installed, else node:http2 on Node. */
async function startPeer(node, children) {
  const nghttpd = findProgram("nghttpd");
  if (nghttpd) {
    const server = await startNghttpd(nghttpd, HELLO_TEXT);
    children.push(server);
    return { port: server.port, name: "nghttpd (nghttp2-server, 1 thread)" };
  }
  const server = await startChild(node.command, ["bench/h2/server.mjs", "native"]);
  children.push(server);
  return { port: server.ready.port, name: "node:http2 server (nghttpd is not installed)" };
}

async function clientRows(node, config, log) {
  const children = [];
  try {
    const peer = await startPeer(node, children);
    const client = await startChild(node.command, ["bench/h2/client.mjs"]);
    children.push(client);
    const port = peer.port;
    /** One trial: requests per second, and the client's CPU microseconds per request. */
    const measure = (impl, inflight, count) => async () => {
      const cpu = cpuNanos(client.pid);
      const ms = await client.send({ cmd: "run", impl, port, count, inflight });
      return { rps: (count / ms) * 1000, cpuPerRequest: (cpuNanos(client.pid) - cpu) / 1000 / count };
    };
    const count = config.h2ClientRequests;
    for (const inflight of STREAMS) {
      await measure("sansio", inflight, Math.min(count, 5000))();
      await measure("native", inflight, Math.min(count, 5000))();
    }
    log(`  ${node.label}: client, ${count} requests over one connection, ${config.h2ClientRounds} rounds`);
    const variants = [];
    for (const inflight of STREAMS) {
      variants.push({ key: `sansio${inflight}`, run: measure("sansio", inflight, count) });
      variants.push({ key: `native${inflight}`, run: measure("native", inflight, count) });
    }
    const samples = await interleave(config.h2ClientRounds, variants);
    const rps = (key) => samples[key].map((sample) => sample.rps);
    const cpu = (key) => samples[key].map((sample) => sample.cpuPerRequest);
    return {
      runtime: node.label,
      requests: count,
      peer: peer.name,
      rows: STREAMS.map((inflight) => ({
        inflight,
        sansio: median(rps(`sansio${inflight}`)),
        native: median(rps(`native${inflight}`)),
        ratio: pairedRatio(rps(`sansio${inflight}`), rps(`native${inflight}`)),
        sansioCpu: median(cpu(`sansio${inflight}`)),
        nativeCpu: median(cpu(`native${inflight}`)),
        cpuRatio: pairedRatio(cpu(`native${inflight}`), cpu(`sansio${inflight}`)),
      })),
    };
  } finally {
    await stopAll(children);
  }
}
