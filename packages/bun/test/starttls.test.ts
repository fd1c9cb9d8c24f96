import { describe, expect, test } from "bun:test";
import * as net from "node:net";
import * as tls from "node:tls";
import { ConnectionLostError, type Session, type StartTlsOptions, UnsupportedError } from "@sansio/runtime-api";
import { EchoConnection, SendAndCollect, StartTlsClient } from "@sansio/runtime-api/conformance";
import { runtime } from "../src/index.js";
import { firstMismatch, patternBytes, type TestCertificates, testCertificates, within } from "./support.js";

/**
 * A STARTTLS echo server on node:net / node:tls (running inside Bun): it reads `STARTTLS\n`, answers
 * `GO\n`, runs the server side of the handshake on the same socket, then echoes and closes after EOF.
 */
async function startTlsServer(options: { cert: string; key: string; alpn?: string[] }): Promise<{
  readonly port: number;
  readonly alpn: (string | false | null)[];
  close(): void;
}> {
  const alpn: (string | false | null)[] = [];
  const server = net.createServer({ allowHalfOpen: true }, (socket) => {
    let line = "";
    const onData = (chunk: Buffer): void => {
      line += chunk.toString("latin1");
      if (!line.endsWith("\n")) return;
      socket.off("data", onData);
      socket.pause();
      socket.write("GO\n", () => {
        const secure = new tls.TLSSocket(socket, {
          isServer: true,
          cert: options.cert,
          key: options.key,
          ...(options.alpn ? { ALPNProtocols: options.alpn } : {}),
        });
        secure.on("secure", () => alpn.push(secure.alpnProtocol ?? null));
        secure.on("data", (data: Buffer) => secure.write(data));
        secure.on("end", () => secure.end());
        secure.on("error", () => secure.destroy());
      });
    };
    socket.on("data", onData);
    socket.on("error", () => socket.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address() as net.AddressInfo;
  return { port: address.port, alpn, close: () => server.close() };
}

/**
 * Connects a STARTTLS client to {@link startTlsServer} and upgrades with `options`, a handshake expected
 * to fail: resolves, once the session is released, with the error `startTls` rejected with and the client.
 */
async function refusedUpgrade(
  options: (pems: TestCertificates) => StartTlsOptions,
): Promise<{ readonly error: unknown; readonly client: StartTlsClient }> {
  const pems = await testCertificates();
  const server = await startTlsServer({ cert: pems.cert, key: pems.key });
  try {
    let session: Session | undefined;
    let error: unknown;
    const client = new StartTlsClient(patternBytes(0, 100), () => {
      if (!session) return Promise.reject(new Error("no session yet"));
      return session.startTls(options(pems)).catch((thrown: unknown) => {
        error = thrown;
        throw thrown;
      });
    });
    session = await runtime.connect({ port: server.port }, client);
    await within(session.closed, 10_000, "session closed after the refused handshake");
    return { error, client };
  } finally {
    server.close();
  }
}

describe("STARTTLS", () => {
  test("client: upgrades a live plain connection in place, with ALPN", async () => {
    const pems = await testCertificates();
    const server = await startTlsServer({ cert: pems.cert, key: pems.key, alpn: ["sansio"] });
    try {
      const payload = patternBytes(1, 256 * 1024);
      let session: Session | undefined;
      const client = new StartTlsClient(payload, () => {
        if (!session) return Promise.reject(new Error("no session yet"));
        return session.startTls({ ca: pems.ca, alpnProtocols: ["sansio"] });
      });
      session = await runtime.connect({ port: server.port }, client);
      expect(session.alpnProtocol).toBeNull();
      await within(client.finished, 10_000, "echo after STARTTLS");
      expect(client.errors).toEqual([]);
      const echoed = client.echo.bytes();
      expect(echoed.length).toBe(payload.length);
      expect(firstMismatch(echoed, 1)).toBe(-1);
      expect(session.alpnProtocol).toBe("sansio");
      expect(server.alpn).toEqual(["sansio"]);
      await within(session.closed, 5000, "session closed");
    } finally {
      server.close();
    }
  });

  test("client: an untrusted certificate rejects startTls and releases the socket", async () => {
    const { error, client } = await refusedUpgrade(() => ({}));
    expect(error).toBeInstanceOf(ConnectionLostError);
    expect((error as ConnectionLostError).code).toBe("CERT_UNTRUSTED");
    expect(client.errors.length).toBeGreaterThan(0);
  });

  test("client: a certificate for another name rejects startTls", async () => {
    const { error } = await refusedUpgrade((pems) => ({ ca: pems.ca, serverName: "example.com" }));
    expect(error).toBeInstanceOf(ConnectionLostError);
    expect((error as ConnectionLostError).code).toBe("ERR_TLS_CERT_ALTNAME_INVALID");
  });

  test("client: insecureSkipVerify upgrades despite an unknown CA and another name, as on Node", async () => {
    const pems = await testCertificates();
    const server = await startTlsServer({ cert: pems.cert, key: pems.key });
    try {
      const payload = patternBytes(2, 4096);
      let session: Session | undefined;
      const client = new StartTlsClient(payload, () => {
        if (!session) return Promise.reject(new Error("no session yet"));
        return session.startTls({ serverName: "example.com", insecureSkipVerify: true });
      });
      session = await runtime.connect({ port: server.port }, client);
      await within(client.finished, 10_000, "echo after an unverified STARTTLS");
      expect(client.errors).toEqual([]);
      expect(firstMismatch(client.echo.bytes(), 2)).toBe(-1);
      expect(client.echo.bytes().length).toBe(payload.length);
      await within(session.closed, 5000, "session closed");
    } finally {
      server.close();
    }
  });

  test("server side: startTls is UnsupportedError and the plain connection carries on", async () => {
    const pems = await testCertificates();
    const outcomes: unknown[] = [];
    await using listener = await runtime.listen({ port: 0 }, (session) => {
      session.startTls({ isServer: true, cert: pems.cert, key: pems.key }).then(
        () => outcomes.push("upgraded"),
        (error: unknown) => outcomes.push(error),
      );
      return new EchoConnection();
    });
    if (listener.address.transport !== "tcp") throw new Error("expected TCP");
    const client = new SendAndCollect(patternBytes(0, 10_000));
    const session = await runtime.connect({ port: listener.address.port }, client);
    const echoed = await within(client.done, 5000, "plain echo");
    expect(echoed.length).toBe(10_000);
    expect(firstMismatch(echoed)).toBe(-1);
    expect(outcomes.length).toBe(1);
    expect(outcomes[0]).toBeInstanceOf(UnsupportedError);
    await within(session.closed, 5000, "session closed");
  });

  test("client side: startTls({ isServer: true }) is UnsupportedError and leaves the session alone", async () => {
    const pems = await testCertificates();
    await using listener = await runtime.listen({ port: 0 }, () => new EchoConnection());
    if (listener.address.transport !== "tcp") throw new Error("expected TCP");
    const client = new SendAndCollect(patternBytes(0, 10_000));
    const session = await runtime.connect({ port: listener.address.port }, client);
    const error = await session.startTls({ isServer: true, cert: pems.cert, key: pems.key }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UnsupportedError);
    const echoed = await within(client.done, 5000, "plain echo");
    expect(firstMismatch(echoed)).toBe(-1);
    expect(client.errors).toEqual([]);
    await within(session.closed, 5000, "session closed");
  });

  test("a TLS session cannot startTls again", async () => {
    const pems = await testCertificates();
    await using listener = await runtime.listen(
      { port: 0, tls: { cert: pems.cert, key: pems.key } },
      () => new EchoConnection(),
    );
    if (listener.address.transport !== "tcp") throw new Error("expected TCP");
    const client = new SendAndCollect(patternBytes(0, 10));
    const session = await runtime.connect({ port: listener.address.port, tls: { ca: pems.ca } }, client);
    const error = await session.startTls({ ca: pems.ca }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UnsupportedError);
    await within(client.done, 5000, "echo still works");
    await within(session.closed, 5000, "session closed");
  });
});
