import { describe, expect, test } from "bun:test";
import { ConnectionLostError } from "@sansio/runtime-api";
import { EchoConnection, Exchange } from "@sansio/runtime-api/conformance";
import { runtime } from "../src/index.js";
import { nameOf, waitFor, within } from "./support.js";

/** Reads and discards everything, writes nothing, and ignores shutdown(): only an abort ends it. */
class Stubborn extends Exchange {
  shutdownCalls = 0;
  constructor() {
    super({ halfClose: false });
  }
  override shutdown(): void {
    this.shutdownCalls++;
  }
}

describe("listener", () => {
  test("close() shuts connections down gracefully, drains them, and stops accepting", async () => {
    const listener = await runtime.listen({ port: 0 }, () => new EchoConnection());
    if (listener.address.transport !== "tcp") throw new Error("expected TCP");
    const port = listener.address.port;
    const clients = [new Exchange({ halfClose: false }), new Exchange({ halfClose: false })];
    const sessions = [];
    for (const client of clients) sessions.push(await runtime.connect({ port }, client));
    await waitFor(() => listener.connections === 2, "2 connections");
    await within(listener.close({ timeout: 5000 }), 6000, "listener.close");
    expect(listener.connections).toBe(0);
    for (const client of clients) {
      await within(client.finished, 5000, "client finished");
      expect(client.sawEof).toBe(true);
      expect(client.errors).toEqual([]);
    }
    for (const session of sessions) await within(session.closed, 5000, "client closed");
    const refused = await runtime.connect({ port }, new Exchange()).then(
      () => "connected",
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(ConnectionLostError);
  });

  test("close({ timeout }) aborts what did not finish in time", async () => {
    const servers: Stubborn[] = [];
    const listener = await runtime.listen({ port: 0 }, () => {
      const server = new Stubborn();
      servers.push(server);
      return server;
    });
    if (listener.address.transport !== "tcp") throw new Error("expected TCP");
    const client = new Exchange({ halfClose: false });
    const session = await runtime.connect({ port: listener.address.port }, client);
    await waitFor(() => listener.connections === 1, "1 connection");
    await within(listener.close({ timeout: 100 }), 5000, "listener.close");
    expect(listener.connections).toBe(0);
    expect(servers[0]?.shutdownCalls).toBe(1);
    expect(servers[0]?.errors.map(nameOf)).toEqual(["ConnectionClosedError"]);
    await within(session.closed, 5000, "client closed after the abort");
  });

  test("an aborted signal closes the listener; await using disposes it", async () => {
    const controller = new AbortController();
    const listener = await runtime.listen({ port: 0, signal: controller.signal }, () => new EchoConnection());
    if (listener.address.transport !== "tcp") throw new Error("expected TCP");
    const port = listener.address.port;
    const client = new Exchange({ halfClose: false });
    const session = await runtime.connect({ port }, client);
    await waitFor(() => listener.connections === 1, "1 connection");
    controller.abort();
    await within(session.closed, 5000, "session closed after the signal");
    expect(client.sawEof).toBe(true);
    {
      await using disposable = await runtime.listen({ port: 0 }, () => new EchoConnection());
      expect(disposable.connections).toBe(0);
    }
    const refused = await runtime.connect({ port }, new Exchange()).then(
      () => "connected",
      (e: unknown) => nameOf(e),
    );
    expect(refused).toBe("ConnectionLostError");
  });

  test("listen with an already aborted signal rejects", async () => {
    const error = await runtime
      .listen({ port: 0, signal: AbortSignal.abort() }, () => new EchoConnection())
      .then(
        (l) => l.close(),
        (e: unknown) => e,
      );
    expect(nameOf(error)).toBe("AbortedError");
  });
});
