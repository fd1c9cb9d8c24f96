import { SeededRandom } from "@sansio/runtime-api/testing";
import { describe, expect, it } from "vitest";
import { CONNECTION_PREFACE } from "../src/frame/index.js";
import { settingsFrame } from "../src/frame/serialize.js";
import { HpackEncoder, Http2ClientConnection, Http2ServerConnection } from "../src/index.js";
import { rawFrame } from "./helpers.js";

/** A seeded generator (the memory runtime's), so every run replays. */
function random(seed: number): () => number {
  const rng = new SeededRandom(seed);
  return () => rng.next();
}

/** Random frames: mostly plausible (known types, small stream ids, valid header blocks), some garbage. */
function randomFrames(next: () => number, count: number): Uint8Array[] {
  const int = (n: number): number => Math.floor(next() * n);
  const encoder = new HpackEncoder();
  const out: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    const type = next() < 0.9 ? int(10) : int(256);
    const flags = next() < 0.7 ? ([0, 1, 4, 5, 8, 0x20, 0x25][int(7)] ?? 0) : int(256);
    const streamId = next() < 0.1 ? 0 : next() < 0.9 ? 1 + 2 * int(6) : int(0x7fffffff);
    let payload: Uint8Array;
    if ((type === 1 || type === 9) && next() < 0.7) {
      const fields = [":method", "GET", ":scheme", "http", ":path", `/${int(9)}`, ":authority", "x"];
      if (next() < 0.3) fields.push(`x-${int(5)}`, "v".repeat(int(50)));
      payload = encoder.encode(fields);
    } else {
      payload = Uint8Array.from({ length: next() < 0.8 ? int(12) : int(300) }, () => int(256));
    }
    out.push(rawFrame(type, flags, streamId, payload));
  }
  return out;
}

/**
 * What a real client sends, shuffled: new streams in order (GET ending at once, POST with DATA that
 * eventually ends), WINDOW_UPDATE, a few RST_STREAM, PRIORITY and PING. Runs go deep into stream
 * handling: requests get answered.
 */
function realisticFrames(next: () => number, count: number): Uint8Array[] {
  const int = (n: number): number => Math.floor(next() * n);
  const encoder = new HpackEncoder();
  const out: Uint8Array[] = [];
  const opened: number[] = [];
  const sending: number[] = [];
  for (let i = 0; i < count; i++) {
    const roll = next();
    if (opened.length === 0 || roll < 0.25) {
      const id = 1 + 2 * opened.length;
      opened.push(id);
      const post = next() < 0.5;
      if (post) sending.push(id);
      const block = encoder.encode([
        ":method",
        post ? "POST" : "GET",
        ":scheme",
        "http",
        ":path",
        `/${id}`,
        ":authority",
        "x",
      ]);
      out.push(rawFrame(1, post ? 4 : 5, id, block));
      continue;
    }
    const id = opened[int(opened.length)] as number;
    if (roll < 0.6 && sending.length > 0) {
      const at = int(sending.length);
      const end = next() < 0.3;
      out.push(rawFrame(0, end ? 1 : 0, sending[at] as number, new Uint8Array(int(3000))));
      if (end) sending.splice(at, 1);
    } else if (roll < 0.75) out.push(rawFrame(8, 0, next() < 0.5 ? 0 : id, Uint8Array.of(0, 0, 1 + int(100), 0)));
    else if (roll < 0.78) out.push(rawFrame(3, 0, id, Uint8Array.of(0, 0, 0, int(14))));
    else if (roll < 0.9) out.push(rawFrame(2, 0, id, Uint8Array.of(0, 0, 0, 0, 15)));
    else out.push(rawFrame(6, 0, 0, new Uint8Array(8)));
  }
  return out;
}

/** Frame types of everything written to `out` (after a client preface, if any). */
function writtenTypes(out: Uint8Array[]): number[] {
  const bytes = new Uint8Array(out.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of out) {
    bytes.set(part, at);
    at += part.length;
  }
  const types: number[] = [];
  for (let i = 0; i + 9 <= bytes.length; ) {
    types.push(bytes[i + 3] as number);
    i += 9 + (((bytes[i] as number) << 16) | ((bytes[i + 1] as number) << 8) | (bytes[i + 2] as number));
  }
  return types;
}

