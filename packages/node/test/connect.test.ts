import * as net from "node:net";
import { AbortedError, ConnectionLostError } from "@sansio/runtime-api";
import { EchoConnection, SendAndCollect } from "@sansio/runtime-api/conformance";
import { afterEach, describe, expect, it } from "vitest";
import { runtime } from "../src/index.js";
import { bytes, text } from "./protocols.js";
import { portOf, testCertificates, until, within } from "./support.js";

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/** A port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A TCP server that accepts and never answers (a TLS client waits for its handshake forever). */
async function silentServer(): Promise<{ port: number; accepted: net.Socket[] }> {
  const accepted: net.Socket[] = [];
  const server = net.createServer((socket) => {
    socket.on("error", () => {});
    socket.resume(); // discard what arrives, so the peer's FIN is seen
    accepted.push(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        for (const socket of accepted) socket.destroy();
        server.close(() => resolve());
      }),
  );
  return { port: (server.address() as net.AddressInfo).port, accepted };
}

describe("connect", () => {
  it("a refused connect rejects with ConnectionLostError ECONNREFUSED and the Node error as cause", async () => {
    const port = await closedPort();
    const connection = new EchoConnection();
    const error = await runtime.connect({ port }, connection).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionLostError);
    expect((error as ConnectionLostError).code).toBe("ECONNREFUSED");
    expect((error as Error).cause).toMatchObject({ code: "ECONNREFUSED" });
    expect(connection.errors).toEqual([]);
  });

  it("a refused unix connect rejects with ConnectionLostError", async () => {
    const error = await runtime
      .connect({ path: "/nonexistent-sansio-dir/none.sock" }, new EchoConnection())
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionLostError);
    expect((error as ConnectionLostError).code).toBe("ENOENT");
  });

  it("an already aborted signal rejects with AbortedError before connecting", async () => {
    const { port, accepted } = await silentServer();
    const controller = new AbortController();
    controller.abort(new Error("no thanks"));
    const error = await runtime
      .connect({ port, signal: controller.signal }, new EchoConnection())
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbortedError);
    expect((error as Error).cause).toMatchObject({ message: "no thanks" });
    expect(accepted).toHaveLength(0);
  });

  it("aborting during the TLS handshake rejects with AbortedError and destroys the socket", async () => {
    const { port, accepted } = await silentServer();
    const controller = new AbortController();
    const attempt = runtime.connect({ port, tls: true, signal: controller.signal }, new EchoConnection());
    const peerClosed = (async () => {
      await until(() => accepted.length > 0, 5_000, "the server accepted the TLS attempt");
      const socket = accepted[0] as net.Socket;
      await new Promise<void>((resolve) => socket.once("close", () => resolve()));
    })();
    await until(() => accepted.length > 0, 5_000, "the server accepted the TLS attempt");
    controller.abort();
    const error = await attempt.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbortedError);
    await within(peerClosed, 5_000, "the aborted socket reached the server as a close");
  });

  it("aborting the signal after connecting closes the session", async () => {
    const listener = await runtime.listen({}, () => new EchoConnection());
    cleanups.push(() => listener.close());
    const controller = new AbortController();
    const client = new EchoConnection();
    const session = await runtime.connect({ port: portOf(listener), signal: controller.signal }, client);
    controller.abort();
    await within(session.closed, 5_000, "session closed by signal");
    expect(client.errors[0]).toMatchObject({ name: "ConnectionClosedError" });
  });

  it("accepts a factory that receives the session", async () => {
    const listener = await runtime.listen({}, () => new EchoConnection());
    cleanups.push(() => listener.close());
    let seenPort = -1;
    const client = new SendAndCollect(bytes("factory"));
    await runtime.connect({ port: portOf(listener) }, (session) => {
      seenPort = session.remote.transport === "tcp" ? session.remote.port : -2;
      return client;
    });
    expect(seenPort).toBe(portOf(listener));
    expect(text(await within(client.done, 5_000, "echo"))).toBe("factory");
  });

  it("invalid options reject before any socket is opened", async () => {
    const { port, accepted } = await silentServer();
    await expect(runtime.connect({ port, readBufferSize: 0 }, new EchoConnection())).rejects.toBeInstanceOf(RangeError);
    await expect(
      runtime.listen({ readBufferSize: 10, maxReadBufferSize: 5 }, () => new EchoConnection()),
    ).rejects.toBeInstanceOf(RangeError);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(accepted).toHaveLength(0);
  });

  it("TLS to a plain server fails with ConnectionLostError", async () => {
    await testCertificates();
    const listener = await runtime.listen({}, () => new EchoConnection());
    cleanups.push(() => listener.close());
    const error = await runtime
      .connect({ port: portOf(listener), tls: true }, new EchoConnection())
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionLostError);
  });
});
