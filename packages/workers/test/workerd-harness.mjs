// Runs the test Worker (test/worker/main.ts) in a real workerd, for vitest and the cross-runtime matrix:
// bundles it with esbuild (cloudflare:sockets external), writes a workerd config, starts
// `workerd serve` on 127.0.0.1 (port 0, reported through --control-fd) and posts requests to it.
import { execFileSync, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import net from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const packageDir = join(here, "..");
const require = createRequire(import.meta.url);

/** The compatibility date the test Worker runs with (not after the workerd release). */
export const COMPATIBILITY_DATE = "2026-10-01";
const START_LIMIT_MS = 30_000;
const STOP_GRACE_MS = 1_000;

/** Path of the workerd binary from the `workerd` npm package. */
export function workerdBinary() {
  return join(dirname(require.resolve("workerd/package.json")), "bin", "workerd");
}

/** `workerd --version`, e.g. "workerd 2026-11-17". */
export function workerdVersion() {
  return execFileSync(workerdBinary(), ["--version"], { encoding: "utf8" }).trim();
}

/**
 * Bundles the test Worker into one ES module with `cloudflare:sockets` external. `from: "src"` builds
 * @sansio/workers from its TypeScript sources; `from: "dist"` uses the built package through its
 * `workerd` export condition, as an application bundle would.
 */
export async function bundleTestWorker(outfile, from = "src") {
  const esbuild = await import("esbuild");
  if (from === "dist" && !existsSync(join(packageDir, "dist", "index.js"))) {
    throw new Error("packages/workers/dist is missing: build it first (npm run build -w @sansio/workers)");
  }
  await esbuild.build({
    entryPoints: [join(here, "worker", "main.ts")],
    outfile,
    bundle: true,
    format: "esm",
    platform: "neutral",
    target: "es2022",
    conditions: ["workerd", "worker"],
    mainFields: ["module", "main"],
    external: ["cloudflare:sockets"],
    alias: from === "src" ? { "@sansio/workers": join(packageDir, "src", "index.ts") } : {},
    logLevel: "error",
  });
}

function workerdConfig(withCa) {
  // Without a test CA, the TEST_CA binding is the same network as the global outbound.
  const testCaTls = withCa ? `trustedCertificates = [embed "ca.pem"]` : "trustBrowserCas = true";
  return `using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "main", worker = .testWorker),
    # The global outbound: loopback only, public CAs only (the test CA is not trusted here).
    (name = "loopback", network = (allow = ["local"], tlsOptions = (trustBrowserCas = true))),
    # Loopback whose TLS trusts the test CA: the TEST_CA binding.
    (name = "loopback-test-ca", network = (allow = ["local"], tlsOptions = (${testCaTls}))),
  ],
  sockets = [(name = "http", address = "127.0.0.1:0", http = (), service = "main")],
);

const testWorker :Workerd.Worker = (
  modules = [(name = "worker.js", esModule = embed "worker.js")],
  compatibilityDate = "${COMPATIBILITY_DATE}",
  globalOutbound = "loopback",
  bindings = [(name = "TEST_CA", service = "loopback-test-ca")],
);
`;
}

/**
 * Bundles the test Worker and serves it with workerd on 127.0.0.1. `ca` is the PEM of the test CA (the
 * TEST_CA binding trusts it; optional). `from`: see {@link bundleTestWorker}. Returns `post(path, body)`
 * and `stop()`.
 */
export async function startTestWorker({ ca, from = "src" }) {
  const dir = await mkdtemp(join(tmpdir(), "sansio-workerd-"));
  try {
    await bundleTestWorker(join(dir, "worker.js"), from);
    if (ca) await writeFile(join(dir, "ca.pem"), ca);
    await writeFile(join(dir, "config.capnp"), workerdConfig(Boolean(ca)));
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  const child = spawn(workerdBinary(), ["serve", join(dir, "config.capnp"), "--control-fd=3"], {
    cwd: dir,
    stdio: ["ignore", "pipe", "pipe", "pipe"],
  });
  let log = "";
  const keep = (chunk) => {
    log = (log + chunk).slice(-20_000);
  };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  const exited = new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));

  let port;
  try {
    port = await new Promise((resolve, reject) => {
      let control = "";
      const timer = setTimeout(
        () => reject(new Error(`workerd did not listen within ${START_LIMIT_MS} ms\n${log}`)),
        START_LIMIT_MS,
      );
      child.stdio[3].on("data", (chunk) => {
        control += chunk;
        for (const text of control.split("\n")) {
          if (!text.trim()) continue;
          const event = JSON.parse(text);
          if (event.event === "listen" && event.socket === "http") {
            clearTimeout(timer);
            resolve(event.port);
          }
        }
      });
      void exited.then(({ code, signal }) => {
        clearTimeout(timer);
        reject(new Error(`workerd exited (${code ?? signal}) before listening\n${log}`));
      });
    });
  } catch (error) {
    child.kill("SIGKILL");
    await rm(dir, { recursive: true, force: true });
    throw error;
  }

  let stopped = false;
  return {
    port,
    version: workerdVersion(),
    /** workerd's recent output, for failure messages. */
    log: () => log,
    /** POSTs JSON to the Worker and returns its JSON answer; rejects with the Worker's error text. */
    async post(path, body, timeoutMs = 300_000) {
      const response = await fetch(`http://127.0.0.1:${port}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
      const text = await response.text();
      if (!response.ok) throw new Error(`the Worker answered ${response.status}: ${text}\n--- workerd ---\n${log}`);
      return JSON.parse(text);
    },
    /** Stops workerd (SIGTERM, then SIGKILL: it waits for requests in flight) and removes its files. */
    async stop() {
      if (stopped) return;
      stopped = true;
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), STOP_GRACE_MS);
        await exited;
        clearTimeout(timer);
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A TCP port on 127.0.0.1 where nothing listens (bound, then closed). */
export async function refusedPort() {
  const server = net.createServer();
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * Starts `serveConformance` servers with @sansio/node (its built dist): plain (offering STARTTLS when
 * `tls` is given) and, with `tls`, a TLS one; plus a refused port. `tls` = { server: { cert, key }, client: { ca } }.
 */
export async function startConformancePeer(tls) {
  const { runtime } = await import("@sansio/node");
  const { serveConformance } = await import("@sansio/runtime-api/conformance");
  const plain = await serveConformance(
    runtime,
    { hostname: "127.0.0.1", port: 0 },
    tls ? { startTls: { isServer: true, ...tls.server } } : {},
  );
  const secure = tls ? await serveConformance(runtime, { hostname: "127.0.0.1", port: 0, tls: tls.server }) : undefined;
  const portOf = (listener) => {
    const address = listener.address;
    if (address.transport !== "tcp") throw new Error("expected a TCP listener");
    return address.port;
  };
  return {
    port: portOf(plain),
    tlsPort: secure ? portOf(secure) : undefined,
    refusedPort: await refusedPort(),
    async close() {
      await Promise.all([plain.close({ timeout: 500 }), secure?.close({ timeout: 500 })]);
    },
  };
}

/** The body of a POST /conformance for a peer `{ port, tlsPort?, refusedPort? }` and the test certificates. */
export function conformanceRequest(peer, tls, extra = {}) {
  return {
    address: { hostname: "127.0.0.1", port: peer.port },
    ...(peer.tlsPort !== undefined ? { tlsPort: peer.tlsPort } : {}),
    ...(peer.refusedPort !== undefined ? { refusedPort: peer.refusedPort } : {}),
    ...(tls ? { tls } : {}),
    ...extra,
  };
}
