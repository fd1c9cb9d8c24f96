// Socket benchmarks on Bun: `bun run bench/socket/bun.mjs [--serve]`.
// --serve: a raw Bun.listen echo server and a @sansio/bun echo server; prints their ports.
// --local: both servers, and the client in the same process (the CPU-bound rows, bench/sections/cpu.mjs).
// Otherwise: a client that runs the trials the orchestrator sends (see ../lib/commands.mjs).
import process from "node:process";
import { runtime } from "@sansio/bun";
import { serveCommands } from "../lib/commands.mjs";
import { EchoServer } from "../lib/protocols.mjs";
import { socketTrial } from "../lib/trial.mjs";

const HOST = "127.0.0.1";

/**
 * A Bun.listen echo server as one would write it: write each chunk back; Bun writes partially and
 * keeps nothing, so keep the tail (Bun's chunks are fresh memory), pause, and finish it on `drain`.
 */
function rawEchoServer() {
  return Bun.listen({
    hostname: HOST,
    port: 0,
    socket: {
      open(socket) {
        socket.data = { tail: null };
      },
      data(socket, chunk) {
        const written = socket.write(chunk);
        if (written >= 0 && written < chunk.length) {
          socket.data.tail = chunk.subarray(written);
          socket.pause();
        }
      },
      drain(socket) {
        const tail = socket.data.tail;
        if (!tail) return;
        const written = socket.write(tail);
        if (written < 0) return;
        if (written < tail.length) socket.data.tail = tail.subarray(written);
        else {
          socket.data.tail = null;
          socket.resume();
        }
      },
      error() {},
    },
  });
}

/** Raw bulk client: writes `total` bytes in `chunk`s, keeps the unwritten part for `drain`, counts the echo. */
function rawBulk(port, chunk, total) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    let sent = 0;
    let received = 0;
    let done = false;
    const pump = (socket) => {
      while (sent < total) {
        const offset = sent % chunk.length;
        const length = Math.min(chunk.length - offset, total - sent);
        const written = socket.write(chunk, offset, length);
        if (written < 0) return;
        sent += written;
        if (written < length) return;
      }
    };
    Bun.connect({
      hostname: HOST,
      port,
      socket: {
        open: pump,
        drain: pump,
        data(socket, data) {
          received += data.length;
          if (received >= total && !done) {
            done = true;
            resolve(performance.now() - started);
            socket.end();
          }
        },
        error(_socket, error) {
          reject(error);
        },
        close() {
          if (!done) reject(new Error(`closed after ${received} of ${total} bytes`));
        },
      },
    }).catch(reject);
  });
}

/** Raw round-trip client: one message out, wait for it to come back, `count` times. */
function rawPingPong(port, message, count) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    let received = 0;
    let answered = 0;
    let done = false;
    Bun.connect({
      hostname: HOST,
      port,
      socket: {
        open(socket) {
          socket.write(message);
        },
        data(socket, data) {
          received += data.length;
          if (received < message.length) return;
          received -= message.length;
          if (++answered >= count) {
            done = true;
            resolve(performance.now() - started);
            socket.end();
          } else socket.write(message);
        },
        error(_socket, error) {
          reject(error);
        },
        close() {
          if (!done) reject(new Error(`closed after ${answered} of ${count} round trips`));
        },
      },
    }).catch(reject);
  });
}

const trial = socketTrial(runtime, { bulk: rawBulk, rtt: rawPingPong }, HOST);

if (process.argv.includes("--serve") || process.argv.includes("--local")) {
  const raw = rawEchoServer();
  const adapter = await runtime.listen({ hostname: HOST, port: 0 }, () => new EchoServer());
  serveCommands(
    { raw: raw.port, adapter: adapter.address.port },
    // --local: this process is the client too (client and server share one thread: the CPU-bound rows).
    process.argv.includes("--local") ? trial : async () => ({}),
    async () => {
      raw.stop(true);
      await adapter.close({ timeout: 500 });
    },
  );
} else {
  serveCommands({}, trial);
}
