// Runs the example Worker locally in workerd through miniflare (no Cloudflare account, no wrangler):
//   node examples/workers/run-local.mjs          two requests through the Worker, then exit
//   node examples/workers/run-local.mjs --keep   keep serving until Ctrl-C
// It starts a small line service on 127.0.0.1 (PING -> +PONG, ECHO <text> -> <text>), bundles
// src/index.ts with esbuild the way wrangler does (the workerd/worker/browser export conditions;
// cloudflare:* stays an import, workerd provides it) and serves the bundle with miniflare. miniflare's
// default outbound network allows private addresses, so the Worker's connect() reaches 127.0.0.1.
// Needs Node >= 22 (miniflare's own requirement) and the packages built (`npm run build`).
import net from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";
import { Miniflare } from "miniflare";

const here = dirname(fileURLToPath(import.meta.url));

/** src/index.ts and what it imports, bundled into one ES module for Workers. */
async function bundle() {
  const result = await esbuild.build({
    entryPoints: [join(here, "src", "index.ts")],
    bundle: true,
    format: "esm",
    platform: "neutral",
    conditions: ["workerd", "worker", "browser"],
    external: ["cloudflare:*"],
    write: false,
  });
  return result.outputFiles[0].text;
}

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

const service = await startLineService();
const miniflare = new Miniflare({
  host: "127.0.0.1",
  port: 0, // any free port
  cf: false, // no request to Cloudflare for a real `request.cf`
  enableDevRegistry: false,
  workers: [
    {
      config: {
        name: "example",
        compatibilityDate: "2026-10-01",
        manifest: { mainModule: "worker.js", modules: { "worker.js": { type: "esm", contents: await bundle() } } },
        env: {
          TCP_HOST: { type: "text", value: "127.0.0.1" },
          TCP_PORT: { type: "text", value: String(service.address().port) },
        },
      },
    },
  ],
});
try {
  const base = await miniflare.ready; // http://127.0.0.1:<port>/
  for (const command of ["PING", "ECHO hello from a Worker"]) {
    const response = await miniflare.dispatchFetch(new URL(`/?command=${encodeURIComponent(command)}`, base));
    console.log(`${command} -> ${response.status} ${(await response.text()).trim()}`);
  }
  if (process.argv.includes("--keep")) {
    console.log(`serving on ${base}?command=PING (Ctrl-C to stop)`);
    await new Promise((resolve) => process.once("SIGINT", resolve));
  }
} finally {
  await miniflare.dispose();
  service.close();
}
