// `npm start -- --runtime node|deno|bun --host HOST --port PORT [--tls]`
//
// Builds the packages the demo needs when their dist/ is missing or older than their sources, then
// runs the demo: in this process on Node (when this Node runs TypeScript), or as a child process under
// node_modules/.bin/node, deno or bun (signals forwarded).
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");
const RUNTIMES = ["node", "deno", "bun"];

const USAGE = `usage: npm start -- [--runtime node|deno|bun] [--host HOST] [--port PORT] [--tls [--ca-out FILE]]
                        [--quiet] [--*-timeout MS]
  --runtime             which runtime serves the demo (default node)
  --host                interface to listen on (default 127.0.0.1)
  --port                port, 0 for any free one (default 8080)
  --tls                 HTTPS with a certificate made at start (ALPN: h2 or http/1.1); without it the
                        port speaks HTTP/1.1, h2c by prior knowledge and h2c by upgrade
  --ca-out FILE         with --tls: where to save the CA certificate clients should trust
                        (default: a file in a temporary directory, removed at exit)
  --quiet               no access log (one line per response otherwise)
  --keep-alive-timeout  ms a kept-alive connection may idle between requests (default 5000, 0 disables)
  --headers-timeout     ms for a whole request head (default 60000, 0 disables)
  --request-timeout     ms for a whole request, head and body (default 300000, 0 disables)`;

/**
 * Splits out --runtime; everything else goes to the runtime entry. Notes `--tls` and `--ca-out FILE`
 * (Deno needs write permission for that file).
 */
function parseArgs(argv) {
  let runtime = "node";
  let tls = false;
  let caOut;
  const rest = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--help" || arg === "-h") {
      console.log(USAGE);
      process.exit(0);
    }
    if (arg === "--runtime") runtime = argv[++i];
    else if (arg.startsWith("--runtime=")) runtime = arg.slice("--runtime=".length);
    else {
      rest.push(arg);
      if (arg === "--tls") tls = true;
      else if (arg === "--ca-out" && i + 1 < argv.length) {
        caOut = argv[++i];
        rest.push(caOut);
      } else if (arg.startsWith("--ca-out=")) caOut = arg.slice("--ca-out=".length);
    }
  }
  if (!RUNTIMES.includes(runtime)) {
    console.error(`unknown --runtime ${JSON.stringify(runtime)}\n${USAGE}`);
    process.exit(2);
  }
  return { runtime, tls, caOut, rest };
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
    // The build's own log is shown only when it fails.
    const result = spawnSync(command, args, {
      cwd: root,
      stdio: ["ignore", "pipe", "pipe"],
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
      shell: !npm && process.platform === "win32",
    });
    if (result.status !== 0) {
      console.error(`${result.stdout ?? ""}${result.stderr ?? ""}${result.error?.message ?? ""}`);
      console.error(`building packages/${name} failed`);
      process.exit(result.status ?? 1);
    }
  }
}

const { runtime, tls, caOut: givenCaOut, rest } = parseArgs(process.argv.slice(2));
buildIfNeeded(["runtime-api", "http1", "http2", "websocket", runtime]);

// --tls: the CA certificate goes to a fresh temporary directory unless --ca-out says where; removed at exit.
let caOut = givenCaOut;
if (tls && caOut === undefined) {
  const dir = mkdtempSync(join(tmpdir(), "sansio-demo-"));
  caOut = join(dir, "ca.pem");
  rest.push("--ca-out", caOut);
  process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
}

if (runtime === "node" && process.features.typescript) {
  process.argv = [process.argv[0], join(here, "node.ts"), ...rest];
  await import("./node.ts");
} else {
  // Deno or Bun, or Node from node_modules/.bin when this one cannot run TypeScript (Node 20 run directly).
  const binary = join(root, "node_modules", ".bin", process.platform === "win32" ? `${runtime}.cmd` : runtime);
  if (!existsSync(binary)) {
    console.error(`${binary} is missing: run npm ci first (it installs ${runtime} from the npm registry)`);
    process.exit(1);
  }
  const entry = join(here, `${runtime}.ts`);
  const denoPermissions = ["--allow-net", ...(caOut === undefined ? [] : [`--allow-write=${caOut}`])];
  const args = runtime === "deno" ? ["run", ...denoPermissions, entry, ...rest] : [entry, ...rest];
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
