// Runs the example Worker locally in workerd (no Cloudflare account, no wrangler):
//   node examples/workers/run-local.mjs          two requests through the Worker, then exit
//   node examples/workers/run-local.mjs --keep   keep serving until Ctrl-C
// It starts a small line service on 127.0.0.1 (PING -> +PONG, ECHO <text> -> <text>), bundles
// src/index.ts with esbuild (cloudflare:sockets stays external: workerd provides it), and serves it
// with a workerd config whose global outbound may reach loopback (the default "internet" one may not).
import net from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
// The repo's workerd runner (bundle, config, process), shared with the @sansio/workers tests.
import { startWorkerd, workerdConfig } from "../../packages/workers/test/workerd-process.mjs";

const here = dirname(fileURLToPath(import.meta.url));

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
let workerd;
try {
  workerd = await startWorkerd({
    entry: join(here, "src", "index.ts"),
    config: workerdConfig({
      bindings: [`(name = "TCP_HOST", text = "127.0.0.1")`, `(name = "TCP_PORT", text = "${service.address().port}")`],
    }),
    echo: true,
  });
  const base = `http://127.0.0.1:${workerd.port}`;
  for (const command of ["PING", "ECHO hello from a Worker"]) {
    const response = await fetch(`${base}/?command=${encodeURIComponent(command)}`);
    console.log(`${command} -> ${response.status} ${(await response.text()).trim()}`);
  }
  if (process.argv.includes("--keep")) {
    console.log(`serving on ${base}/?command=PING (Ctrl-C to stop)`);
    await new Promise((resolve) => process.once("SIGINT", resolve));
  }
} finally {
  await workerd?.stop();
  service.close();
}
