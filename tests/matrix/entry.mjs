// What every matrix entry does, whatever runtime runs it (Node, Deno, Bun): plain ESM on node: modules
// and `process`, which all three provide.
//   (no args)                      run the conformance suite, print `MATRIX-RESULT <json>`
//   --serve                        serve the conformance server (plain and TLS) plus a refused port,
//                                  print `MATRIX-LISTENING {"port","tlsPort","refusedPort"}`, serve until
//                                  stdin ends or SIGTERM
//   --peer-port N [--peer-tls-port M] [--refused-port R] [--peer-h2-port H --peer-ws-port W]
//                                  run the suite against that remote server
//   --stress                       run only the stress tier (ConformanceOptions.stress: 10,000 concurrent
//                                  connections), no protocol cases; meant with --peer-port, since a server
//                                  in the same process would need 20,000 descriptors (ulimit -n)
// After the conformance suite come the protocol cases (protocols/cases.mjs: our HTTP/2 and WebSocket
// clients) against the protocol servers (protocols/serve.mjs) of the serving entry, or of this process.
// Environment: SANSIO_TLS_DIR (ca.pem, cert.pem, key.pem), SANSIO_UNIX_DIR (for unix sockets).
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import process from "node:process";
import { runConformance, serveConformance } from "@sansio/runtime-api/conformance";
import { runProtocolCases } from "./protocols/cases.mjs";
import { serveProtocols } from "./protocols/serve.mjs";

/** The test certificates from SANSIO_TLS_DIR as conformance TLS options, or undefined. */
async function certificates() {
  const dir = process.env.SANSIO_TLS_DIR;
  if (!dir) return undefined;
  const [ca, cert, key] = await Promise.all(
    ["ca.pem", "cert.pem", "key.pem"].map((f) => readFile(join(dir, f), "utf8")),
  );
  return { server: { cert, key }, client: { ca } };
}

function portArgument(args, flag) {
  const at = args.indexOf(flag);
  if (at < 0) return undefined;
  const port = Number(args[at + 1]);
  if (!Number.isInteger(port) || port <= 0) throw new Error(`${flag} needs a port, got ${args[at + 1]}`);
  return port;
}

/** A port on 127.0.0.1 where nothing listens: bound, then closed. */
async function closedPort(runtime) {
  const listener = await runtime.listen({ hostname: "127.0.0.1", port: 0 }, () => {
    throw new Error("nothing should connect here");
  });
  const { port } = listener.address;
  await listener.close({ timeout: 0 });
  return port;
}

async function serve(runtime, serverStartTls) {
  const tls = await certificates();
  const startTls = serverStartTls && tls ? { startTls: { isServer: true, ...tls.server } } : {};
  const plain = await serveConformance(runtime, { hostname: "127.0.0.1", port: 0 }, startTls);
  const secure = tls
    ? await serveConformance(runtime, {
        hostname: "127.0.0.1",
        port: 0,
        tls: { ...tls.server, alpnProtocols: ["sansio-test", "http/1.1"] },
      })
    : undefined;
  const protocols = await serveProtocols(runtime);
  const ports = {
    port: plain.address.port,
    tlsPort: secure?.address.port,
    refusedPort: await closedPort(runtime),
    h2Port: protocols.h2Port,
    wsPort: protocols.wsPort,
  };
  console.log(`MATRIX-LISTENING ${JSON.stringify(ports)}`);
  await new Promise((resolve) => {
    process.once("SIGTERM", resolve);
    process.stdin.on("end", resolve);
    process.stdin.on("close", resolve);
    process.stdin.resume();
  });
  await Promise.all([plain.close({ timeout: 1000 }), secure?.close({ timeout: 1000 }), protocols.close()]);
  process.exit(0);
}

/** The protocol cases against the servers named by --peer-h2-port / --peer-ws-port, or against our own. */
async function protocolResults(runtime, args) {
  const h2Port = portArgument(args, "--peer-h2-port");
  const wsPort = portArgument(args, "--peer-ws-port");
  if (h2Port !== undefined && wsPort !== undefined) {
    return runProtocolCases(runtime, { hostname: "127.0.0.1", h2Port, wsPort });
  }
  const own = await serveProtocols(runtime);
  try {
    return await runProtocolCases(runtime, { hostname: "127.0.0.1", h2Port: own.h2Port, wsPort: own.wsPort });
  } finally {
    await own.close();
  }
}

async function run(runtime, label, args) {
  const tls = await certificates();
  const unixDir = process.env.SANSIO_UNIX_DIR;
  const port = portArgument(args, "--peer-port");
  const tlsPort = portArgument(args, "--peer-tls-port");
  const refusedPort = portArgument(args, "--refused-port");
  const at = (p) => ({ transport: "tcp", hostname: "127.0.0.1", port: p });
  const peer =
    port === undefined
      ? undefined
      : {
          address: at(port),
          ...(tlsPort !== undefined ? { tlsAddress: at(tlsPort), tls: tls?.client } : {}),
          ...(refusedPort !== undefined ? { refusedPort } : {}),
        };
  const stress = args.includes("--stress");
  const results = await runConformance(runtime, {
    ...(tls ? { tls } : {}),
    ...(unixDir ? { unixDir } : {}),
    ...(peer ? { peer } : {}),
    ...(stress ? { stress: true, only: ["stress:"] } : {}),
  });
  const all = stress ? results : [...results, ...(await protocolResults(runtime, args))];
  console.log(`MATRIX-RESULT ${JSON.stringify({ runtime: label, results: all })}`);
  process.exit(0);
}

/**
 * Runs the matrix entry for `runtime` as the command line asks. `serverStartTls` says whether this
 * runtime can be the server side of STARTTLS (when false, the suite's STARTTLS server answers NO).
 */
export async function matrixEntry(runtime, label, { serverStartTls }) {
  const args = process.argv.slice(2);
  if (args.includes("--serve")) await serve(runtime, serverStartTls);
  else await run(runtime, label, args);
}
