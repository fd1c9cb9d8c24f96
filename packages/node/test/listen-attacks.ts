// Attacks on a listener's limits, as plain async functions that throw on failure, so the Node, Bun and
// Deno tests run the very same code over real loopback sockets. The peers are raw `node:net` / `node:tls`
// sockets (Bun and Deno have both), so they do not go through the adapter under test.
import { existsSync, readdirSync } from "node:fs";
import * as net from "node:net";
import * as tls from "node:tls";
import type { Listener, Runtime } from "@sansio/runtime-api";
import { check, EchoConnection, eventually, within } from "@sansio/runtime-api/conformance";

const LIMIT_MS = 10_000;

/** Open file descriptors of this process, or `undefined` where /proc is absent (not Linux). */
export function openDescriptors(): number | undefined {
  return existsSync("/proc/self/fd") ? readdirSync("/proc/self/fd").length : undefined;
}

/** A raw half-open client: what it received, and when the server ended it (FIN or reset). */
export interface RawClient {
  readonly socket: net.Socket;
  readonly received: () => string;
  readonly ended: Promise<void>;
}

/** Connects a raw half-open client to 127.0.0.1:`port`. */
export async function rawClient(port: number): Promise<RawClient> {
  const socket = net.connect({ host: "127.0.0.1", port, allowHalfOpen: true });
  let text = "";
  socket.on("data", (chunk: Buffer) => {
    text += chunk.toString();
  });
  socket.on("error", () => {});
  const ended = new Promise<void>((resolve) => {
    socket.once("end", resolve);
    socket.once("close", () => resolve());
  });
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("error", reject);
  });
  return { socket, received: () => text, ended };
}

/** A `node:tls` client trusting `ca` that sends `message` (then FIN) once secure; `ended` settles on EOF, error or close. */
function tlsClient(
  port: number,
  ca: string,
  message?: string,
): { socket: tls.TLSSocket; received: () => string; ended: Promise<void> } {
  const socket = tls.connect({ host: "127.0.0.1", port, ca, servername: "localhost" });
  let text = "";
  socket.on("data", (chunk: Buffer) => {
    text += chunk.toString();
  });
  if (message !== undefined) socket.once("secureConnect", () => socket.end(message));
  const ended = new Promise<void>((resolve) => {
    socket.once("end", resolve);
    socket.once("error", () => resolve());
    socket.once("close", () => resolve());
  });
  return { socket, received: () => text, ended };
}

/** The TCP port of a listener. */
export function portOf(listener: Listener): number {
  if (listener.address.transport !== "tcp") throw new Error("expected a TCP listener");
  return listener.address.port;
}

function sameCounters(listener: Listener, accepted: number, rejected: number): void {
  const c = listener.counters;
  check(
    c.accepted === accepted && c.rejected === rejected,
    `counters are ${JSON.stringify(c)}, expected ${JSON.stringify({ accepted, rejected })}`,
  );
}

/**
 * maxConnections 2, then 30 raw sockets that each send a few bytes: every one is ended by the server
 * without a byte of echo and counted; the two held sockets keep echoing; once one of them ends, a new
 * socket is served; after close, the process has no more descriptors than before.
 */
