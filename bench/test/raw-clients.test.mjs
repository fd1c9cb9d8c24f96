// Tests of the bench's own pure pieces and raw clients: `node --test bench/test/` (Node's test runner;
// the bench is not part of vitest's include list). The raw clients are checked against the real
// peers they stand in for (node:http2, ws), over loopback.
import assert from "node:assert/strict";
import http2 from "node:http2";
import net from "node:net";
import { describe, it } from "node:test";
import { WebSocketServer } from "ws";
import { h2cGetBytes, h2FrameReader, SETTINGS_ACK } from "../lib/h2-raw.mjs";
import { parseH2load } from "../lib/h2load.mjs";
import { frameCounter, maskedBinaryFrames, upgradeHeadEnd, upgradeRequest } from "../lib/ws-raw.mjs";

/** An unmasked server frame of `opcode` (FIN set unless `fin` is false) with `length` payload bytes. */
function serverFrame(opcode, length, fin = true) {
  const extra = length < 126 ? 0 : length < 65536 ? 2 : 8;
  const bytes = Buffer.alloc(2 + extra + length);
  bytes[0] = (fin ? 0x80 : 0) | opcode;
  if (extra === 0) bytes[1] = length;
  else if (extra === 2) {
    bytes[1] = 126;
    bytes.writeUInt16BE(length, 2);
  } else {
    bytes[1] = 127;
    bytes.writeBigUInt64BE(BigInt(length), 2);
  }
  return bytes;
}

/** Feeds `bytes` to `push` in pieces of `step(i)` bytes; returns the sum of what push returned. */
function feed(push, bytes, step) {
  let total = 0;
  for (let at = 0, i = 0; at < bytes.length; i++) {
    const size = Math.max(1, step(i));
    total += push(bytes.subarray(at, at + size));
    at += size;
  }
  return total;
}

describe("frameCounter", () => {
  const sizes = [0, 5, 125, 126, 300, 65535, 65536, 70000];
  const stream = Buffer.concat([...sizes.map((n) => serverFrame(2, n)), serverFrame(9, 3), serverFrame(1, 1)]);

  it("counts every data frame, not control frames, at every chunk size", () => {
    for (const step of [1, 2, 3, 7, 10, 11, 14, 1000, stream.length]) {
      assert.equal(
        feed(frameCounter(), stream, () => step),
        sizes.length + 1,
        `chunks of ${step}`,
      );
    }
  });

  it("counts the same with seeded random chunk sizes", () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed;
    };
    for (let trial = 0; trial < 50; trial++) {
      assert.equal(
        feed(frameCounter(), stream, () => random() % 20_000),
        sizes.length + 1,
      );
    }
  });

  it("with an expected length, refuses an echo of another length or in fragments", () => {
    const count = frameCounter(32);
    assert.equal(count(Buffer.concat([serverFrame(2, 32), serverFrame(10, 0)])), 1);
    assert.throws(() => count(serverFrame(2, 31)), /echo of 31 bytes/);
    assert.throws(() => frameCounter(32)(serverFrame(2, 32, false)), /expected one frame of 32/);
  });
});

describe("parseH2load", () => {
  const summary = (requests, codes) =>
    `finished in 1.00s, 45000.50 req/s, 1.5MB/s\nrequests: ${requests}\nstatus codes: ${codes}\n`;

  it("reads the rate and the succeeded requests", () => {
    const out = summary(
      "45000 total, 45100 started, 45000 done, 45000 succeeded, 0 failed, 0 errored, 0 timeout",
      "45000 2xx, 0 3xx, 0 4xx, 0 5xx",
    );
    assert.deepEqual(parseH2load(out), { rps: 45000.5, requests: 45000 });
  });

  it("refuses a run with failed requests, non-2xx answers, or none at all", () => {
    const cases = [
      [
        "100 total, 100 started, 90 done, 90 succeeded, 10 failed, 10 errored, 0 timeout",
        "90 2xx, 0 3xx, 0 4xx, 0 5xx",
      ],
      [
        "100 total, 100 started, 100 done, 100 succeeded, 0 failed, 0 errored, 0 timeout",
        "99 2xx, 0 3xx, 1 4xx, 0 5xx",
      ],
      ["0 total, 0 started, 0 done, 0 succeeded, 0 failed, 0 errored, 0 timeout", "0 2xx, 0 3xx, 0 4xx, 0 5xx"],
    ];
    for (const [requests, codes] of cases)
      assert.throws(() => parseH2load(summary(requests, codes)), /^Error: h2load:/);
    assert.throws(() => parseH2load("connect failed"), /no summary/);
  });
});

