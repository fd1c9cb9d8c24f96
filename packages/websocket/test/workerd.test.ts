// Our client inside a real workerd (through @sansio/workers, served by miniflare's public API) against a
// `ws` echo server in this process: the handshake, text, binary, fragments, permessage-deflate (fflate
// under workerd) and a deflate bomb.
import type { EventEmitter } from "node:events";
import { existsSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type WebSocket from "ws";
import { WebSocketServer } from "ws";
import { type RunningWorker, startWorker } from "../../workers/test/miniflare-worker.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const packages = join(here, "..", "..");

let workerd: RunningWorker | undefined;
let server: WebSocketServer | undefined;
let url = "";

beforeAll(async () => {
  for (const name of ["workers", "http1", "runtime-api"]) {
    expect(existsSync(join(packages, name, "dist", "index.js")), `build @sansio/${name} first`).toBe(true);
  }
  server = new WebSocketServer({ host: "127.0.0.1", port: 0, perMessageDeflate: true });
  await new Promise((resolve) => (server as unknown as EventEmitter).once("listening", resolve));
  server.on("connection", (socket: WebSocket) => {
    socket.on("message", (data: Buffer, isBinary: boolean) => {
      if (!isBinary && data.toString() === "bomb") socket.send(new Uint8Array(16 << 20));
      else socket.send(data, { binary: isBinary });
    });
  });
  url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  workerd = await startWorker({
    entry: join(here, "workerd", "worker.ts"),
    alias: { "@sansio/websocket": join(here, "..", "src", "index.ts") },
  });
}, 120_000);

afterAll(async () => {
  await workerd?.stop();
  for (const client of server?.clients ?? []) client.terminate();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
});

describe("@sansio/websocket client in workerd", () => {
  for (const deflate of [true, false]) {
    it(`runs the exchange ${deflate ? "with" : "without"} permessage-deflate`, async () => {
      const result = await (workerd as RunningWorker).post("/", { url, deflate }, 60_000);
      expect(result).toEqual({
        extensions: deflate ? "permessage-deflate" : "",
        text: { type: "text", data: "hello from workerd ✓" },
        compressible: true,
        binary: true,
        fragmented: { type: "text", data: "in three fragments" },
        // Compressed, 16 MiB of zeros is ~16 KiB on the wire: stopped while inflating. Uncompressed: at the frame header.
        bomb: {
          code: 1009,
          reason: "",
          wasClean: false,
          error: { name: "WebSocketError", code: deflate ? "message-too-large" : "frame-too-large" },
        },
      });
    }, 90_000);
  }
});
