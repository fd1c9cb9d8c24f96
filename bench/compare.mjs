// Side by side: the same bench row with the packages of two source trees, interleaved in one run.
//
//   node bench/compare.mjs prepare <commit> <dir> [--tsup <dir with tsup installed>]
//                                                    a tree of <commit>'s packages with this bench/, built
//   node bench/compare.mjs <dirA> <dirB> <runtime> rtt|bulk [--local] [--rounds N] [--count N]
//   node bench/compare.mjs <dirA> <dirB> node|deno|bun http [--rounds N] [--seconds N] [--impl adapter-floor|sansio]
//
// A prepared tree is a copy of <commit>'s files (git archive) with its own node_modules/@sansio links to
// its own packages (everything else links to this checkout's node_modules) and this checkout's bench/, so
// only the packages differ. The socket rows run each tree's echo servers and client (--local: the
// one-process row, client and server in one thread); the http row runs each tree's hello server under the
// load generator. Each round runs A's adapter, B's adapter, A's raw side and B's raw side (the control:
// the same code in two processes). Prints B / A for both, in speed and in CPU (higher: B is better).
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, symlinkSync } from "node:fs";
import { join, resolve } from "node:path";
import process from "node:process";
import { cpuNanos, cpuOf } from "./lib/cpu.mjs";
import { createLoadGenerator } from "./lib/load.mjs";
import { benchRuntimes } from "./lib/runtimes.mjs";
import { interleave, median, pairedRatio } from "./lib/stats.mjs";

const here = resolve(import.meta.dirname);
const root = resolve(here, "..");

/**
 * Makes `dir` a built tree of `commit`'s packages with this checkout's bench/. Commits from before the
 * move to tsdown build with tsup, which this checkout no longer installs: pass `tsupDir`, a directory
 * where `npm install tsup@9` ran, and the tree builds with that.
 */
function prepare(commit, dir, tsupDir) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  execFileSync("sh", ["-c", `git -C "${root}" archive "${commit}" | tar -x -C "${dir}"`], { stdio: "inherit" });
  mkdirSync(join(dir, "node_modules", "@sansio"), { recursive: true });
  for (const name of readdirSync(join(root, "node_modules"))) {
    if (name !== "@sansio") symlinkSync(join(root, "node_modules", name), join(dir, "node_modules", name));
  }
  for (const name of readdirSync(join(dir, "packages"))) {
    if (existsSync(join(dir, "packages", name, "package.json"))) {
      symlinkSync(join("..", "..", "packages", name), join(dir, "node_modules", "@sansio", name));
    }
  }
  rmSync(join(dir, "bench"), { recursive: true, force: true });
  cpSync(here, join(dir, "bench"), { recursive: true });
  let path = `${join(root, "node_modules", ".bin")}:${process.env.PATH}`;
  if (existsSync(join(dir, "tsup.shared.ts")) && !existsSync(join(root, "node_modules", "tsup"))) {
    if (!tsupDir) {
      throw new Error(
        `${commit} builds with tsup: run \`npm install tsup@9\` in some directory and pass it with --tsup <dir>`,
      );
    }
    symlinkSync(join(resolve(tsupDir), "node_modules", "tsup"), join(dir, "node_modules", "tsup"));
    path = `${join(resolve(tsupDir), "node_modules", ".bin")}:${path}`;
  }
  execFileSync("npm", ["run", "build"], { cwd: dir, stdio: "inherit", env: { ...process.env, PATH: path } });
}

/** The value after `--name`, or `fallback`. */
function option(args, name, fallback) {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? args[at + 1] : fallback;
}

/** The child starter of a tree (its bench/lib/child.mjs runs children from that tree's root). */
async function starterOf(dir) {
  return (await import(join(dir, "bench", "lib", "child.mjs"))).startChild;
}

/** Rows 2/2b or 1/1b with two trees: per round A adapter, B adapter, A raw, B raw. */
async function socketRows(dirs, id, test, args) {
  const runtimes = benchRuntimes();
  const runtime = runtimes[id];
  const local = args.includes("--local");
  const serverRuntime = id === "workerd" ? runtimes.node : runtime;
  const count = Number(option(args, "count", test === "rtt" ? "20000" : String(256 * 1024 * 1024)));
  const children = [];
  const sides = [];
  try {
    for (const dir of dirs) {
      const start = await starterOf(dir);
      const serverScript = join(dir, "bench", "socket", `${serverRuntime.id}.mjs`);
      const server = await start(serverRuntime.command, [
        ...serverRuntime.prefix,
        serverScript,
        local ? "--local" : "--serve",
      ]);
      children.push(server);
      let client = server;
      if (!local) {
        client = await start(runtime.command, [...runtime.prefix, join(dir, "bench", "socket", `${id}.mjs`)]);
        children.push(client);
      }
      sides.push({ server, client });
    }
    const pids = [...new Set(children.flatMap((child) => [child.pid, child.ready.pid]).filter(Boolean))];
    const trial = (side, impl) => async () => {
      const port = side.server.ready[id === "workerd" ? "raw" : impl];
      const command =
        test === "rtt"
          ? { test: "rtt", impl, port, size: 64, count }
          : { test: "bulk", impl, port, chunk: 64 * 1024, total: count };
      const cpu = cpuOf(pids);
      const ms = await side.client.send(command);
      return { time: ms, cpu: cpuOf(pids) - cpu };
    };
    for (const side of sides) for (const impl of ["raw", "adapter"]) await trial(side, impl)();
    const samples = await interleave(Number(option(args, "rounds", "10")), [
      { key: "a", run: trial(sides[0], "adapter") },
      { key: "b", run: trial(sides[1], "adapter") },
      { key: "rawA", run: trial(sides[0], "raw") },
      { key: "rawB", run: trial(sides[1], "raw") },
    ]);
    report(`${runtime.label} ${test}${local ? " (one process)" : ""}, ${count} per trial`, samples, "ms");
  } finally {
    for (const child of children.reverse()) await child.stop();
  }
}

