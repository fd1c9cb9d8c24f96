// The bench Worker (bundled by ../lib/workerd.mjs, run by workerd): POST / with a trial as JSON runs it
// as a client against the echo server on 127.0.0.1:<port> and answers `{ ms }`. Workers cannot accept
// TCP, so only the client side is measured here: @sansio/workers against a raw Workers socket loop.
import { connect } from "cloudflare:sockets";
import { runtime } from "@sansio/workers";
import { socketTrial } from "../lib/trial.mjs";

const HOST = "127.0.0.1";
/** Read size of the raw loops: one 64 KiB BYOB read at a time. */
const READ_SIZE = 64 * 1024;

/** A raw Workers socket: one writer, one BYOB reader (the fast reader, see RUNTIME-FACTS.md). */
function open(port) {
  const socket = connect({ hostname: HOST, port });
  return { socket, writer: socket.writable.getWriter(), reader: socket.readable.getReader({ mode: "byob" }) };
}

/** Reads until `bytes` more arrived; returns the (recycled) read buffer. */
async function readAtLeast(reader, buffer, bytes, what) {
  let received = 0;
  let memory = buffer;
  while (received < bytes) {
    const { value, done } = await reader.read(new Uint8Array(memory, 0, READ_SIZE));
    if (done || value === undefined) throw new Error(`EOF after ${received} of ${bytes} bytes (${what})`);
    received += value.length;
    memory = value.buffer;
  }
  return memory;
}

async function rawBulk(port, chunk, total) {
  const started = performance.now();
  const { socket, writer, reader } = open(port);
  try {
    const reading = readAtLeast(reader, new ArrayBuffer(READ_SIZE), total, "bulk");
    let sent = 0;
    while (sent < total) {
      const n = Math.min(chunk.length, total - sent);
      await writer.write(n === chunk.length ? chunk : chunk.subarray(0, n));
      sent += n;
    }
    await reading;
    return performance.now() - started;
  } finally {
    await socket.close().catch(() => {});
  }
}

async function rawPingPong(port, message, count) {
  const started = performance.now();
  const { socket, writer, reader } = open(port);
  try {
    let buffer = new ArrayBuffer(READ_SIZE);
    for (let i = 0; i < count; i++) {
      await writer.write(message);
      buffer = await readAtLeast(reader, buffer, message.length, "round trips");
    }
    return performance.now() - started;
  } finally {
    await socket.close().catch(() => {});
  }
}

const trial = socketTrial(runtime, { bulk: rawBulk, rtt: rawPingPong }, HOST);

export default {
  async fetch(request) {
    try {
      const ms = await trial(await request.json());
      return Response.json({ ms });
    } catch (error) {
      return new Response(error instanceof Error ? `${error.name}: ${error.message}` : String(error), { status: 500 });
    }
  },
};
