// Helpers for the Node adapter's tests: certificates, raw Node peers, bounded waits.
import { mkdtempSync, rmSync } from "node:fs";
import * as net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Address, Listener } from "@sansio/runtime-api";

export { eventually as until, within } from "@sansio/runtime-api/conformance";
export { testCertificates } from "../../../tests/support/certs.mjs";

/** The TCP port of a listener. */
export function portOf(listener: Listener): number {
  const address: Address = listener.address;
  if (address.transport !== "tcp") throw new Error("not a TCP listener");
  return address.port;
}

/** A fresh temporary directory (for unix sockets); `remove()` deletes it. */
export function tempDir(): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), "sansio-node-"));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** A raw Node client socket that records what it receives and how it ended. */
export interface RawPeer {
  readonly socket: net.Socket;
  readonly received: () => Buffer;
  /** Resolves once the peer sent FIN (or the socket closed). */
  readonly ended: Promise<void>;
  /** Resolves once the socket closed; `hadError` says whether it was an error. */
  readonly closed: Promise<{ hadError: boolean }>;
}

/** Connects a raw Node socket (half-open) to `port` on 127.0.0.1. */
export async function rawConnect(port: number): Promise<RawPeer> {
  const socket = net.connect({ host: "127.0.0.1", port, allowHalfOpen: true });
  const chunks: Buffer[] = [];
  socket.on("data", (chunk: Buffer) => chunks.push(chunk));
  socket.on("error", () => {});
  const ended = new Promise<void>((resolve) => {
    socket.once("end", resolve);
    socket.once("close", () => resolve());
  });
  const closed = new Promise<{ hadError: boolean }>((resolve) =>
    socket.once("close", (hadError) => resolve({ hadError })),
  );
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("error", reject);
  });
  return { socket, received: () => Buffer.concat(chunks), ended, closed };
}
