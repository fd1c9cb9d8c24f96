// Socket benchmarks on Node: `node bench/socket/node.mjs [--serve]`.
// --serve: a raw `net` echo server and a @sansio/node echo server; prints their ports.
// --local: both servers, and the client in the same process (the CPU-bound rows, bench/sections/cpu.mjs).
// Otherwise: a client that runs the trials the orchestrator sends (see ../lib/commands.mjs).
import net from "node:net";
import process from "node:process";
import { runtime } from "@sansio/node";
import { serveCommands } from "../lib/commands.mjs";
import { EchoServer } from "../lib/protocols.mjs";
import { socketTrial } from "../lib/trial.mjs";

const HOST = "127.0.0.1";

/** A `net` echo server as one would write it: write back each chunk, pause while the socket is full. */
function rawEchoServer() {
  const server = net.createServer({ noDelay: true }, (socket) => {
    socket.on("error", () => {});
    socket.on("data", (chunk) => {
      if (!socket.write(chunk)) socket.pause();
    });
    socket.on("drain", () => socket.resume());
  });
  return new Promise((resolve) => server.listen(0, HOST, () => resolve(server)));
}

/** Raw bulk client: writes `total` bytes in `chunk`s (waiting for 'drain'), counts the echo. */
function rawBulk(port, chunk, total) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const socket = net.connect({ host: HOST, port, noDelay: true });
    let sent = 0;
    let received = 0;
    const pump = () => {
      while (sent < total) {
        const n = Math.min(chunk.length, total - sent);
        sent += n;
        if (!socket.write(n === chunk.length ? chunk : chunk.subarray(0, n))) return;
      }
    };
    socket.on("connect", pump);
    socket.on("drain", pump);
    socket.on("data", (data) => {
      received += data.length;
      if (received >= total) {
        resolve(performance.now() - started);
        socket.destroy();
      }
    });
    socket.on("error", reject);
    socket.on("close", () => reject(new Error(`closed after ${received} of ${total} bytes`)));
  });
}

/** Raw round-trip client: one message out, wait for it to come back, `count` times. */
function rawPingPong(port, message, count) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const socket = net.connect({ host: HOST, port, noDelay: true });
    let received = 0;
    let answered = 0;
    socket.on("connect", () => socket.write(message));
    socket.on("data", (data) => {
      received += data.length;
      if (received < message.length) return;
      received -= message.length;
      if (++answered >= count) {
        resolve(performance.now() - started);
        socket.destroy();
      } else socket.write(message);
    });
    socket.on("error", reject);
    socket.on("close", () => reject(new Error(`closed after ${answered} of ${count} round trips`)));
  });
}

const trial = socketTrial(runtime, { bulk: rawBulk, rtt: rawPingPong }, HOST);

if (process.argv.includes("--serve") || process.argv.includes("--local")) {
  const raw = await rawEchoServer();
  const adapter = await runtime.listen({ hostname: HOST, port: 0 }, () => new EchoServer());
  serveCommands(
    { raw: raw.address().port, adapter: adapter.address.port },
    // --local: this process is the client too (client and server share one thread: the CPU-bound rows).
    process.argv.includes("--local") ? trial : async () => ({}),
    async () => {
      raw.close();
      await adapter.close({ timeout: 500 });
    },
  );
} else {
  serveCommands({}, trial);
}