/** Feeds `input` in random chunks, draining the output as a driver would; any throw is a bug. */
function drive(
  connection: Http2ServerConnection | Http2ClientConnection,
  input: Uint8Array,
  next: () => number,
  written: Uint8Array[] = [],
  eof = true,
): void {
  let pending = new Uint8Array(0);
  let at = 0;
  let rounds = 0;
  while (at < input.length && !connection.isClosed()) {
    if (++rounds > 100_000) throw new Error("no progress: a busy loop");
    const size = 1 + Math.floor(next() * 200);
    const chunk = input.subarray(at, at + size);
    at += chunk.length;
    const buffer = new Uint8Array(pending.length + chunk.length);
    buffer.set(pending);
    buffer.set(chunk, pending.length);
    if (connection.nextReadOperation() !== "read") break;
    const used = connection.read(buffer, 0, buffer.length);
    expect(used).toBeGreaterThanOrEqual(0);
    expect(used).toBeLessThanOrEqual(buffer.length);
    pending = buffer.slice(used);
    drain(connection, written);
  }
  if (eof && connection.nextReadOperation() === "read") connection.readEof(pending, 0, pending.length);
  drain(connection, written);
}

/** Takes every write operation the connection offers (bounded), recording the bytes. */
function drain(connection: Http2ServerConnection | Http2ClientConnection, written: Uint8Array[]): void {
  for (let writes = 0; writes < 1000; writes++) {
    const op = connection.nextWriteOperation();
    if (op.kind !== "write") return;
    let n = 0;
    for (const iovec of op.iovecs) {
      n += iovec.length;
      written.push(iovec.slice());
    }
    connection.reportWriteResult(n);
  }
  throw new Error("the connection kept asking to write: a busy loop");
}

describe("fuzz: random frames never make a connection throw, spin or stay open after its input ended", () => {
  it.each(Array.from({ length: 40 }, (_, i) => i + 1))("server, seed %i", async (seed) => {
    const next = random(seed);
    const server = new Http2ServerConnection(
      async (request, response) => {
        await request.body.bytes().catch(() => {});
        response.respond(200, {}, "ok");
      },
      { onError: () => {} },
    );
    const realistic = seed % 2 === 0;
    const frames = realistic ? realisticFrames(next, 60) : randomFrames(next, 60);
    const input = [CONNECTION_PREFACE, settingsFrame([]), ...frames];
    const bytes = new Uint8Array(input.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const part of input) {
      bytes.set(part, at);
      at += part.length;
    }
    const written: Uint8Array[] = [];
    drive(server, bytes, next, written, false);
    await new Promise((resolve) => setTimeout(resolve, 0)); // the handlers run
    drive(server, new Uint8Array(0), next, written);
    expect(server.isClosed()).toBe(true);
    // Realistic runs go deep: the server answered requests (HEADERS frames) and sent no GOAWAY error.
    if (realistic) expect(writtenTypes(written), String(writtenTypes(written))).toContain(1);
  });

  it.each(Array.from({ length: 20 }, (_, i) => i + 1))("client with requests in flight, seed %i", async (seed) => {
    const next = random(seed * 7919);
    const client = new Http2ClientConnection({ authority: "x" });
    const requests = Array.from({ length: 4 }, () =>
      client
        .request()
        .then((r) => r.body.bytes())
        .catch((e: unknown) => e),
    );
    const input = [settingsFrame([]), ...randomFrames(next, 60)];
    const bytes = new Uint8Array(input.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const part of input) {
      bytes.set(part, at);
      at += part.length;
    }
    drive(client, bytes, next);
    expect(client.isClosed()).toBe(true);
    // Every request settles (answered or failed), none hangs.
    const settled = await Promise.race([
      Promise.all(requests).then(() => true),
      new Promise((resolve) => setTimeout(() => resolve(false), 1000)),
    ]);
    expect(settled).toBe(true);
  });
});
