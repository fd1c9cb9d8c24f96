import * as http from "node:http";
import * as https from "node:https";
import * as net from "node:net";
import * as tls from "node:tls";
import { EchoConnection } from "@sansio/runtime-api/conformance";
import { afterEach, describe, expect, it } from "vitest";
import { drive, runtime, type Session } from "../src/index.js";
import { bytes, StartTlsLine, text } from "./protocols.js";
import { rawConnect, testCertificates, until, within } from "./support.js";

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

describe("drive()", () => {
  it("drives the socket of an HTTP upgrade: head bytes first, then the rest, half-close included", async () => {
    const heads: number[] = [];
    const sessions: Session[] = [];
    const echoes: EchoConnection[] = [];
    const server = http.createServer((_req, res) => res.end("no upgrade"));
    server.on("upgrade", (_req: http.IncomingMessage, socket: net.Socket, head: Buffer) => {
      heads.push(head.length);
      socket.write("HTTP/1.1 101 Switching Protocols\r\nUpgrade: echo\r\nConnection: Upgrade\r\n\r\n");
      const echo = new EchoConnection();
      echoes.push(echo);
      sessions.push(drive(socket, echo, { head }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const port = (server.address() as net.AddressInfo).port;

    const peer = await rawConnect(port);
    // Request and the first protocol bytes in one write: the server sees them as the upgrade's head.
    peer.socket.write("GET /echo HTTP/1.1\r\nHost: x\r\nUpgrade: echo\r\nConnection: Upgrade\r\n\r\nHEAD-BYTES;");
    const response = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: echo\r\nConnection: Upgrade\r\n\r\n";
    await until(() => peer.received().toString().startsWith(`${response}HEAD-BYTES;`), 5_000, "the echo of the head");
    peer.socket.end("AFTER");
    await within(peer.ended, 5_000, "echo FIN");
    expect(peer.received().toString()).toBe(`${response}HEAD-BYTES;AFTER`);
    expect(heads).toEqual(["HEAD-BYTES;".length]);
    await within(sessions[0]?.closed as Promise<void>, 5_000, "session closed");
    expect(echoes[0]?.errors).toEqual([]);
    expect(sessions[0]?.remote.transport).toBe("tcp");
    expect(sessions[0]?.alpnProtocol).toBeNull();
  });

  it("session.close() tears a driven socket down and the peer sees it", async () => {
    const sessions: Session[] = [];
    const server = http.createServer();
    server.on("upgrade", (_req: http.IncomingMessage, socket: net.Socket, head: Buffer) => {
      sessions.push(drive(socket, new EchoConnection(), { head }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const peer = await rawConnect((server.address() as net.AddressInfo).port);
    peer.socket.write("GET / HTTP/1.1\r\nHost: x\r\nUpgrade: echo\r\nConnection: Upgrade\r\n\r\n");
    await until(() => sessions.length > 0, 5_000, "the upgrade was driven");
    (sessions[0] as Session).close();
    await within((sessions[0] as Session).closed, 5_000, "session closed");
    await within(peer.ended, 5_000, "peer saw the close");
  });

  it("drives the TLS socket of an HTTPS upgrade (already secure: no STARTTLS)", async () => {
    const { ca, cert, key } = await testCertificates();
    const sessions: Session[] = [];
    const server = https.createServer({ cert, key });
    server.on("upgrade", (_req: http.IncomingMessage, socket: tls.TLSSocket, head: Buffer) => {
      socket.write("HTTP/1.1 101 Switching Protocols\r\nUpgrade: echo\r\nConnection: Upgrade\r\n\r\n");
      sessions.push(drive(socket, new EchoConnection(), { head }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const port = (server.address() as net.AddressInfo).port;
    const client = tls.connect({ host: "127.0.0.1", port, ca, allowHalfOpen: true } as tls.ConnectionOptions);
    client.on("error", () => {});
    const chunks: Buffer[] = [];
    client.on("data", (chunk: Buffer) => chunks.push(chunk));
    const ended = new Promise<void>((resolve) => client.once("end", () => resolve()));
    await new Promise<void>((resolve) => client.once("secureConnect", () => resolve()));
    client.write("GET / HTTP/1.1\r\nHost: x\r\nUpgrade: echo\r\nConnection: Upgrade\r\n\r\nsecure-head;");
    await until(() => sessions.length > 0, 5_000, "the upgrade was driven");
    client.end("secure-tail");
    await within(ended, 5_000, "echo FIN");
    expect(Buffer.concat(chunks).toString()).toMatch(/\r\n\r\nsecure-head;secure-tail$/);
    const session = sessions[0] as Session;
    await within(session.closed, 5_000, "session closed");
    await expect(session.startTls()).rejects.toMatchObject({ name: "UnsupportedError" });
    client.destroy();
  });

  it("server-side STARTTLS on a driven socket; the raw socket is released with the TLS one", async () => {
    const { ca, cert, key } = await testCertificates();
    const raws: net.Socket[] = [];
    const lines: StartTlsLine[] = [];
    const sessions: Session[] = [];
    const server = net.createServer((socket) => {
      raws.push(socket);
      let session: Session | undefined;
      const line: StartTlsLine = new StartTlsLine("server", new Uint8Array(0), () => {
        void (session as Session).startTls({ isServer: true, cert, key }).then(() => line.secured());
      });
      lines.push(line);
      session = drive(socket, line);
      sessions.push(session);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const port = (server.address() as net.AddressInfo).port;

    let clientSession: Session | undefined;
    const client = new StartTlsLine("client", bytes("through a driven socket"), () => {
      void (clientSession as Session).startTls({ ca }).then(() => client.secured());
    });
    clientSession = await runtime.connect({ port }, client);
    expect(text(await within(client.done, 5_000, "echo"))).toBe("through a driven socket");
    await within((sessions[0] as Session).closed, 5_000, "server session closed");
    expect(lines[0]?.errors).toEqual([]);
    expect(raws[0]?.destroyed).toBe(true);
  });
});
