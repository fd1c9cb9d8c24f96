import * as net from "node:net";
import * as tls from "node:tls";
import { afterEach, describe, expect, it } from "vitest";
import { runtime, type Session } from "../src/index.js";
import { bytes, StartTlsLine, text } from "./protocols.js";
import { portOf, testCertificates, within } from "./support.js";

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/** A plain-Node STARTTLS echo server: reads `STARTTLS\n`, answers `GO\n`, then echoes over TLS. */
async function nodeStartTlsServer(cert: string, key: string): Promise<{ port: number; close: () => Promise<void> }> {
  const context = tls.createSecureContext({ cert, key });
  const sockets = new Set<net.Socket>();
  const server = net.createServer({ allowHalfOpen: true }, (raw) => {
    sockets.add(raw);
    raw.on("error", () => {});
    let line = "";
    const onData = (chunk: Buffer): void => {
      line += chunk.toString("latin1");
      if (!line.includes("\n")) return;
      raw.off("data", onData);
      raw.pause();
      raw.write("GO\n", () => {
        const secure = new tls.TLSSocket(raw, { isServer: true, secureContext: context });
        secure.on("error", () => {});
        secure.on("data", (data) => secure.write(data));
        secure.on("end", () => secure.end());
      });
    };
    raw.on("data", onData);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

describe("startTls", () => {
  it("client side: upgrades a plain connection to TLS (tls.connect over the live socket) and verifies the server", async () => {
    const { ca, cert, key } = await testCertificates();
    const server = await nodeStartTlsServer(cert, key);
    cleanups.push(server.close);
    const payload = bytes("secret over STARTTLS ".repeat(2000));
    let session: Session | undefined;
    const upgraded: Promise<void>[] = [];
    const client = new StartTlsLine("client", payload, () => {
      upgraded.push(
        (session as Session).startTls({ ca, serverName: "localhost" }).then(() => {
          client.secured();
        }),
      );
    });
    session = await runtime.connect({ port: server.port }, client);
    expect(session.alpnProtocol).toBeNull();
    const echoed = await within(client.done, 10_000, "echo over TLS");
    expect(text(echoed)).toBe(text(payload));
    expect(upgraded).toHaveLength(1);
    await upgraded[0];
    await within(session.closed, 5_000, "closed");
    expect(client.errors).toEqual([]);
    await expect(session.startTls()).rejects.toMatchObject({ name: "UnsupportedError" });
  });

  it("client side: an untrusted server certificate fails startTls with ConnectionLostError and releases the session", async () => {
    const { cert, key } = await testCertificates();
    const server = await nodeStartTlsServer(cert, key);
    cleanups.push(server.close);
    let session: Session | undefined;
    const outcomes: Promise<unknown>[] = [];
    const client = new StartTlsLine("client", bytes("never sent"), () => {
      outcomes.push((session as Session).startTls().catch((error: unknown) => error));
    });
    session = await runtime.connect({ port: server.port }, client);
    await within(session.closed, 5_000, "session released");
    expect(outcomes).toHaveLength(1);
    const error = await outcomes[0];
    expect(error).toMatchObject({ name: "ConnectionLostError", code: "CERT_UNTRUSTED" });
    expect(client.errors[0]).toMatchObject({ name: "ConnectionLostError" });
  });

  it("both sides: a sansio server upgrades with { isServer: true } while the client upgrades, with ALPN", async () => {
    const { ca, cert, key } = await testCertificates();
    const serverUpgrades: Promise<void>[] = [];
    const servers: StartTlsLine[] = [];
    const serverAlpn: (string | null)[] = [];
    const listener = await runtime.listen({}, (serverSession) => {
      const line: StartTlsLine = new StartTlsLine("server", new Uint8Array(0), () => {
        serverUpgrades.push(
          serverSession.startTls({ isServer: true, cert, key, alpnProtocols: ["line/1"] }).then(() => {
            serverAlpn.push(serverSession.alpnProtocol);
            line.secured();
          }),
        );
      });
      servers.push(line);
      return line;
    });
    cleanups.push(() => listener.close());

    const payload = bytes("both ends are sansio ".repeat(5000));
    let session: Session | undefined;
    const client = new StartTlsLine("client", payload, () => {
      void (session as Session).startTls({ ca, alpnProtocols: ["line/1"] }).then(() => client.secured());
    });
    session = await runtime.connect({ port: portOf(listener) }, client);
    const echoed = await within(client.done, 10_000, "echo over server-side STARTTLS");
    expect(text(echoed)).toBe(text(payload));
    expect(session.alpnProtocol).toBe("line/1");
    await Promise.all(serverUpgrades);
    expect(serverAlpn).toEqual(["line/1"]);
    await within(session.closed, 5_000, "client closed");
    expect(servers[0]?.errors).toEqual([]);
    expect(client.errors).toEqual([]);
  });
});
