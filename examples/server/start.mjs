// `npm start -- --runtime node|deno|bun --host HOST --port PORT`
//
// Builds the packages the demo needs when their dist/ is missing or older than their sources, then
// runs the demo: in this process on Node, or under node_modules/.bin/deno or bun (signals forwarded).
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");
const RUNTIMES = ["node", "deno", "bun"];

const USAGE = `usage: npm start -- [--runtime node|deno|bun] [--host HOST] [--port PORT] [--quiet] [--*-timeout MS]
  --runtime             which runtime serves the demo (default node)
  --host                interface to listen on (default 127.0.0.1)
  --port                port, 0 for any free one (default 8080)
  --quiet               no access log (one line per response otherwise)
  --keep-alive-timeout  ms a kept-alive connection may idle between requests (default 5000, 0 disables)
  --headers-timeout     ms for a whole request head (default 60000, 0 disables)
  --request-timeout     ms for a whole request, head and body (default 300000, 0 disables)`;

/** Splits out --runtime; everything else goes to the runtime entry. */
function parseArgs(argv) {
  let runtime = "node";
  const rest = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--help" || arg === "-h") {
      console.log(USAGE);
      process.exit(0);
    }
    if (arg === "--runtime") runtime = argv[++i];
    else if (arg.startsWith("--runtime=")) runtime = arg.slice("--runtime=".length);
    else rest.push(arg);
  }
  if (!RUNTIMES.includes(runtime)) {
    console.error(`unknown --runtime ${JSON.stringify(runtime)}\n${USAGE}`);
    process.exit(2);
  }
  return { runtime, rest };
}

/** Newest modification time of the files under `dir` (0 when it does not exist). */
function newest(dir) {
  if (!existsSync(dir)) return 0;
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

/**
 * Builds each package (in dependency order) whose dist/index.js is missing or older than its src/.
 * SANSIO_START_NO_BUILD=1 skips this (the caller built already).
 */
function buildIfNeeded(packages) {
  if (process.env.SANSIO_START_NO_BUILD === "1") return;
  for (const name of packages) {
    const dir = join(root, "packages", name);
    const built = join(dir, "dist", "index.js");
    if (existsSync(built) && statSync(built).mtimeMs >= newest(join(dir, "src"))) continue;
    console.error(`building packages/${name} ...`);
    const npm = process.env.npm_execpath;
    const [command, args] = npm
      ? [process.execPath, [npm, "run", "build", "--silent", "-w", `packages/${name}`]]
      : ["npm", ["run", "build", "--silent", "-w", `packages/${name}`]];
    const result = spawnSync(command, args, {
      cwd: root,
      stdio: ["ignore", "inherit", "inherit"],
      shell: !npm && process.platform === "win32",
    });
    if (result.status !== 0) {
      console.error(`building packages/${name} failed`);
      process.exit(result.status ?? 1);
    }
  }
}

const { runtime, rest } = parseArgs(process.argv.slice(2));
buildIfNeeded(["runtime-api", "http1", runtime]);

if (runtime === "node") {
  process.argv = [process.argv[0], join(here, "node.ts"), ...rest];
  await import("./node.ts");
} else {
  const binary = join(root, "node_modules", ".bin", process.platform === "win32" ? `${runtime}.cmd` : runtime);
  if (!existsSync(binary)) {
    console.error(`${binary} is missing: run npm ci first (it installs ${runtime} from the npm registry)`);
    process.exit(1);
  }
  const args =
    runtime === "deno" ? ["run", "--allow-net", join(here, "deno.ts"), ...rest] : [join(here, "bun.ts"), ...rest];
  const child = spawn(binary, args, { cwd: root, stdio: "inherit" });
  for (const signal of ["SIGINT", "SIGTERM"]) {
    process.on(signal, () => child.kill(signal));
  }
  child.on("exit", (code, signal) => process.exit(code ?? (signal ? 128 : 1)));
  child.on("error", (error) => {
    console.error(`cannot start ${runtime}: ${error.message}`);
    process.exit(1);
  });
}
