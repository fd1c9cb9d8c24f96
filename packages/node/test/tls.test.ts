import * as net from "node:net";
import { join } from "node:path";
import { ConnectionLostError } from "@sansio/runtime-api";
import { EchoConnection, Exchange, SendAndCollect } from "@sansio/runtime-api/conformance";
import { afterEach, describe, expect, it } from "vitest";
import { runtime } from "../src/index.js";
import { bytes, GreetThenListen, received, text } from "./protocols.js";
import { portOf, tempDir, testCertificates, until, within } from "./support.js";

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

describe("TLS", () => {
  it("echoes over TLS with generated certificates and negotiates ALPN (server preference)", async () => {
    const { ca, cert, key } = await testCertificates();
    const serverAlpn: (string | null)[] = [];
    const listener = await runtime.listen({ tls: { cert, key, alpnProtocols: ["h2", "echo/1"] } }, (session) => {
      serverAlpn.push(session.alpnProtocol);
      return new EchoConnection();
    });
    cleanups.push(() => listener.close());
    const data = new Uint8Array(500_000).map((_, i) => i % 251);
    const client = new SendAndCollect(data);
    const session = await runtime.connect(
      { port: portOf(listener), tls: { ca, alpnProtocols: ["echo/1", "h2"] } },
      client,
    );
    expect(session.alpnProtocol).toBe("h2");
    const echoed = await within(client.done, 10_000, "TLS echo");
    expect(Buffer.from(echoed).equals(Buffer.from(data))).toBe(true);
    await within(session.closed, 5_000, "client closed");
    expect(serverAlpn).toEqual(["h2"]);
    expect(client.errors).toEqual([]);
  });

  it("verifies the certificate by host name (localhost, with SNI) and by IP (127.0.0.1)", async () => {
    const { ca, cert, key } = await testCertificates();
    const listener = await runtime.listen({ tls: { cert, key } }, () => new EchoConnection());
    cleanups.push(() => listener.close());
    for (const hostname of ["127.0.0.1", "localhost"]) {
      const client = new SendAndCollect(bytes(`hello ${hostname}`));
      await runtime.connect({ hostname, port: portOf(listener), tls: { ca } }, client);
      expect(text(await within(client.done, 5_000, hostname))).toBe(`hello ${hostname}`);
    }
  });

  it("rejects an untrusted certificate by default with ConnectionLostError, and the server keeps serving", async () => {
    const { ca, cert, key } = await testCertificates();
    const listener = await runtime.listen({ tls: { cert, key } }, () => new EchoConnection());
    cleanups.push(() => listener.close());
    const untrusted = await runtime
      .connect({ port: portOf(listener), tls: true }, new EchoConnection())
      .catch((error: unknown) => error);
    expect(untrusted).toBeInstanceOf(ConnectionLostError);
    expect((untrusted as ConnectionLostError).code).toBe("CERT_UNTRUSTED");
    expect((untrusted as Error).cause).toBeInstanceOf(Error);

    const wrongName = await runtime
      .connect({ port: portOf(listener), tls: { ca, serverName: "example.com" } }, new EchoConnection())
      .catch((error: unknown) => error);
    expect(wrongName).toBeInstanceOf(ConnectionLostError);
    expect((wrongName as ConnectionLostError).code).toBe("ERR_TLS_CERT_ALTNAME_INVALID");

    const client = new SendAndCollect(bytes("still here"));
    await runtime.connect({ port: portOf(listener), tls: { ca } }, client);
    expect(text(await within(client.done, 5_000, "echo after failures"))).toBe("still here");
    await until(() => listener.connections === 0, 5_000, "no sessions left");
  });

  it("serves TLS over a unix socket", async () => {
    const { ca, cert, key } = await testCertificates();
    const dir = tempDir();
    cleanups.push(dir.remove);
    const path = join(dir.path, "tls.sock");
    const listener = await runtime.listen({ path, tls: { cert, key } }, () => new EchoConnection());
    cleanups.push(() => listener.close());
    const client = new SendAndCollect(bytes("tls over unix"));
    await runtime.connect({ path, tls: { ca, serverName: "localhost" } }, client);
    expect(text(await within(client.done, 5_000, "echo"))).toBe("tls over unix");
  });

  it("insecureSkipVerify connects to an untrusted server", async () => {
    const { cert, key } = await testCertificates();
    const listener = await runtime.listen({ tls: { cert, key } }, () => new EchoConnection());
    cleanups.push(() => listener.close());
    const client = new SendAndCollect(bytes("unverified"));
    await runtime.connect({ port: portOf(listener), tls: { insecureSkipVerify: true } }, client);
    expect(text(await within(client.done, 5_000, "echo"))).toBe("unverified");
  });

  it("half-closes over TLS: the server replies after the client's close_notify/FIN", async () => {
    const { ca, cert, key } = await testCertificates();
    const server = new Exchange({ send: [[bytes("reply after your FIN")]], sendAfterEof: true });
    const listener = await runtime.listen({ tls: { cert, key } }, () => server);
    cleanups.push(() => listener.close());
    const client = new SendAndCollect(bytes("request"));
    await runtime.connect({ port: portOf(listener), tls: { ca } }, client);
    expect(text(await within(client.done, 5_000, "reply"))).toBe("reply after your FIN");
    expect(text(await received(server))).toBe("request");
  });

  it("half-closes over TLS the other way: the client replies after the server's FIN", async () => {
    const { ca, cert, key } = await testCertificates();
    const server = new GreetThenListen(bytes("hello, then FIN"));
    const listener = await runtime.listen({ tls: { cert, key } }, () => server);
    cleanups.push(() => listener.close());
    const client = new Exchange({ send: [[bytes("answer after FIN")]], sendAfterEof: true });
    const session = await runtime.connect({ port: portOf(listener), tls: { ca } }, client);
    expect(text(await within(received(client), 5_000, "greeting"))).toBe("hello, then FIN");
    expect(text(await within(received(server), 5_000, "answer"))).toBe("answer after FIN");
    await within(session.closed, 5_000, "closed");
    expect(server.errors).toEqual([]);
    expect(client.errors).toEqual([]);
  });

  it("a client that never finishes its handshake is dropped when the listener closes", async () => {
    const { cert, key } = await testCertificates();
    const listener = await runtime.listen({ tls: { cert, key } }, () => new EchoConnection());
    const silent = net.connect({ host: "127.0.0.1", port: portOf(listener) });
    silent.on("error", () => {});
    const closed = new Promise<void>((resolve) => silent.once("close", () => resolve()));
    await new Promise<void>((resolve) => silent.once("connect", () => resolve()));
    await within(listener.close(), 5_000, "listener close");
    await within(closed, 5_000, "handshaking socket dropped");
  });
});
