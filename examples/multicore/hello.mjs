// The app every process of the multicore example serves: HTTP/1.1 hello that says which process answered.
import { http1Server } from "@sansio/http1";

/**
 * The `accept` of one process: every response names `label` and `pid`, so a client can see the kernel
 * (reusePort) or the cluster primary spreading connections among the processes.
 * @param {string} label the runtime, e.g. "node 24.21.0"
 * @param {number} pid this process
 */
export function helloFrom(label, pid) {
  const body = `hello from ${label}, pid ${pid}\n`;
  return http1Server((_request, response) => {
    response.respond(200, { "Content-Type": "text/plain" }, body);
  });
}

/**
 * `--host H --port P` from the command line (defaults 127.0.0.1 and 8080).
 * @param {readonly string[]} args
 */
export function parseArgs(args) {
  let hostname = "127.0.0.1";
  let port = 8080;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "--host") hostname = String(args[++i]);
    else if (args[i] === "--port") port = Number(args[++i]);
    else throw new Error(`unknown argument ${args[i]} (expected --host H --port P)`);
  }
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`bad --port ${port}`);
  return { hostname, port };
}

/**
 * The line a process prints once it listens, for the launcher (and you) to read.
 * @param {import("@sansio/runtime-api").Listener} listener
 * @param {number} pid
 */
export function readyLine(listener, pid) {
  const address = listener.address;
  return `${JSON.stringify({ ready: true, pid, port: address.transport === "tcp" ? address.port : null })}\n`;
}
