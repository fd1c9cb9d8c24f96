import {
  type Connection,
  ConnectionClosedError,
  ConnectionLostError,
  ReadBufferOverflowError,
  TimeoutError,
} from "@sansio/runtime-api";
import { EchoConnection, Exchange, SendAndCollect } from "@sansio/runtime-api/conformance";
import { afterEach, describe, expect, it } from "vitest";
import { runtime, type Session } from "../src/index.js";
import { bytes, Flood, GreetThenListen, IgnoreShutdown, NeverConsume, received, text } from "./protocols.js";
import { portOf, rawConnect, until, within } from "./support.js";

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

describe("half-close", () => {
  it("client FIN first: the server still replies after it", async () => {
    const server = new Exchange({ send: [[bytes("late reply")]], sendAfterEof: true });
    const listener = await runtime.listen({}, () => server);
    cleanups.push(() => listener.close());
    const client = new SendAndCollect(bytes("question"));
    const session = await runtime.connect({ port: portOf(listener) }, client);
    expect(text(await within(client.done, 5_000, "reply"))).toBe("late reply");
    expect(text(await received(server))).toBe("question");
    await within(session.closed, 5_000, "closed");
    await until(() => listener.connections === 0, 5_000, "server session released");
    expect(server.errors).toEqual([]);
  });

  it("server FIN first: the client still replies after it and the server reads it", async () => {
    const server = new GreetThenListen(bytes("hello and FIN"));
    const listener = await runtime.listen({}, () => server);
    cleanups.push(() => listener.close());
    const client = new Exchange({ send: [[bytes("answer after FIN")]], sendAfterEof: true });
    const session = await runtime.connect({ port: portOf(listener) }, client);
    expect(text(await within(received(client), 5_000, "greeting"))).toBe("hello and FIN");
    expect(text(await within(received(server), 5_000, "answer"))).toBe("answer after FIN");
    await within(session.closed, 5_000, "closed");
    await until(() => listener.connections === 0, 5_000, "server session released");
    expect(server.errors).toEqual([]);
    expect(client.errors).toEqual([]);
  });

  it("when Node closes the socket after both FINs, a protocol still busy finishes without an error", async () => {
    const server = new GreetThenListen(bytes("greeting"), 100);
    const listener = await runtime.listen({}, () => server);
    cleanups.push(() => listener.close());
    const client = new SendAndCollect(new Uint8Array(0)); // FIN at once, then read until EOF
    const session = await runtime.connect({ port: portOf(listener) }, client);
    expect(text(await within(client.done, 5_000, "greeting"))).toBe("greeting");
    await within(session.closed, 5_000, "client closed");
    expect(text(await within(received(server), 5_000, "server EOF after its delay"))).toBe("");
    await until(() => listener.connections === 0, 5_000, "server session released");
    expect(server.errors).toEqual([]);
  });

  it("a raw Node peer sees the FIN and can still send", async () => {
    const server = new GreetThenListen(bytes("bye"));
    const listener = await runtime.listen({}, () => server);
    cleanups.push(() => listener.close());
    const peer = await rawConnect(portOf(listener));
    await within(peer.ended, 5_000, "FIN from the server");
    expect(peer.received().toString()).toBe("bye");
    peer.socket.end("still talking");
    expect(text(await within(received(server), 5_000, "server read after its FIN"))).toBe("still talking");
    await within(peer.closed, 5_000, "peer closed");
  });
});

describe("timeouts and closing", () => {
  it("idleTimeout: the connection gets TimeoutError and the socket is released", async () => {
    const servers: EchoConnection[] = [];
    const listener = await runtime.listen({ idleTimeout: 100 }, () => {
      const echo = new EchoConnection();
      servers.push(echo);
      return echo;
    });
    cleanups.push(() => listener.close());
    const peer = await rawConnect(portOf(listener));
    peer.socket.write("some bytes");
    await within(peer.ended, 5_000, "socket released by the idle timeout");
    expect(peer.received().toString()).toBe("some bytes");
    await until(() => listener.connections === 0, 5_000, "session released");
    expect(servers[0]?.errors).toHaveLength(1);
    expect(servers[0]?.errors[0]).toBeInstanceOf(TimeoutError);
    peer.socket.destroy();
  });

  it("listener.close() drains: connections are asked to shut down and finish cleanly", async () => {
    const servers: EchoConnection[] = [];
    const listener = await runtime.listen({}, () => {
      const echo = new EchoConnection();
      servers.push(echo);
      return echo;
    });
    const peer = await rawConnect(portOf(listener));
    peer.socket.write("x");
    await until(() => peer.received().length === 1, 5_000, "echo");
    const closing = listener.close({ timeout: 5_000 });
    await within(peer.ended, 5_000, "FIN from the shut-down connection");
    peer.socket.end();
    await within(closing, 5_000, "listener closed");
    expect(listener.connections).toBe(0);
    expect(servers[0]?.errors).toEqual([]);
    await expect(runtime.connect({ port: portOf(listener) }, new EchoConnection())).rejects.toMatchObject({
      code: "ECONNREFUSED",
    });
  });

  it("listener.close({ timeout }) aborts what ignores shutdown once the timeout passes", async () => {
    const servers: IgnoreShutdown[] = [];
    const listener = await runtime.listen({}, () => {
      const protocol = new IgnoreShutdown();
      servers.push(protocol);
      return protocol;
    });
    const peer = await rawConnect(portOf(listener));
    await until(() => listener.connections === 1, 5_000, "session open");
    await within(listener.close({ timeout: 100 }), 5_000, "listener closed after the timeout");
    expect(listener.connections).toBe(0);
    expect(servers[0]?.shutdownCalls).toBe(1);
    expect(servers[0]?.errors[0]).toBeInstanceOf(ConnectionClosedError);
    await within(peer.ended, 5_000, "peer saw the abort");
    peer.socket.destroy();
  });

  it("aborting the listen signal closes the listener", async () => {
    const controller = new AbortController();
    const listener = await runtime.listen({ signal: controller.signal }, () => new EchoConnection());
    const client = new SendAndCollect(bytes("before abort"));
    await runtime.connect({ port: portOf(listener) }, client);
    expect(text(await within(client.done, 5_000, "echo"))).toBe("before abort");
    controller.abort();
    await within(listener.close(), 5_000, "closed by the signal");
    await expect(runtime.connect({ port: portOf(listener) }, new EchoConnection())).rejects.toMatchObject({
      code: "ECONNREFUSED",
    });
  });

  it("await using disposes the listener", async () => {
    let port = 0;
    {
      await using listener = await runtime.listen({}, () => new EchoConnection());
      port = portOf(listener);
    }
    await expect(runtime.connect({ port }, new EchoConnection())).rejects.toMatchObject({ code: "ECONNREFUSED" });
  });
});

