import { describe, expect, test } from "bun:test";
import { ConnectionClosedError, UnsupportedError } from "@sansio/runtime-api";
import { EchoConnection, SendAndCollect } from "@sansio/runtime-api/conformance";
import { drive, runtime, socketHandlers } from "../src/index.js";
import { firstMismatch, patternBytes, ScribblingSender, slowReader, within } from "./support.js";

const MiB = 1024 * 1024;

describe("drive", () => {
  test("a Bun.connect socket: handlers taken over, partial writes resumed on drain, every byte in order", async () => {
    const peer = slowReader();
    try {
      const socket = await Bun.connect({
        hostname: "127.0.0.1",
        port: peer.port,
        allowHalfOpen: true,
        socket: { data() {} },
      });
      // Count the writes Bun takes only partly: the transport must resume them on `drain`.
      let partial = 0;
      const write = socket.write.bind(socket);
      socket.write = ((data: Uint8Array, offset?: number, length?: number): number => {
        const written = write(data, offset, length);
        if (length !== undefined && written >= 0 && written < length) partial++;
        return written;
      }) as typeof socket.write;
      const total = 8 * MiB;
      const sender = new ScribblingSender(total, { writeSize: 4 * MiB, iovecs: 4 });
      const session = drive(socket, sender);
      const received = await within(peer.done, 30_000, "slow reader");
      expect(received.length).toBe(total);
      expect(firstMismatch(received)).toBe(-1);
      expect(partial).toBeGreaterThan(0);
      await within(session.closed, 5000, "session closed");
      expect(sender.errors).toEqual([]);
      expect(session.remote).toEqual({ transport: "tcp", hostname: "127.0.0.1", port: peer.port });
    } finally {
      peer.stop();
    }
  });

  test("head bytes reach the connection before the socket's own; a paused socket is resumed", async () => {
    const greeting = new TextEncoder().encode("from the server");
    await using listener = await runtime.listen({ port: 0 }, () => new SendAndCollect(greeting));
    if (listener.address.transport !== "tcp") throw new Error("expected TCP");
    const socket = await Bun.connect({
      hostname: "127.0.0.1",
      port: listener.address.port,
      allowHalfOpen: true,
      socket: { data() {} },
    });
    socket.pause(); // a socket handed over paused still flows once driven
    const collector = new SendAndCollect(new Uint8Array(0));
    const session = drive(socket, collector, { head: new TextEncoder().encode("[head] ") });
    const bytes = await within(collector.done, 5000, "collect");
    expect(new TextDecoder().decode(bytes)).toBe("[head] from the server");
    await within(session.closed, 5000, "session closed");
  });

  test("an accepted socket of a listener with its own handlers is UnsupportedError (reload would hit every socket)", async () => {
    const results: unknown[] = [];
    const received: string[] = [];
    const listener = Bun.listen({
      hostname: "127.0.0.1",
      port: 0,
      socket: {
        open(socket) {
          try {
            drive(socket, new EchoConnection());
            results.push("driven");
          } catch (error) {
            results.push(error);
          }
        },
        data(socket, chunk) {
          received.push(chunk.toString());
          socket.end();
        },
      },
    });
    try {
      const client = new SendAndCollect(new TextEncoder().encode("still mine"));
      await runtime.connect({ port: listener.port }, client);
      await within(client.done, 5000, "the listener's own handler answered");
      expect(results.length).toBe(1);
      expect(results[0]).toBeInstanceOf(UnsupportedError);
      expect(received).toEqual(["still mine"]);
    } finally {
      listener.stop(true);
    }
  });

  test("a listener made with socketHandlers(): drive() takes over accepted sockets, the rest stay with the fallback", async () => {
    let accepted = 0;
    const fallbackData: string[] = [];
    const listener = Bun.listen<undefined>({
      hostname: "127.0.0.1",
      port: 0,
      allowHalfOpen: true,
      socket: socketHandlers<undefined>({
        open(socket) {
          // Drive every second connection; answer the others by hand.
          if (accepted++ % 2 === 0) drive(socket, new EchoConnection());
        },
        data(socket, chunk) {
          fallbackData.push(new TextDecoder().decode(chunk));
          socket.write("by hand");
          socket.end();
        },
      }),
    });
    try {
      const driven = new SendAndCollect(patternBytes(0, 300 * 1024));
      const drivenSession = await runtime.connect({ port: listener.port }, driven);
      const echoed = await within(driven.done, 5000, "driven echo");
      expect(echoed.length).toBe(300 * 1024);
      expect(firstMismatch(echoed)).toBe(-1);
      await within(drivenSession.closed, 5000, "driven closed");

      const manual = new SendAndCollect(new TextEncoder().encode("hi"));
      await runtime.connect({ port: listener.port }, manual);
      expect(new TextDecoder().decode(await within(manual.done, 5000, "manual"))).toBe("by hand");
      expect(fallbackData).toEqual(["hi"]);
    } finally {
      listener.stop(true);
    }
  });

  test("a closed socket is ConnectionClosedError", async () => {
    await using listener = await runtime.listen({ port: 0 }, () => new EchoConnection());
    if (listener.address.transport !== "tcp") throw new Error("expected TCP");
    const { promise: closed, resolve } = Promise.withResolvers<void>();
    const socket = await Bun.connect({
      hostname: "127.0.0.1",
      port: listener.address.port,
      socket: { data() {}, close: () => resolve() },
    });
    socket.terminate();
    await within(closed, 5000, "socket closed");
    expect(() => drive(socket, new EchoConnection())).toThrow(ConnectionClosedError);
  });
});