/** Row 3/3b with two trees: one server per tree and `impl`, and the raw-socket floor of each tree. */
async function httpRows(dirs, id, args) {
  const runtime = benchRuntimes()[id];
  const flags = id === "node" ? ["--expose-gc"] : [];
  const impl = option(args, "impl", "adapter-floor");
  const seconds = Number(option(args, "seconds", "3"));
  const load = await createLoadGenerator();
  const children = [];
  try {
    const servers = [];
    for (const dir of dirs) {
      const start = await starterOf(dir);
      for (const kind of [impl, "floor"]) {
        const script = join(dir, "bench", "http", `${id}.mjs`);
        const child = await start(runtime.command, [...runtime.prefix, ...flags, script, kind]);
        children.push(child);
        servers.push(child);
      }
    }
    const measure = (child, secs) => async () => {
      const cpu = cpuNanos(child.pid);
      const { requests } = await load.run({ port: child.ready.port, connections: 50, seconds: secs });
      // Time per request (so that lower is better, as for the socket rows) and CPU per request.
      return { time: (secs * 1e6) / requests, cpu: (cpuNanos(child.pid) - cpu) / 1000 / requests };
    };
    for (const server of servers) await measure(server, 1)();
    const [a, rawA, b, rawB] = servers;
    const samples = await interleave(Number(option(args, "rounds", "6")), [
      { key: "a", run: measure(a, seconds) },
      { key: "b", run: measure(b, seconds) },
      { key: "rawA", run: measure(rawA, seconds) },
      { key: "rawB", run: measure(rawB, seconds) },
    ]);
    report(`${runtime.label} http ${impl} (raw: the runtime's socket floor), ${load.name}`, samples, "µs/req");
  } finally {
    for (const child of children.reverse()) await child.stop();
    await load.close();
  }
}

/** Prints medians and the paired ratios B / A (higher: B is faster or cheaper). */
function report(title, samples, unit) {
  const of = (key, field) => samples[key].map((sample) => sample[field]);
  const ratio = (a, b, field) => pairedRatio(of(a, field), of(b, field)).toFixed(3);
  const med = (key, field) => median(of(key, field)).toFixed(2);
  console.log(title);
  console.log(
    `  median ${unit}: A ${med("a", "time")}, B ${med("b", "time")}; raw A ${med("rawA", "time")}, raw B ${med("rawB", "time")}`,
  );
  console.log(`  adapter B / A: speed ${ratio("a", "b", "time")}x, CPU ${ratio("a", "b", "cpu")}x`);
  console.log(
    `  control, raw B / raw A: speed ${ratio("rawA", "rawB", "time")}x, CPU ${ratio("rawA", "rawB", "cpu")}x`,
  );
  console.log(`  adapter / raw: A ${ratio("rawA", "a", "time")}x, B ${ratio("rawB", "b", "time")}x`);
}

const args = process.argv.slice(2);
if (args[0] === "prepare" && args.length >= 3) prepare(args[1], resolve(args[2]), option(args, "tsup", undefined));
else if (args.length >= 4 && ["rtt", "bulk"].includes(args[3]) && args[2] in benchRuntimes()) {
  await socketRows([resolve(args[0]), resolve(args[1])], args[2], args[3], args);
} else if (args.length >= 4 && ["node", "deno", "bun"].includes(args[2]) && args[3] === "http") {
  await httpRows([resolve(args[0]), resolve(args[1])], args[2], args);
} else {
  console.error(
    "usage: node bench/compare.mjs prepare <commit> <dir> [--tsup <dir>]\n" +
      "       node bench/compare.mjs <dirA> <dirB> <node|deno|bun|workerd> rtt|bulk [--local] [--rounds N] [--count N]\n" +
      "       node bench/compare.mjs <dirA> <dirB> node|deno|bun http [--impl adapter-floor|sansio] [--rounds N] [--seconds N]",
  );
  process.exitCode = 2;
}
