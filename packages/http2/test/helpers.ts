import type { Runtime } from "@sansio/runtime-api";
import { createMemoryRuntime, type MemoryRuntime, type MemoryRuntimeOptions } from "@sansio/runtime-api/testing";
import { writeFrameHeader } from "../src/frame/serialize.js";
import {
  Http2ClientConnection,
  type Http2ClientOptions,
  type Http2Handler,
  type Http2ServerOptions,
  http2Server,
} from "../src/index.js";

/** How the memory runtime splits I/O: whole, byte by byte, random reads and partial writes, pull path with delays. */
export const IO_PLANS: { name: string; options: MemoryRuntimeOptions }[] = [
  { name: "whole chunks", options: {} },
  { name: "one byte at a time", options: { readSize: 1, writeSize: 1 } },
  { name: "random sizes, partial writes", options: { readSize: "random", writeSize: "random", seed: 7 } },
  { name: "pull path with delays", options: { pull: true, delays: true, readSize: "random", seed: 3 } },
];

/** A memory runtime with an HTTP/2 server listening, and a way to connect clients to it. */
export async function h2Memory(
  handler: Http2Handler,
  serverOptions: Omit<Http2ServerOptions, "session"> = {},
  runtimeOptions: MemoryRuntimeOptions = {},
): Promise<{
  runtime: MemoryRuntime;
  port: number;
  connect: (options?: Http2ClientOptions) => Promise<Http2ClientConnection>;
  close: () => Promise<void>;
}> {
  const runtime = createMemoryRuntime(runtimeOptions);
  const listener = await runtime.listen({}, http2Server(handler, serverOptions));
  const port = listener.address.transport === "tcp" ? listener.address.port : 0;
  return {
    runtime,
    port,
    connect: async (options = {}) => {
      const client = new Http2ClientConnection({ authority: `localhost:${port}`, scheme: "http", ...options });
      await runtime.connect({ port }, client);
      return client;
    },
    close: () => listener.close({ timeout: 1000 }),
  };
}

/** Bytes of a UTF-8 string. */
export const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

/** Waits `ms` real milliseconds. */
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A raw frame: header fields exactly as given (valid or not), then the payload. */
export function rawFrame(
  type: number,
  flags: number,
  streamId: number,
  payload: number[] | Uint8Array = [],
): Uint8Array {
  const body = Uint8Array.from(payload);
  const out = new Uint8Array(9 + body.length);
  writeFrameHeader(out, 0, body.length, type, flags, streamId);
  out.set(body, 9);
  return out;
}

/** How our client reaches a real HTTP/2 peer over loopback: cleartext by prior knowledge, or TLS with ALPN h2. */
export type PeerMode = "h2c (prior knowledge)" | "TLS + ALPN h2";

/** Both peer modes, for `describe.each`. */
export const PEER_MODES: readonly PeerMode[] = ["h2c (prior knowledge)", "TLS + ALPN h2"];

/**
 * Our client on `runtime` connected to 127.0.0.1:`port` in `mode` (authority `localhost:port`; TLS
 * trusts `ca` for the name localhost and must agree on ALPN h2, else this rejects). `close` shuts the
 * client down and resolves once the connection has closed. No test-runner import, so Bun and Deno
 * checks can use it too.
 */
export async function connectOurClient(
  runtime: Runtime,
  mode: PeerMode,
  port: number,
  ca: string,
): Promise<{ client: Http2ClientConnection; close: () => Promise<void> }> {
  const tls = mode === "TLS + ALPN h2";
  const client = new Http2ClientConnection({ authority: `localhost:${port}`, scheme: tls ? "https" : "http" });
  const session = await runtime.connect(
    tls
      ? { hostname: "127.0.0.1", port, tls: { ca, serverName: "localhost", alpnProtocols: ["h2"] } }
      : { hostname: "127.0.0.1", port },
    client,
  );
  const close = async () => {
    client.shutdown();
    await session.closed;
  };
  if (tls && session.alpnProtocol !== "h2") {
    await close();
    throw new Error(`TLS agreed on ALPN ${JSON.stringify(session.alpnProtocol)}, not h2`);
  }
  return { client, close };
}
