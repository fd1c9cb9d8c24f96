// Regression tests for the Node transport's callback-less small writes (7291edc): a write of at most
// 16 KiB goes to net.Socket without a callback and is reported done at once when Node handed every
// byte to the kernel; otherwise an empty write queued behind it reports it. These tests make Node queue
// (the peer does not read), so every small write takes the queued path.
import * as net from "node:net";
import { ConnectionLostError } from "@sansio/runtime-api";
import { Exchange, patternBytes } from "@sansio/runtime-api/conformance";
import { afterEach, describe, expect, it } from "vitest";
import { runtime } from "../src/index.js";
import { until, within } from "./support.js";

const KiB = 1024;
const MiB = 1024 * KiB;

/** A plain node:net server whose accepted sockets start paused (the peer reads nothing). */
async function pausedPeer(): Promise<{ port: number; accepted: Promise<net.Socket>; close(): void }> {
  let accept!: (socket: net.Socket) => void;
  const accepted = new Promise<net.Socket>((resolve) => {
    accept = resolve;
  });
  const server = net.createServer({ allowHalfOpen: true, pauseOnConnect: true }, accept);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  return { port, accepted, close: () => server.close() };
}

/** Small writes of `size` bytes covering `bytes`, one iovec or three per operation. */
function smallWrites(bytes: Uint8Array, size: number): Uint8Array[][] {
  const out: Uint8Array[][] = [];
  for (let at = 0, n = 0; at < bytes.length; at += size, n++) {
    const piece = bytes.subarray(at, Math.min(bytes.length, at + size));
    const third = Math.floor(piece.length / 3);
    // Every other operation is three iovecs (the corked writev path), the rest one.
    out.push(
      n % 2 === 0 ? [piece] : [piece.subarray(0, third), piece.subarray(third, 2 * third), piece.subarray(2 * third)],
    );
  }
  return out;
}

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

describe("small writes queued in Node (the callback-less write path)", () => {
  it("20,000 writes of 1 KiB to a peer that reads nothing at first arrive whole and in order", async () => {
    const peer = await pausedPeer();
    cleanups.push(() => peer.close());
    const payload = patternBytes(5, 20_000 * KiB);
    const client = new Exchange({ send: smallWrites(payload, KiB) });
    const session = await runtime.connect({ hostname: "127.0.0.1", port: peer.port }, client);
    const socket = await peer.accepted;
    // Let the kernel buffers fill and Node queue before the peer starts reading.
    await until(() => client.writeResults.length > 0, 5_000, "a first write result");
    await new Promise((resolve) => setTimeout(resolve, 200));
    const reported = client.writeResults.reduce<number>((sum, r) => sum + (typeof r === "number" ? r : 0), 0);
    expect(reported, "reported written while the peer read nothing").toBeLessThan(payload.length);
    const chunks: Buffer[] = [];
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    const ended = new Promise<void>((resolve) => socket.on("end", resolve));
    socket.resume();
    await within(ended, 30_000, "the peer got every byte and the client's FIN");
    socket.end();
    await within(client.finished, 10_000, "the client finished");
    await within(session.closed, 10_000, "session closed");
    const received = Buffer.concat(chunks);
    expect(received.length).toBe(payload.length);
    expect(received.equals(Buffer.from(payload))).toBe(true);
    expect(client.errors).toEqual([]);
    expect(client.writeResults).not.toContain("closed");
    const total = client.writeResults.reduce<number>((sum, r) => sum + (typeof r === "number" ? r : 0), 0);
    expect(total).toBe(payload.length);
  }, 60_000);

  it('a reset while small writes are queued: one "closed", then one ECONNRESET, no write after it', async () => {
    const peer = await pausedPeer();
    cleanups.push(() => peer.close());
    const payload = patternBytes(9, 16 * MiB);
    const client = new Exchange({ send: smallWrites(payload, 4 * KiB) });
    const session = await runtime.connect({ hostname: "127.0.0.1", port: peer.port }, client);
    const socket = await peer.accepted;
    await until(() => client.writeResults.length > 0, 5_000, "a first write result");
    await new Promise((resolve) => setTimeout(resolve, 200));
    socket.resetAndDestroy();
    await within(session.closed, 10_000, "session closed after the reset");
    const closed = client.writeResults.filter((r) => r === "closed");
    expect(closed).toHaveLength(1);
    expect(client.writeResults.at(-1)).toBe("closed");
    expect(client.writesAfterClosed).toBe(0);
    expect(client.errors).toHaveLength(1);
    expect(client.errors[0]).toBeInstanceOf(ConnectionLostError);
    expect((client.errors[0] as ConnectionLostError).code).toBe("ECONNRESET");
  }, 60_000);
});
