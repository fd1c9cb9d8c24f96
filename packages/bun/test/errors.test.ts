import { describe, expect, test } from "bun:test";
import { AbortedError, ConnectionLostError, TimeoutError } from "@sansio/runtime-api";
import { EchoConnection, Exchange, SendAndCollect } from "@sansio/runtime-api/conformance";
import { runtime } from "../src/index.js";
import { firstMismatch, nameOf, patternBytes, waitFor, within } from "./support.js";

/** A port where nothing listens: bound, then closed. */
async function refusedPort(): Promise<number> {
  const listener = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const port = listener.port;
  listener.stop(true);
  return port;
}

describe("errors", () => {
  test("a refused connect rejects with ConnectionLostError (code ECONNREFUSED, Bun's error as cause)", async () => {
    const port = await refusedPort();
    const error = await runtime.connect({ port }, new EchoConnection()).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConnectionLostError);
    expect((error as ConnectionLostError).code).toBe("ECONNREFUSED");
    expect((error as ConnectionLostError).cause).toBeInstanceOf(Error);
  });

  test("listen on a taken port rejects with ConnectionLostError (EADDRINUSE)", async () => {
    await using listener = await runtime.listen({ port: 0 }, () => new EchoConnection());
    if (listener.address.transport !== "tcp") throw new Error("expected TCP");
    const error = await runtime
      .listen({ port: listener.address.port }, () => new EchoConnection())
      .then(
        (l) => l.close(),
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(ConnectionLostError);
    expect((error as ConnectionLostError).code).toBe("EADDRINUSE");
  });

  test("an aborted signal rejects connect with AbortedError, before and during the attempt", async () => {
    await using listener = await runtime.listen({ port: 0 }, () => new EchoConnection());
    if (listener.address.transport !== "tcp") throw new Error("expected TCP");
    const port = listener.address.port;
    const early = await runtime.connect({ port, signal: AbortSignal.abort() }, new EchoConnection()).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(early).toBeInstanceOf(AbortedError);
    const controller = new AbortController();
    const attempt = runtime.connect({ port, signal: controller.signal }, new EchoConnection());
    controller.abort(new Error("changed my mind"));
    const during = await attempt.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(during).toBeInstanceOf(AbortedError);
    // Nothing stays open on the server side.
    await waitFor(() => listener.connections === 0, "the server side released");
  });

  test("idle timeout: TimeoutError to the connection, the socket released, the peer sees it close", async () => {
    const servers: Exchange[] = [];
    await using listener = await runtime.listen({ port: 0, idleTimeout: 150 }, () => {
      const server = new Exchange({ halfClose: false });
      servers.push(server);
      return server;
    });
    if (listener.address.transport !== "tcp") throw new Error("expected TCP");
    const client = new Exchange({ halfClose: false });
    const session = await runtime.connect({ port: listener.address.port }, client);
    await within(client.finished, 5000, "client sees the server go");
    expect(servers.length).toBe(1);
    expect(servers[0]?.errors.map(nameOf)).toEqual(["TimeoutError"]);
    expect(servers[0]?.errors[0]).toBeInstanceOf(TimeoutError);
    await waitFor(() => listener.connections === 0, "the server side released");
    await within(session.closed, 5000, "client closed");
  });

  test("idle timeout on the client side", async () => {
    await using listener = await runtime.listen({ port: 0 }, () => new Exchange({ halfClose: false }));
    if (listener.address.transport !== "tcp") throw new Error("expected TCP");
    const client = new Exchange({ halfClose: false });
    const session = await runtime.connect({ port: listener.address.port, idleTimeout: 100 }, client);
    await within(session.closed, 5000, "client released after idleTimeout");
    expect(client.errors.map(nameOf)).toEqual(["TimeoutError"]);
  });

  test("a throwing protocol is reported, its socket released, and the listener keeps serving", async () => {
    const servers: EchoConnection[] = [];
    let first = true;
    await using listener = await runtime.listen({ port: 0 }, () => {
      const server = new EchoConnection(first ? { throwAfter: 10 } : {});
      first = false;
      servers.push(server);
      return server;
    });
    if (listener.address.transport !== "tcp") throw new Error("expected TCP");
    const port = listener.address.port;
    const bad = new SendAndCollect(patternBytes(0, 1000));
    const badSession = await runtime.connect({ port }, bad);
    await within(badSession.closed, 5000, "bad session closed");
    expect(servers[0]?.errors.length).toBe(1);
    expect(String((servers[0]?.errors[0] as Error | undefined)?.message)).toContain("deliberate failure");

    const good = new SendAndCollect(patternBytes(0, 1000));
    const goodSession = await runtime.connect({ port }, good);
    expect(firstMismatch(await within(good.done, 5000, "second connection"))).toBe(-1);
    await within(goodSession.closed, 5000, "good session closed");
    await waitFor(() => listener.connections === 0, "the server side released");
  });

  test("a connection factory that throws rejects connect with its error and releases the socket", async () => {
    await using listener = await runtime.listen({ port: 0 }, () => new Exchange({ halfClose: false }));
    if (listener.address.transport !== "tcp") throw new Error("expected TCP");
    const error = await runtime
      .connect({ port: listener.address.port }, () => {
        throw new Error("no connection for you");
      })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect((error as Error | undefined)?.message).toBe("no connection for you");
    await waitFor(() => listener.connections === 0, "the server side released");
  });

  test("a peer reset reaches the connection as ConnectionLostError (ECONNRESET)", async () => {
    const servers: Exchange[] = [];
    await using listener = await runtime.listen({ port: 0 }, () => {
      const server = new Exchange({ halfClose: false });
      servers.push(server);
      return server;
    });
    if (listener.address.transport !== "tcp") throw new Error("expected TCP");
    const raw = await Bun.connect({ hostname: "127.0.0.1", port: listener.address.port, socket: { data() {} } });
    await waitFor(() => servers.length === 1, "the server connection");
    raw.terminate();
    await waitFor(() => listener.connections === 0, "the server side released");
    expect(servers[0]?.errors.map(nameOf)).toEqual(["ConnectionLostError"]);
    expect((servers[0]?.errors[0] as ConnectionLostError | undefined)?.code).toBe("ECONNRESET");
  });

  test("session.close() aborts: the connection hears ConnectionClosedError, the peer sees a reset", async () => {
    await using listener = await runtime.listen({ port: 0 }, () => new Exchange({ halfClose: false }));
    if (listener.address.transport !== "tcp") throw new Error("expected TCP");
    const client = new Exchange({ halfClose: false });
    const session = await runtime.connect({ port: listener.address.port }, client);
    session.close();
    await within(session.closed, 5000, "closed after close()");
    expect(client.errors.map(nameOf)).toEqual(["ConnectionClosedError"]);
    await waitFor(() => listener.connections === 0, "the server side released");
  });
});
