import http2 from "node:http2";
import net from "node:net";
import { describe, expect, it } from "vitest";
import { CONNECTION_PREFACE, readFrame } from "../src/frame/index.js";
import { headersFrames, settingsAckFrame, settingsFrame } from "../src/frame/serialize.js";
import { HpackDecoder, HpackEncoder } from "../src/index.js";

/**
 * Our HPACK encoder against Node's own HTTP/2 (nghttp2 inside Node): requests written with our frame
 * serializer and encoder on a raw socket, parsed by a node:http2 server, which echoes what it parsed
 * in its response headers; those come back through our parser and decoder.
 */
describe("HPACK against node:http2", () => {
  it("node:http2 parses the headers our encoder wrote, across blocks sharing the dynamic table, and we decode its answers", async () => {
    const server = http2.createServer();
    server.on("stream", (stream, headers, _flags, rawHeaders) => {
      const pairs: string[] = [];
      for (let i = 0; i < rawHeaders.length; i += 2) pairs.push(rawHeaders[i] as string, rawHeaders[i + 1] as string);
      stream.respond({
        ":status": 200,
        "x-echo": encodeURIComponent(JSON.stringify(pairs)),
        "x-path": String(headers[":path"]),
      });
      stream.end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as net.AddressInfo;

    const requests: string[][] = [];
    for (let i = 0; i < 6; i++) {
      requests.push([
        ":method",
        i % 2 ? "POST" : "GET",
        ":scheme",
        "http",
        ":authority",
        `127.0.0.1:${port}`,
        ":path",
        `/item/${i % 3}?q=${"é".repeat(i)}`,
        "x-unicode",
        "€".repeat(i),
        "user-agent",
        "sansio-hpack-test/1.0",
        "authorization",
        "Bearer secret-token",
        "cookie",
        `session=${i}`,
        "x-long",
        "v".repeat(300 * i),
        "accept",
        "*/*",
      ]);
    }
    const encoder = new HpackEncoder();
    const socket = net.connect(port, "127.0.0.1");
    const received: { streamId: number; headers: string[] }[] = [];
    const decoder = new HpackDecoder();
    let buffer = new Uint8Array(0);
    const done = new Promise<void>((resolve, reject) => {
      socket.on("error", reject);
      socket.on("data", (chunk: Buffer) => {
        const joined = new Uint8Array(buffer.length + chunk.length);
        joined.set(buffer);
        joined.set(chunk, buffer.length);
        let at = 0;
        for (;;) {
          const result = readFrame(joined, at, joined.length, 16384);
          if (result.kind === "incomplete") break;
          if (result.kind === "error") return reject(result.error);
          const frame = result.frame;
          at += result.size;
          if (frame.type === "settings" && !frame.ack) socket.write(settingsAckFrame());
          if (frame.type === "goaway") return reject(new Error(`GOAWAY ${frame.errorCode}`));
          if (frame.type === "headers") {
            expect(frame.endHeaders).toBe(true);
            received.push({ streamId: frame.streamId, headers: decoder.decode(frame.fragment).headers });
            if (received.length === requests.length) resolve();
          }
        }
        buffer = joined.slice(at);
      });
    });
    socket.write(CONNECTION_PREFACE);
    socket.write(settingsFrame([]));
    requests.forEach((headers, i) => {
      for (const iovec of headersFrames(1 + 2 * i, encoder.encode(headers), true, 16384)) socket.write(iovec);
    });
    try {
      await done;
    } finally {
      socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
    expect(encoder.dynamicTableSize).toBeGreaterThan(0);
    expect(received.map((r) => r.streamId)).toEqual([1, 3, 5, 7, 9, 11]);
    for (const { streamId, headers } of received) {
      const sent = requests[(streamId - 1) / 2] as string[];
      const status = headers[headers.indexOf(":status") + 1];
      const echo = JSON.parse(decodeURIComponent(headers[headers.indexOf("x-echo") + 1] as string)) as string[];
      expect(status).toBe("200");
      // Strings of chars below 256 go out as latin1 octets, others as UTF-8; Node reads octets as latin1.
      const octets = (s: string): string =>
        [...s].some((c) => c.charCodeAt(0) > 0xff) ? Buffer.from(s, "utf8").toString("latin1") : s;
      expect(echo).toEqual(sent.map(octets));
    }
  });
});
