import zlib from "node:zlib";
import { describe, expect, it } from "vitest";
import { MessageCompressor, MessageDecompressor } from "../src/deflate.js";
import { WebSocketError } from "../src/errors.js";

const encoder = new TextEncoder();

function zlibInflater() {
  const inflate = zlib.createInflateRaw();
  const output: Buffer[] = [];
  inflate.on("data", (chunk: Buffer) => output.push(chunk));
  return async (payload: Uint8Array): Promise<Buffer> => {
    inflate.write(payload);
    inflate.write(Buffer.from([0, 0, 0xff, 0xff]));
    await new Promise<void>((resolve) => inflate.flush(zlib.constants.Z_SYNC_FLUSH, () => resolve()));
    return Buffer.concat(output.splice(0));
  };
}

function zlibDeflater() {
  const deflate = zlib.createDeflateRaw();
  const output: Buffer[] = [];
  deflate.on("data", (chunk: Buffer) => output.push(chunk));
  return async (message: Uint8Array): Promise<Uint8Array> => {
    deflate.write(message);
    await new Promise<void>((resolve) => deflate.flush(zlib.constants.Z_SYNC_FLUSH, () => resolve()));
    const all = Buffer.concat(output.splice(0));
    return all.subarray(0, all.length - 4);
  };
}

/** Messages of many shapes: text, runs of zeros (which fflate once matched against memory before the stream), noise, empty, past fflate's 96 KiB buffer. */
function sample(i: number): Uint8Array {
  switch (i % 6) {
    case 0:
      return encoder.encode(`message ${i} `.repeat((i % 50) + 1));
    case 1:
      return new Uint8Array(((i * 997) % 5000) + 1);
    case 2:
      return Uint8Array.from({ length: (i * 131) % 3000 }, (_, j) => (j % 5 === 0 ? 0 : (j * 7919 + i) & 0xff));
    case 3:
      return new Uint8Array(0);
    case 4:
      return Uint8Array.from({ length: 100_000 + i }, (_, j) => (j >> 3) & 0xff);
    default:
      return Uint8Array.from({ length: 40_000 }, (_, j) => ((j * 2654435761) >>> 24) & 0xff);
  }
}

describe("permessage-deflate compression", () => {
  for (const contextTakeover of [true, false]) {
    it(`200 messages round-trip through zlib and through itself (context takeover ${contextTakeover})`, async () => {
      const compressor = new MessageCompressor({ level: 6, contextTakeover });
      const decompressor = new MessageDecompressor({ contextTakeover });
      const inflate = zlibInflater();
      for (let i = 0; i < 200; i++) {
        const message = sample(i);
        const payload = compressor.compress(message, true);
        expect(Buffer.from(await inflate(payload))).toEqual(Buffer.from(message));
        decompressor.begin(1 << 20);
        expect(Buffer.concat(decompressor.push(payload, true))).toEqual(Buffer.from(message));
      }
    });
  }

  it("compresses a message in fragments, each one decodable as it arrives", async () => {
    const compressor = new MessageCompressor({ level: 6, contextTakeover: true });
    const decompressor = new MessageDecompressor({ contextTakeover: true });
    const parts = ["first part, ", "second part, ", "the end"].map((s) => encoder.encode(s.repeat(20)));
    decompressor.begin(1 << 20);
    const received: Uint8Array[] = [];
    parts.forEach((part, i) => {
      const fin = i === parts.length - 1;
      const payload = compressor.compress(part, fin);
      received.push(...decompressor.push(payload, fin));
    });
    expect(Buffer.concat(received).toString()).toBe(parts.map((p) => Buffer.from(p).toString()).join(""));
  });

  it("inflates what zlib compressed, with context takeover, one byte at a time", async () => {
    const deflate = zlibDeflater();
    const decompressor = new MessageDecompressor({ contextTakeover: true });
    for (let i = 0; i < 20; i++) {
      const message = encoder.encode(`zlib said ${i} `.repeat(30));
      const payload = await deflate(message);
      decompressor.begin(1 << 20);
      const out: Uint8Array[] = [];
      for (let j = 0; j < payload.length; j++) out.push(...decompressor.push(payload.subarray(j, j + 1), false));
      out.push(...decompressor.push(new Uint8Array(0), true));
      expect(Buffer.concat(out)).toEqual(Buffer.from(message));
    }
  });

  it("stops a deflate bomb at the limit: 64 MiB of zeros in ~64 KiB of payload", () => {
    const bomb = zlib.deflateRawSync(Buffer.alloc(64 << 20), { finishFlush: zlib.constants.Z_SYNC_FLUSH });
    const decompressor = new MessageDecompressor({ contextTakeover: true });
    decompressor.begin(1 << 20);
    let error: unknown;
    try {
      decompressor.push(bomb.subarray(0, bomb.length - 4), true);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(WebSocketError);
    expect((error as WebSocketError).closeCode).toBe(1009);
    expect((error as WebSocketError).code).toBe("message-too-large");
  });

  it("refuses data that is not deflate with 1007", () => {
    const decompressor = new MessageDecompressor({ contextTakeover: false });
    decompressor.begin(1 << 20);
    expect(() => decompressor.push(new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff]), true)).toThrow(
      expect.objectContaining({ closeCode: 1007, code: "bad-compression" }),
    );
  });
});