describe("failures", () => {
  it("a peer reset mid-write gives exactly one 'closed' write result and stops writing", async () => {
    const floods: Flood[] = [];
    const listener = await runtime.listen({}, () => {
      const flood = new Flood(new Uint8Array(64 * 1024).fill(7), 512 * 1024 * 1024);
      floods.push(flood);
      return flood;
    });
    cleanups.push(() => listener.close());
    const peer = await rawConnect(portOf(listener));
    peer.socket.pause(); // stop reading: the server's writes back up
    await until(() => (floods[0]?.writes ?? 0) > 2, 5_000, "server writing");
    await new Promise((resolve) => setTimeout(resolve, 50));
    peer.socket.resetAndDestroy();
    await until(() => listener.connections === 0, 5_000, "session released");
    const flood = floods[0] as Flood;
    const closed = flood.writeResults.filter((result) => result === "closed");
    expect(closed).toHaveLength(1);
    expect(flood.writeResults.at(-1)).toBe("closed");
    expect(flood.writes).toBe(flood.writeResults.length);
    expect(flood.written).toBeLessThan(512 * 1024 * 1024);
    const writesAtClose = flood.writes;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(flood.writes).toBe(writesAtClose);
    expect(flood.errors.length).toBeLessThanOrEqual(1);
    for (const error of flood.errors) expect(error).toBeInstanceOf(ConnectionLostError);
  });

  it("a protocol that throws gets reportError, its socket is released, and the listener keeps serving", async () => {
    const servers: EchoConnection[] = [];
    const listener = await runtime.listen({}, () => {
      const echo = new EchoConnection(servers.length === 0 ? { throwAfter: 10 } : {});
      servers.push(echo);
      return echo;
    });
    cleanups.push(() => listener.close());
    const failing = new SendAndCollect(new Uint8Array(1000));
    const failingSession = await runtime.connect({ port: portOf(listener) }, failing);
    await within(failingSession.closed, 5_000, "failing session closed");
    expect(servers[0]?.errors).toHaveLength(1);
    expect(String(servers[0]?.errors[0])).toContain("deliberate failure");

    const healthy = new SendAndCollect(bytes("next connection"));
    await runtime.connect({ port: portOf(listener) }, healthy);
    expect(text(await within(healthy.done, 5_000, "echo"))).toBe("next connection");
    expect(servers[1]?.errors).toEqual([]);
  });

  it("an accept callback that throws drops that socket only", async () => {
    let calls = 0;
    const listener = await runtime.listen({}, () => {
      calls++;
      if (calls === 1) throw new Error("accept failed");
      return new EchoConnection();
    });
    cleanups.push(() => listener.close());
    const dropped = await rawConnect(portOf(listener));
    await within(dropped.ended, 5_000, "dropped socket closed");
    dropped.socket.destroy();
    const client = new SendAndCollect(bytes("second"));
    await runtime.connect({ port: portOf(listener) }, client);
    expect(text(await within(client.done, 5_000, "echo"))).toBe("second");
    expect(calls).toBe(2);
  });

  it("a protocol that never consumes gets ReadBufferOverflowError at maxReadBufferSize", async () => {
    const servers: NeverConsume[] = [];
    const listener = await runtime.listen({ readBufferSize: 1024, maxReadBufferSize: 8192 }, () => {
      const protocol = new NeverConsume();
      servers.push(protocol);
      return protocol;
    });
    cleanups.push(() => listener.close());
    const peer = await rawConnect(portOf(listener));
    peer.socket.write(new Uint8Array(100_000));
    await within(peer.ended, 5_000, "overflowing socket released");
    await until(() => listener.connections === 0, 5_000, "session released");
    const server = servers[0] as NeverConsume;
    expect(server.errors).toHaveLength(1);
    expect(server.errors[0]).toBeInstanceOf(ReadBufferOverflowError);
    expect((server.errors[0] as ReadBufferOverflowError).limit).toBe(8192);
    expect(server.offered).toBeGreaterThanOrEqual(8192);
    peer.socket.destroy();
  });

  it("session.close() on a client reports ConnectionClosedError and the server sees EOF", async () => {
    const server = new Exchange({ send: [[bytes("unused")]], sendAfterEof: true });
    const listener = await runtime.listen({}, () => server);
    cleanups.push(() => listener.close());
    const client: Connection & { errors: unknown[] } = new EchoConnection();
    const session: Session = await runtime.connect({ port: portOf(listener) }, client);
    session.close();
    await within(session.closed, 5_000, "closed");
    expect(client.errors[0]).toBeInstanceOf(ConnectionClosedError);
    expect(text(await within(received(server), 5_000, "server EOF"))).toBe("");
  });
});
