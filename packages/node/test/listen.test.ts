import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import * as tls from "node:tls";
import { DEFAULT_MAX_CONNECTIONS } from "@sansio/runtime-api";
import { EchoConnection, runConformance } from "@sansio/runtime-api/conformance";
import { afterEach, describe, expect, it } from "vitest";
import { runtime } from "../src/index.js";
import { nodeReusePort } from "../src/listen.js";
import { portOf, rawConnect, tempDir, testCertificates, until, within } from "./support.js";

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/** Open TCP handles of this process (client and server sockets), to show nothing leaked. */
function tcpHandles(): number {
  return process.getActiveResourcesInfo().filter((name) => name.startsWith("TCP")).length;
}

describe("listen cases of the conformance suite", () => {
  it("maxConnections and reusePort pass on Node", async () => {
    const results = await runConformance(runtime, { only: ["listen:"], caseTimeout: 20_000 });
    expect(results.map((r) => r.name)).toHaveLength(2);
    for (const result of results) expect(result, result.error).toMatchObject({ status: "pass" });
  }, 60_000);
});

describe("maxConnections on Node", () => {
  it("a raw flood past the limit sees EOF at once; the held sockets keep echoing; no handle leaks", async () => {
    const before = tcpHandles();
    const listener = await runtime.listen({ maxConnections: 2 }, () => new EchoConnection());
    const port = portOf(listener);
    const held = [await rawConnect(port), await rawConnect(port)];
    await until(() => listener.connections === 2, 5_000, "two sessions");
    const flood = await Promise.all(Array.from({ length: 30 }, () => rawConnect(port)));
    for (const peer of flood) peer.socket.write("ignored");
    // The rawConnect peers are half-open: the server's FIN (or reset) shows as `ended`.
    await within(Promise.all(flood.map((peer) => peer.ended)), 5_000, "every rejected socket ended by the server");
    for (const peer of flood) peer.socket.destroy();
    expect(flood.every((peer) => peer.received().length === 0)).toBe(true);
    expect(listener.counters).toEqual({ accepted: 2, rejected: 30 });
    for (const [i, peer] of held.entries()) {
      peer.socket.write(`still here ${i}`);
      await until(() => peer.received().toString() === `still here ${i}`, 5_000, `echo on held socket ${i}`);
    }
    held[0]?.socket.end();
    await until(() => listener.connections === 1, 5_000, "the ended session released");
    const next = await rawConnect(port);
    next.socket.end("accepted again");
    await within(next.ended, 5_000, "echo and EOF");
    expect(next.received().toString()).toBe("accepted again");
    expect(listener.counters).toEqual({ accepted: 3, rejected: 30 });
    for (const peer of held) peer.socket.destroy();
    await listener.close({ timeout: 1000 });
    await until(() => tcpHandles() <= before, 5_000, `TCP handles back to ${before} (${tcpHandles()})`);
  }, 30_000);

  it("TLS handshakes in progress hold their place; a failed one gives it back", async () => {
    const certs = await testCertificates();
    const listener = await runtime.listen(
      { maxConnections: 2, tls: { cert: certs.cert, key: certs.key } },
      () => new EchoConnection(),
    );
    cleanups.push(() => listener.close({ timeout: 100 }));
    const port = portOf(listener);
    // Two plain sockets that never send a ClientHello: admitted, still "handshaking".
    const silent = [await rawConnect(port), await rawConnect(port)];
    await until(() => listener.counters.accepted === 2, 5_000, "two admitted handshakes");
    expect(listener.connections).toBe(0);
    const third = await rawConnect(port);
    await within(third.ended, 5_000, "the third socket ended at once by the server");
    third.socket.destroy();
    expect(listener.counters.rejected).toBe(1);
    // A failed handshake (garbage instead of TLS) releases its place.
    silent[0]?.socket.write("not TLS\r\n\r\n");
    await within(silent[0]?.ended as Promise<unknown>, 5_000, "the failed handshake ended by the server");
    const client = tls.connect({ host: "127.0.0.1", port, ca: certs.ca, servername: "localhost" });
    cleanups.push(() => client.destroy());
    const reply = new Promise<string>((resolve, reject) => {
      client.once("secureConnect", () => client.end("over TLS"));
      let text = "";
      client.on("data", (chunk: Buffer) => {
        text += chunk.toString();
      });
      client.once("end", () => resolve(text));
      client.once("error", reject);
    });
    expect(await within(reply, 5_000, "TLS echo")).toBe("over TLS");
    expect(listener.counters).toEqual({ accepted: 3, rejected: 1 });
    silent[1]?.socket.destroy();
  }, 30_000);

  it("defaults to DEFAULT_MAX_CONNECTIONS and takes Infinity", async () => {
    expect(DEFAULT_MAX_CONNECTIONS).toBe(16_384);
    const listener = await runtime.listen({ maxConnections: Number.POSITIVE_INFINITY }, () => new EchoConnection());
    await listener.close();
  });

  it.each([0, -1, 1.5, Number.NaN])("rejects maxConnections %s with RangeError", async (maxConnections) => {
    await expect(runtime.listen({ maxConnections }, () => new EchoConnection())).rejects.toThrow(RangeError);
  });
});

describe("reusePort on Node", () => {
  it("two listeners share a port; a third without reusePort is refused", async () => {
    const first = await runtime.listen({ reusePort: true }, () => new EchoConnection());
    cleanups.push(() => first.close());
    const second = await runtime.listen({ reusePort: true, port: portOf(first) }, () => new EchoConnection());
    cleanups.push(() => second.close());
    expect(portOf(second)).toBe(portOf(first));
    await expect(runtime.listen({ port: portOf(first) }, () => new EchoConnection())).rejects.toMatchObject({
      code: "EADDRINUSE",
    });
  });

  it("is TCP only", async () => {
    const dir = tempDir();
    cleanups.push(dir.remove);
    await expect(
      runtime.listen({ reusePort: true, path: join(dir.path, "s.sock") }, () => new EchoConnection()),
    ).rejects.toThrow(TypeError);
  });

  it("knows which Node versions have it", () => {
    expect(nodeReusePort("20.20.2")).toMatch(/22\.12/);
    expect(nodeReusePort("22.11.0")).toMatch(/22\.12/);
    expect(nodeReusePort("22.12.0")).toBe(true);
    expect(nodeReusePort("23.0.0")).toMatch(/23\.1/);
    expect(nodeReusePort("23.1.0")).toBe(true);
    expect(nodeReusePort("24.21.0")).toBe(true);
  });

  // The real binaries: the system Node (20 here), and the node22 / node@24 packages.
  const root = join(import.meta.dirname, "../../..");
  const binaries: [string, string][] = [
    ["system node", "/usr/bin/node"],
    ["node22 package", join(root, "node_modules/node22/bin/node")],
    ["node@24 package", join(root, "node_modules/.bin/node")],
  ];
  for (const [label, binary] of binaries) {
    it.skipIf(!existsSync(binary))(
      `${label}: shares the port where the version has it, else UnsupportedError`,
      async () => {
        const script = join(import.meta.dirname, "listen-reuse-port.mjs");
        const out = await new Promise<string>((resolve, reject) =>
          execFile(binary, [script], { timeout: 15_000 }, (error, stdout) => (error ? reject(error) : resolve(stdout))),
        );
        const result = JSON.parse(out) as { version: string; outcome: string };
        const expected = nodeReusePort(result.version.slice(1)) === true ? "shared" : "UnsupportedError";
        expect(result.outcome, result.version).toBe(expected);
      },
      20_000,
    );
  }
});
