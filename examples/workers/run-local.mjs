// Runs the example Worker locally in workerd (no Cloudflare account, no wrangler):
//   node examples/workers/run-local.mjs          two requests through the Worker, then exit
//   node examples/workers/run-local.mjs --keep   keep serving until Ctrl-C
// It starts a small line service on 127.0.0.1 (PING -> +PONG, ECHO <text> -> <text>), bundles
// src/index.ts with esbuild (cloudflare:sockets stays external: workerd provides it), and serves it
// with a workerd config whose global outbound may reach loopback (the default "internet" one may not).
import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import net from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

/** The TCP service the Worker talks to: one reply line per request line. */
async function startLineService() {
  const server = net.createServer({ allowHalfOpen: true }, (socket) => {
    socket.on("error", () => {});
    let pending = "";
    socket.on("data", (chunk) => {
      pending += chunk.toString("utf8");
      for (let end = pending.indexOf("\n"); end >= 0; end = pending.indexOf("\n")) {
        const line = pending.slice(0, end).replace(/\r$/, "");
        pending = pending.slice(end + 1);
        if (line === "PING") socket.write("+PONG\r\n");
        else if (line.startsWith("ECHO ")) socket.write(`${line.slice(5)}\r\n`);
        else socket.write("-ERR unknown command\r\n");
      }
    });
    socket.on("end", () => socket.end());
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return server;
}

async function bundle(outfile) {
  const esbuild = await import("esbuild");
  await esbuild.build({
    entryPoints: [join(here, "src", "index.ts")],
    outfile,
    bundle: true,
    format: "esm",
    platform: "neutral",
    target: "es2022",
    conditions: ["workerd", "worker"],
    mainFields: ["module", "main"],
    external: ["cloudflare:sockets"],
    logLevel: "error",
  });
}

const config = (port) => `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "main", worker = .example),
    (name = "loopback", network = (allow = ["local"])),
  ],
  sockets = [(name = "http", address = "127.0.0.1:0", http = (), service = "main")],
);
const example :Workerd.Worker = (
  modules = [(name = "worker.js", esModule = embed "worker.js")],
  compatibilityDate = "2026-10-01",
  globalOutbound = "loopback",
  bindings = [(name = "TCP_HOST", text = "127.0.0.1"), (name = "TCP_PORT", text = "${port}")],
);
`;

/** Starts workerd on a free port (reported on the control descriptor) and resolves with it. */
function startWorkerd(dir) {
  const binary = join(dirname(require.resolve("workerd/package.json")), "bin", "workerd");
  const child = spawn(binary, ["serve", join(dir, "config.capnp"), "--control-fd=3"], {
    stdio: ["ignore", "inherit", "inherit", "pipe"],
  });
  const port = new Promise((resolve, reject) => {
    let control = "";
    child.stdio[3].on("data", (chunk) => {
      control += chunk;
      for (const line of control.split("\n")) {
        if (!line.trim()) continue;
        const event = JSON.parse(line);
        if (event.event === "listen" && event.socket === "http") resolve(event.port);
      }
    });
    child.once("exit", (code) => reject(new Error(`workerd exited with ${code}`)));
  });
  return { child, port };
}

const service = await startLineService();
const dir = await mkdtemp(join(tmpdir(), "sansio-example-"));
await bundle(join(dir, "worker.js"));
await writeFile(join(dir, "config.capnp"), config(service.address().port));
const workerd = startWorkerd(dir);
const stop = async () => {
  workerd.child.kill("SIGKILL");
  service.close();
  await rm(dir, { recursive: true, force: true });
};
try {
  const port = await workerd.port;
  const base = `http://127.0.0.1:${port}`;
  for (const command of ["PING", "ECHO hello from a Worker"]) {
    const response = await fetch(`${base}/?command=${encodeURIComponent(command)}`);
    console.log(`${command} -> ${response.status} ${(await response.text()).trim()}`);
  }
  if (process.argv.includes("--keep")) {
    console.log(`serving on ${base}/?command=PING (Ctrl-C to stop)`);
    await new Promise((resolve) => process.once("SIGINT", resolve));
  }
} finally {
  await stop();
}
