import { existsSync } from "node:fs";
import { join } from "node:path";
import { EchoConnection, SendAndCollect } from "@sansio/runtime-api/conformance";
import { afterEach, describe, expect, it } from "vitest";
import { runtime } from "../src/index.js";
import { portOf, tempDir, within } from "./support.js";

function payload(size: number): Uint8Array {
  const data = new Uint8Array(size);
  for (let i = 0; i < size; i++) data[i] = (i * 31 + (i >> 8)) & 0xff;
  return data;
}

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

describe("echo round trip", () => {
  it("over TCP: 1 MiB in 64 KiB writes comes back intact, the listener reports the real port", async () => {
    const servers: EchoConnection[] = [];
    const listener = await runtime.listen({ hostname: "127.0.0.1", port: 0 }, () => {
      const echo = new EchoConnection();
      servers.push(echo);
      return echo;
    });
    cleanups.push(() => listener.close());
    expect(listener.address.transport).toBe("tcp");
    expect(portOf(listener)).toBeGreaterThan(0);

    const data = payload(1024 * 1024);
    const client = new SendAndCollect(data);
    const session = await runtime.connect({ hostname: "127.0.0.1", port: portOf(listener) }, client);
    expect(session.remote).toEqual({ transport: "tcp", hostname: "127.0.0.1", port: portOf(listener) });
    expect(session.local.transport).toBe("tcp");
    expect(session.alpnProtocol).toBeNull();
    const echoed = await within(client.done, 10_000, "echo");
    expect(echoed.length).toBe(data.length);
    expect(Buffer.from(echoed).equals(Buffer.from(data))).toBe(true);
    await within(session.closed, 5_000, "client closed");
    expect(client.errors).toEqual([]);
    expect(servers).toHaveLength(1);
    expect(servers[0]?.errors).toEqual([]);
    expect(servers[0]?.bytesRead).toBe(data.length);
  });

  it("partial consumption: a protocol taking 7 bytes per read still sees every byte in order", async () => {
    const listener = await runtime.listen({}, () => new EchoConnection({ maxConsume: 7 }));
    cleanups.push(() => listener.close());
    const data = payload(200_000);
    const client = new SendAndCollect(data, { writeSize: 1000 });
    await runtime.connect({ port: portOf(listener) }, client);
    const echoed = await within(client.done, 10_000, "echo");
    expect(Buffer.from(echoed).equals(Buffer.from(data))).toBe(true);
  });

  it("over a unix socket, and the socket file is removed when the listener closes", async () => {
    const dir = tempDir();
    cleanups.push(dir.remove);
    const path = join(dir.path, "echo.sock");
    const listener = await runtime.listen({ path }, () => new EchoConnection());
    expect(listener.address).toEqual({ transport: "unix", path });
    expect(existsSync(path)).toBe(true);

    const data = payload(300_000);
    const client = new SendAndCollect(data);
    const session = await runtime.connect({ path }, client);
    expect(session.remote).toEqual({ transport: "unix", path });
    const echoed = await within(client.done, 10_000, "echo");
    expect(Buffer.from(echoed).equals(Buffer.from(data))).toBe(true);
    await within(session.closed, 5_000, "client closed");
    await listener.close();
    expect(existsSync(path)).toBe(false);
  });

  it("listen on a unix path that exists rejects with EADDRINUSE and leaves the file alone", async () => {
    const dir = tempDir();
    cleanups.push(dir.remove);
    const path = join(dir.path, "taken.sock");
    const first = await runtime.listen({ path }, () => new EchoConnection());
    cleanups.push(() => first.close());
    await expect(runtime.listen({ path }, () => new EchoConnection())).rejects.toMatchObject({
      name: "ConnectionLostError",
      code: "EADDRINUSE",
    });
    expect(existsSync(path)).toBe(true);
  });

  it("listen on a bound TCP port rejects with ConnectionLostError EADDRINUSE", async () => {
    const first = await runtime.listen({}, () => new EchoConnection());
    cleanups.push(() => first.close());
    const error = await runtime.listen({ port: portOf(first) }, () => new EchoConnection()).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: "ConnectionLostError", code: "EADDRINUSE" });
    expect((error as Error).cause).toBeInstanceOf(Error);
  });

  it("many connections at once each get their own bytes back", async () => {
    const listener = await runtime.listen({}, () => new EchoConnection());
    cleanups.push(() => listener.close());
    const clients = Array.from({ length: 20 }, (_, i) => new SendAndCollect(payload(10_000 + i * 997)));
    await Promise.all(clients.map((client) => runtime.connect({ port: portOf(listener) }, client)));
    const results = await within(Promise.all(clients.map((c) => c.done)), 10_000, "all echoes");
    results.forEach((echoed, i) => {
      expect(Buffer.from(echoed).equals(Buffer.from(payload(10_000 + i * 997)))).toBe(true);
    });
  });
});
