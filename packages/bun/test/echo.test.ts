import { afterAll, describe, expect, test } from "bun:test";
import { ConnectionLostError } from "@sansio/runtime-api";
import { EchoConnection, SendAndCollect } from "@sansio/runtime-api/conformance";
import { runtime } from "../src/index.js";
import { firstMismatch, patternBytes, testCertificates, unixDir, within } from "./support.js";

const MiB = 1024 * 1024;

describe("echo", () => {
  const unix = unixDir();
  afterAll(() => unix.cleanup());

  test("TCP: 1 MiB round trip, the listener reports its real port", async () => {
    const servers: EchoConnection[] = [];
    await using listener = await runtime.listen({ hostname: "127.0.0.1", port: 0 }, () => {
      const server = new EchoConnection();
      servers.push(server);
      return server;
    });
    if (listener.address.transport !== "tcp") throw new Error("expected TCP");
    expect(listener.address.port).toBeGreaterThan(0);
    const payload = patternBytes(0, MiB);
    const client = new SendAndCollect(payload, { writeSize: 64 * 1024 });
    const session = await runtime.connect({ hostname: "127.0.0.1", port: listener.address.port }, client);
    expect(session.remote).toEqual({ transport: "tcp", hostname: "127.0.0.1", port: listener.address.port });
    expect(session.local.transport).toBe("tcp");
    expect(session.alpnProtocol).toBeNull();
    const received = await within(client.done, 10_000, "echo");
    expect(received.length).toBe(payload.length);
    expect(firstMismatch(received)).toBe(-1);
    await within(session.closed, 5000, "client closed");
    expect(client.errors).toEqual([]);
    expect(servers.length).toBe(1);
    expect(servers[0]?.errors).toEqual([]);
    expect(servers[0]?.bytesRead).toBe(MiB);
  });

  test("unix socket: round trip", async () => {
    const path = unix.path("echo");
    await using listener = await runtime.listen({ path }, () => new EchoConnection());
    expect(listener.address).toEqual({ transport: "unix", path });
    const payload = patternBytes(5, 256 * 1024);
    const client = new SendAndCollect(payload);
    const session = await runtime.connect({ path }, client);
    expect(session.remote).toEqual({ transport: "unix", path });
    const received = await within(client.done, 10_000, "unix echo");
    expect(received.length).toBe(payload.length);
    expect(firstMismatch(received, 5)).toBe(-1);
    await within(session.closed, 5000, "client closed");
  });

  test("TLS: verified certificate, ALPN negotiated on both ends", async () => {
    const pems = await testCertificates();
    const serverAlpn: (string | null)[] = [];
    await using listener = await runtime.listen(
      { hostname: "127.0.0.1", port: 0, tls: { cert: pems.cert, key: pems.key, alpnProtocols: ["h2", "sansio"] } },
      (session) => {
        serverAlpn.push(session.alpnProtocol);
        return new EchoConnection();
      },
    );
    if (listener.address.transport !== "tcp") throw new Error("expected TCP");
    const payload = patternBytes(9, 512 * 1024);
    const client = new SendAndCollect(payload);
    const session = await runtime.connect(
      { hostname: "127.0.0.1", port: listener.address.port, tls: { ca: pems.ca, alpnProtocols: ["sansio", "x"] } },
      client,
    );
    expect(session.alpnProtocol).toBe("sansio");
    const received = await within(client.done, 10_000, "tls echo");
    expect(received.length).toBe(payload.length);
    expect(firstMismatch(received, 9)).toBe(-1);
    expect(serverAlpn).toEqual(["sansio"]);
    await within(session.closed, 5000, "client closed");
  });

  test("TLS over a unix socket, with serverName", async () => {
    const pems = await testCertificates();
    const path = unix.path("tls");
    await using _listener = await runtime.listen(
      { path, tls: { cert: pems.cert, key: pems.key } },
      () => new EchoConnection(),
    );
    const client = new SendAndCollect(patternBytes(0, 4096));
    const session = await runtime.connect({ path, tls: { ca: pems.ca, serverName: "localhost" } }, client);
    const received = await within(client.done, 10_000, "tls unix echo");
    expect(firstMismatch(received)).toBe(-1);
    expect(received.length).toBe(4096);
    await within(session.closed, 5000, "client closed");
  });

  test("TLS: an untrusted certificate is refused by default", async () => {
    const pems = await testCertificates();
    let accepted = 0;
    await using listener = await runtime.listen(
      { hostname: "127.0.0.1", port: 0, tls: { cert: pems.cert, key: pems.key } },
      () => {
        accepted++;
        return new EchoConnection();
      },
    );
    if (listener.address.transport !== "tcp") throw new Error("expected TCP");
    const port = listener.address.port;
    const error = await runtime.connect({ hostname: "127.0.0.1", port, tls: true }, new EchoConnection()).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConnectionLostError);
    expect((error as ConnectionLostError).code).toBe("CERT_UNTRUSTED");
    expect((error as ConnectionLostError).cause).toBeInstanceOf(Error);
    expect(accepted).toBe(0);
  });

  test("TLS: a certificate for another name is refused; insecureSkipVerify accepts it", async () => {
    const pems = await testCertificates();
    await using listener = await runtime.listen(
      { hostname: "127.0.0.1", port: 0, tls: { cert: pems.cert, key: pems.key } },
      () => new EchoConnection(),
    );
    if (listener.address.transport !== "tcp") throw new Error("expected TCP");
    const port = listener.address.port;
    const wrongName = await runtime
      .connect({ hostname: "127.0.0.1", port, tls: { ca: pems.ca, serverName: "example.com" } }, new EchoConnection())
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(wrongName).toBeInstanceOf(ConnectionLostError);
    expect((wrongName as ConnectionLostError).code).toBe("ERR_TLS_CERT_ALTNAME_INVALID");

    const client = new SendAndCollect(patternBytes(0, 1000));
    const session = await runtime.connect({ hostname: "127.0.0.1", port, tls: { insecureSkipVerify: true } }, client);
    expect(firstMismatch(await within(client.done, 5000, "insecure echo"))).toBe(-1);
    await within(session.closed, 5000, "client closed");
  });
});
