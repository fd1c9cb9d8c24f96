import { describe, expect, test } from "bun:test";
import type { Session } from "@sansio/runtime-api";
import { runtime } from "../src/index.js";
import { firstMismatch, ScribblingSender, slowReader, testCertificates, within } from "./support.js";

const MiB = 1024 * 1024;

/** Connects a ScribblingSender to a slow raw Bun reader and checks that every byte arrived, in order. */
async function throughSlowReader(
  sender: ScribblingSender,
  total: number,
  tls?: { cert: string; key: string; ca: string },
): Promise<void> {
  const peer = slowReader(tls ? { tls: { cert: tls.cert, key: tls.key } } : {});
  let session: Session | undefined;
  try {
    session = await runtime.connect({ port: peer.port, ...(tls ? { tls: { ca: tls.ca } } : {}) }, sender);
    const received = await within(peer.done, 30_000, "slow reader");
    expect(sender.errors).toEqual([]);
    expect(received.length).toBe(total);
    expect(firstMismatch(received)).toBe(-1);
    await within(session.closed, 5000, "session closed");
    // Every result is a byte count (no "closed"), and they add up to what was sent.
    expect(sender.results.every((r) => typeof r === "number")).toBe(true);
    expect(sender.results.reduce<number>((sum, r) => sum + (r as number), 0)).toBe(total);
  } finally {
    session?.close();
    peer.stop();
  }
}

describe("partial writes and backpressure", () => {
  test("8 MiB in 1 MiB writes through a slow reader: every byte arrives in order", async () => {
    // The sender overwrites each reported range at once: garbage would arrive if Bun still needed it.
    await throughSlowReader(new ScribblingSender(8 * MiB, { writeSize: MiB }), 8 * MiB);
  });

  test("8 MiB in one write of many small and large iovecs (coalesced) through a slow reader", async () => {
    await throughSlowReader(new ScribblingSender(8 * MiB, { writeSize: 8 * MiB, iovecs: 1500 }), 8 * MiB);
  });

  test("TLS: 8 MiB through a slow reader", async () => {
    const pems = await testCertificates();
    await throughSlowReader(new ScribblingSender(8 * MiB, { writeSize: 2 * MiB, iovecs: 3 }), 8 * MiB, pems);
  });

  test("server side: a listener's connection writes 8 MiB to a slow raw client", async () => {
    const total = 8 * MiB;
    const senders: ScribblingSender[] = [];
    await using listener = await runtime.listen({ port: 0 }, () => {
      const sender = new ScribblingSender(total, { writeSize: 3 * MiB, iovecs: 7 });
      senders.push(sender);
      return sender;
    });
    if (listener.address.transport !== "tcp") throw new Error("expected TCP");
    const chunks: Uint8Array[] = [];
    let received = 0;
    let ticks = 0;
    const { promise: eof, resolve: gotEof } = Promise.withResolvers<void>();
    const socket = await Bun.connect({
      hostname: "127.0.0.1",
      port: listener.address.port,
      allowHalfOpen: true,
      socket: {
        data(_s, chunk) {
          chunks.push(new Uint8Array(chunk));
          received += chunk.length;
        },
        end(s) {
          gotEof();
          s.shutdown();
        },
      },
    });
    socket.pause();
    const timer = setInterval(() => {
      if (++ticks > 2000) {
        clearInterval(timer);
        socket.resume();
        return;
      }
      socket.resume();
      setTimeout(() => ticks <= 2000 && socket.pause(), 1);
    }, 4);
    try {
      await within(eof, 30_000, "slow client EOF");
    } finally {
      clearInterval(timer);
      socket.resume();
    }
    const all = new Uint8Array(received);
    let at = 0;
    for (const chunk of chunks) {
      all.set(chunk, at);
      at += chunk.length;
    }
    expect(received).toBe(total);
    expect(firstMismatch(all)).toBe(-1);
    expect(senders[0]?.errors).toEqual([]);
  });
});
