import { describe, expect, test } from "bun:test";
import { EchoConnection, Exchange, SendAndCollect } from "@sansio/runtime-api/conformance";
import { runtime } from "../src/index.js";
import { firstMismatch, patternBytes, within } from "./support.js";

describe("half-close", () => {
  test("client sends FIN first; the server's reply after it still arrives", async () => {
    // EchoConnection answers everything it read and only then closes its own side.
    await using listener = await runtime.listen({ port: 0 }, () => new EchoConnection({ highWaterMark: 1024 }));
    if (listener.address.transport !== "tcp") throw new Error("expected TCP");
    const payload = patternBytes(0, 300 * 1024);
    const client = new SendAndCollect(payload, { writeSize: 100 * 1024 });
    const session = await runtime.connect({ port: listener.address.port }, client);
    const received = await within(client.done, 10_000, "reply after FIN");
    expect(received.length).toBe(payload.length);
    expect(firstMismatch(received)).toBe(-1);
    await within(session.closed, 5000, "client closed");
    expect(client.errors).toEqual([]);
  });

  test("server sends FIN first; the client keeps sending and the server still reads it", async () => {
    const greeting = new TextEncoder().encode("hello, then FIN\n");
    const servers: SendAndCollect[] = [];
    await using listener = await runtime.listen({ port: 0 }, () => {
      const server = new SendAndCollect(greeting);
      servers.push(server);
      return server;
    });
    if (listener.address.transport !== "tcp") throw new Error("expected TCP");
    const late = patternBytes(3, 200 * 1024);
    const client = new Exchange({ sendAfterEof: true, send: [[late.subarray(0, 1000), late.subarray(1000)]] });
    const session = await runtime.connect({ port: listener.address.port }, client);
    await within(client.finished, 10_000, "client finished");
    expect(new TextDecoder().decode(client.bytes())).toBe("hello, then FIN\n");
    expect(client.sawEof).toBe(true);
    const serverGot = await within(servers[0]?.done ?? Promise.reject(new Error("no server")), 10_000, "server got");
    expect(serverGot.length).toBe(late.length);
    expect(firstMismatch(serverGot, 3)).toBe(-1);
    await within(session.closed, 5000, "client closed");
    expect(client.errors).toEqual([]);
    expect(servers[0]?.errors).toEqual([]);
  });
});
