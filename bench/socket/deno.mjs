// Socket benchmarks on Deno: `deno run -A bench/socket/deno.mjs [--serve]`.
// --serve: a raw Deno.listen echo server and a @sansio/deno echo server; prints their ports.
// --local: both servers, and the client in the same process (the CPU-bound rows, bench/sections/cpu.mjs).
// Otherwise: a client that runs the trials the orchestrator sends (see ../lib/commands.mjs).
import process from "node:process";
import { runtime } from "@sansio/deno";
import { serveCommands } from "../lib/commands.mjs";
import { EchoServer } from "../lib/protocols.mjs";
import { socketTrial } from "../lib/trial.mjs";

const HOST = "127.0.0.1";
/** Read size of the raw loops (Deno's own stream readers use 64 KiB too). */
const READ_SIZE = 64 * 1024;

/** Writes all of `bytes`, looping on partial writes. */
async function writeAll(conn, bytes) {
  let at = 0;
  while (at < bytes.length) at += await conn.write(at === 0 ? bytes : bytes.subarray(at));
}

/** One echo loop as one would write it: read into a buffer, write it all back, until EOF. */
async function rawEcho(conn) {
  const buffer = new Uint8Array(READ_SIZE);
  try {
    conn.setNoDelay(true);
    for (;;) {
      const n = await conn.read(buffer);
      if (n === null) break;
      await writeAll(conn, buffer.subarray(0, n));
    }
  } catch {
    // The client went away.
  } finally {
    try {
      conn.close();
    } catch {
      // Already closed.
    }
  }
}

function rawEchoServer() {
  const listener = Deno.listen({ hostname: HOST, port: 0 });
  void (async () => {
    try {
      for await (const conn of listener) void rawEcho(conn);
    } catch {
      // Closed.
    }
  })();
  return listener;
}

async function rawBulk(port, chunk, total) {
  const started = performance.now();
  const conn = await Deno.connect({ hostname: HOST, port });
  conn.setNoDelay(true);
  try {
    const reading = (async () => {
      const buffer = new Uint8Array(READ_SIZE);
      let received = 0;
      while (received < total) {
        const n = await conn.read(buffer);
        if (n === null) throw new Error(`EOF after ${received} of ${total} bytes`);
        received += n;
      }
    })();
    let sent = 0;
    while (sent < total) {
      const n = Math.min(chunk.length, total - sent);
      await writeAll(conn, n === chunk.length ? chunk : chunk.subarray(0, n));
      sent += n;
    }
    await reading;
    return performance.now() - started;
  } finally {
    conn.close();
  }
}

async function rawPingPong(port, message, count) {
  const started = performance.now();
  const conn = await Deno.connect({ hostname: HOST, port });
  conn.setNoDelay(true);
  const buffer = new Uint8Array(READ_SIZE);
  try {
    for (let i = 0; i < count; i++) {
      await writeAll(conn, message);
      let received = 0;
      while (received < message.length) {
        const n = await conn.read(buffer);
        if (n === null) throw new Error(`EOF after ${i} of ${count} round trips`);
        received += n;
      }
    }
    return performance.now() - started;
  } finally {
    conn.close();
  }
}

const trial = socketTrial(runtime, { bulk: rawBulk, rtt: rawPingPong }, HOST);

if (process.argv.includes("--serve") || process.argv.includes("--local")) {
  const raw = rawEchoServer();
  const adapter = await runtime.listen({ hostname: HOST, port: 0 }, () => new EchoServer());
  serveCommands(
    { raw: raw.addr.port, adapter: adapter.address.port },
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
