// A TLS record failure mid-stream: a TCP proxy between our client and a node:tls server flips one byte
// of the server's application data, so our client's TLS layer fails on that record. Runtime-agnostic
// (the peer is `node:net` + `node:tls`), so each adapter's tests can run it.
import * as net from "node:net";
import * as tls from "node:tls";
import type { Runtime, WriteOperation } from "@sansio/runtime-api";
import { within } from "@sansio/runtime-api/conformance";
import { FaultRecorder } from "./fault-recorder.js";

/** Reads everything and writes nothing. */
class Reader extends FaultRecorder {
  nextWriteOperation(): WriteOperation {
    return { kind: "yield" };
  }
}

/**
 * Our TLS client reads a 1 MiB stream from a node:tls server through a proxy that flips a byte after
 * 256 KiB. Throws unless the client was offered a prefix of the stream and then exactly one
 * `ConnectionLostError` with code `EPROTO`, and never `readEof`.
 */
export async function corruptRecordMidStream(
  runtime: Runtime,
  certs: { ca: string; cert: string; key: string },
): Promise<void> {
  const payload = Buffer.alloc(1024 * 1024, 0x61);
  const backend = tls.createServer({ cert: certs.cert, key: certs.key }, (socket) => {
    socket.on("error", () => {});
    socket.write(payload);
  });
  await new Promise<void>((resolve) => backend.listen(0, "127.0.0.1", resolve));
  const backendPort = (backend.address() as net.AddressInfo).port;
  const proxy = net.createServer((client) => {
    const upstream = net.connect({ host: "127.0.0.1", port: backendPort });
    client.on("error", () => upstream.destroy());
    upstream.on("error", () => client.destroy());
    client.pipe(upstream);
    let seen = 0;
    let flipped = false;
    upstream.on("data", (chunk: Buffer) => {
      if (!flipped && seen + chunk.length > 256 * 1024) {
        const at = Math.max(0, 256 * 1024 - seen);
        chunk[at] = (chunk[at] as number) ^ 0xff;
        flipped = true;
      }
      seen += chunk.length;
      client.write(chunk);
    });
    upstream.on("end", () => client.end());
  });
  await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
  try {
    const port = (proxy.address() as net.AddressInfo).port;
    const reader = new Reader();
    const session = await runtime.connect({ hostname: "localhost", port, tls: { ca: certs.ca } }, reader);
    await within(reader.ended, 20_000, "the corrupt record to reach the protocol");
    await within(session.closed, 20_000, "session.closed after the TLS failure");
    const what = `transcript "${reader.transcript()}"`;
    if (reader.transcript() !== "bytes error") throw new Error(`${what}: expected "bytes error"`);
    if (reader.received >= payload.length) throw new Error(`${what}: every byte arrived despite the corrupt record`);
    const error = reader.errors[0] as { name?: string; code?: string; message?: string };
    if (reader.errors.length !== 1 || error.name !== "ConnectionLostError" || error.code !== "EPROTO") {
      throw new Error(
        `${what}: the error is ${error.name} ${error.code} (${error.message}), expected ConnectionLostError EPROTO`,
      );
    }
  } finally {
    await Promise.all([
      new Promise<void>((resolve) => proxy.close(() => resolve())),
      new Promise<void>((resolve) => backend.close(() => resolve())),
    ]);
  }
}