export async function floodPastMaxConnections(runtime: Runtime): Promise<void> {
  const before = openDescriptors();
  const listener = await runtime.listen({ maxConnections: 2 }, () => new EchoConnection());
  const port = portOf(listener);
  const held = [await rawClient(port), await rawClient(port)];
  await eventually(() => listener.connections === 2, LIMIT_MS, "two sessions");
  const flood = await Promise.all(Array.from({ length: 30 }, () => rawClient(port)));
  for (const peer of flood) peer.socket.write("ignored");
  await within(Promise.all(flood.map((peer) => peer.ended)), LIMIT_MS, "every rejected socket ended by the server");
  check(
    flood.every((peer) => peer.received() === ""),
    "a socket past maxConnections got an echo",
  );
  for (const peer of flood) peer.socket.destroy();
  sameCounters(listener, 2, 30);
  for (const [i, peer] of held.entries()) {
    peer.socket.write(`still here ${i}`);
    await eventually(() => peer.received() === `still here ${i}`, LIMIT_MS, `echo on held socket ${i}`);
  }
  held[0]?.socket.end();
  await eventually(() => listener.connections === 1, LIMIT_MS, "the ended session released");
  const next = await rawClient(port);
  next.socket.end("accepted again");
  await within(next.ended, LIMIT_MS, "echo and EOF below the limit again");
  check(next.received() === "accepted again", `below the limit again the echo was "${next.received()}"`);
  sameCounters(listener, 3, 30);
  for (const peer of [...held, next]) peer.socket.destroy();
  await listener.close({ timeout: 1000 });
  if (before !== undefined) {
    await eventually(
      () => (openDescriptors() ?? 0) <= before,
      LIMIT_MS,
      `descriptors back to ${before} (now ${openDescriptors()})`,
    );
  }
}

/**
 * maxConnections 2 over TLS: two sockets that never finish a handshake hold both places (a TLS client
 * past them is ended at once), one whose handshake fails gives its place back, and a TLS client is then
 * served. (Deno cannot close a TLS conn whose handshake never started: a silent peer past the limit keeps
 * its descriptor until it leaves, so the rejected peer here speaks TLS.)
 */
export async function tlsHandshakesHoldPlaces(
  runtime: Runtime,
  certs: { readonly ca: string; readonly cert: string; readonly key: string },
): Promise<void> {
  const listener = await runtime.listen(
    { maxConnections: 2, tls: { cert: certs.cert, key: certs.key } },
    () => new EchoConnection(),
  );
  const peers: net.Socket[] = [];
  try {
    const port = portOf(listener);
    const silent = [await rawClient(port), await rawClient(port)];
    peers.push(...silent.map((peer) => peer.socket));
    await eventually(() => listener.counters.accepted === 2, LIMIT_MS, "two admitted handshakes");
    check(listener.connections === 0, "a socket in its handshake already counts as a session");
    // A real TLS client past the limit is ended at once (Deno first completes its handshake, then ends it).
    const third = tlsClient(port, certs.ca);
    peers.push(third.socket);
    await within(third.ended, LIMIT_MS, "the third (TLS) socket ended at once");
    check(third.received() === "", "a TLS socket past maxConnections got an echo");
    sameCounters(listener, 2, 1);
    // A failed handshake (bytes that are not TLS) gives its place back before the server ends it.
    silent[0]?.socket.write("not TLS\r\n\r\n");
    await within(silent[0]?.ended as Promise<void>, LIMIT_MS, "the failed handshake ended by the server");
    const client = tlsClient(port, certs.ca, "over TLS");
    peers.push(client.socket);
    await within(client.ended, LIMIT_MS, "TLS echo once a place is free");
    check(client.received() === "over TLS", `the TLS echo was "${client.received()}"`);
    sameCounters(listener, 3, 1);
  } finally {
    for (const socket of peers) socket.destroy();
    await listener.close({ timeout: 100 });
  }
}

/** Two listeners with reusePort share a port, and a third without it is refused. */
export async function reusePortShares(runtime: Runtime): Promise<void> {
  const never = (): EchoConnection => new EchoConnection();
  const first = await runtime.listen({ reusePort: true }, never);
  try {
    const second = await runtime.listen({ reusePort: true, port: portOf(first) }, never);
    try {
      check(portOf(second) === portOf(first), "the second reusePort listener is on another port");
      const third = await runtime.listen({ port: portOf(first) }, never).then(
        (listener) => listener.close().then(() => "bound"),
        (error: unknown) => (error instanceof Error ? error.name : String(error)),
      );
      check(third === "ConnectionLostError", `a listener without reusePort on the shared port: ${third}`);
    } finally {
      await second.close();
    }
  } finally {
    await first.close();
  }
}