/** Connects to `port`, writes `first`, and resolves with the socket. */
function connect(port, first) {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: "127.0.0.1", port }, () => {
      socket.write(first);
      resolve(socket);
    });
    socket.once("error", reject);
  });
}

/** Rejects after `ms` unless `promise` settled (every wait here is bounded). */
function bounded(promise, ms = 5000) {
  let timer;
  const limit = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, limit]).finally(() => clearTimeout(timer));
}

describe("raw clients against real servers", () => {
  it("h2cGetBytes is a GET node:http2 answers, and h2FrameReader sees its end", async () => {
    const server = http2.createServer();
    const seen = [];
    server.on("stream", (stream, headers) => {
      seen.push([headers[":method"], headers[":path"], headers[":scheme"], headers[":authority"]]);
      stream.respond({ ":status": 200 });
      stream.end("hello");
    });
    await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = server.address();
      let acks = 0;
      let socket;
      const answered = new Promise((resolve, reject) => {
        const read = h2FrameReader({
          settings: () => {
            acks++;
            socket.write(SETTINGS_ACK);
          },
          done: resolve,
          fail: (message) => reject(new Error(message)),
        });
        connect(port, h2cGetBytes("127.0.0.1")).then((s) => {
          socket = s;
          socket.on("data", read);
        }, reject);
      });
      await bounded(answered);
      assert.deepEqual(seen, [["GET", "/", "http", "127.0.0.1"]]);
      assert.equal(acks, 1);
      socket.destroy();
    } finally {
      server.close();
    }
  });

  it("the upgrade request and pre-masked frames are what ws accepts and echoes", async () => {
    const server = new WebSocketServer({ host: "127.0.0.1", port: 0 });
    server.on("connection", (ws) => ws.on("message", (data, isBinary) => ws.send(data, { binary: isBinary })));
    await new Promise((resolve) => server.once("listening", resolve));
    try {
      const { port } = server.address();
      const { bytes } = maskedBinaryFrames(1000, 3);
      const socket = await connect(port, upgradeRequest(`127.0.0.1:${port}`));
      const count = frameCounter(1000);
      let head = "";
      let echoed = 0;
      await bounded(
        new Promise((resolve, reject) => {
          socket.on("error", reject);
          socket.on("data", (chunk) => {
            if (head !== undefined) {
              head += chunk.toString("latin1");
              const end = upgradeHeadEnd(head);
              if (end < 0) return;
              const rest = Buffer.from(head.slice(end), "latin1");
              head = undefined;
              socket.write(bytes);
              chunk = rest;
            }
            echoed += count(chunk);
            if (echoed === 3) resolve();
          });
        }),
      );
      assert.equal(echoed, 3);
      socket.destroy();
    } finally {
      for (const ws of server.clients) ws.terminate();
      server.close();
    }
  });

  it("upgradeHeadEnd refuses an answer other than 101", () => {
    assert.equal(upgradeHeadEnd("HTTP/1.1 101 Switching"), -1);
    assert.equal(upgradeHeadEnd("HTTP/1.1 101 Switching Protocols\r\n\r\nxx"), 36);
    assert.throws(() => upgradeHeadEnd("HTTP/1.1 400 Bad Request\r\n\r\n"), /upgrade refused/);
  });
});
