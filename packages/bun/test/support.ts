// Shared helpers of the @sansio/bun tests (run with `bun test packages/bun/test/`).

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Connection, ReadOperation, WriteOperation, WriteResult } from "@sansio/runtime-api";
import { eventually } from "@sansio/runtime-api/conformance";

export { within } from "@sansio/runtime-api/conformance";

export { type TestCertificates, testCertificates } from "../../../tests/support/certs.mjs";

/** A fresh temp directory for unix sockets; `cleanup()` removes it. */
export function unixDir(): { readonly dir: string; path(name: string): string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), "sansio-bun-"));
  return {
    dir,
    path: (name) => join(dir, `${name}.sock`),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Deterministic test bytes: byte `i` of the stream is `pattern(i)`. */
export function pattern(i: number): number {
  return (i * 7 + (i >>> 11)) & 255;
}

/** `length` pattern bytes starting at stream position `from`. */
export function patternBytes(from: number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = pattern(from + i);
  return out;
}

/** The first position where `bytes` differs from the pattern, or -1. */
export function firstMismatch(bytes: Uint8Array, from = 0): number {
  for (let i = 0; i < bytes.length; i++) if (bytes[i] !== pattern(from + i)) return i;
  return -1;
}

/** Polls `condition` (the conformance kit's bounded `eventually`) until it holds; throws after 2 s. */
export function waitFor(condition: () => boolean, what: string): Promise<void> {
  return eventually(condition, 2000, what);
}

/** The `name` of an error (sansio errors have stable names). */
export function nameOf(error: unknown): string {
  return error instanceof Error ? error.name : typeof error;
}

/**
 * Sends `total` pattern bytes in write operations of `writeSize` bytes (each split into `iovecs`
 * iovecs, so small ones get coalesced), then half-closes; reads and drops whatever comes back.
 * After each reported result it overwrites the reported bytes: a runtime that still needed them
 * would send garbage, which the peer detects.
 */
export class ScribblingSender implements Connection {
  readonly errors: unknown[] = [];
  readonly results: WriteResult[] = [];
  sent = 0;
  sawEof = false;
  readonly #buffer: Uint8Array;
  readonly #writeSize: number;
  readonly #iovecs: number;
  #closed = false;
  #inFlight: readonly Uint8Array[] = [];

  constructor(total: number, options: { writeSize?: number; iovecs?: number } = {}) {
    this.#buffer = patternBytes(0, total);
    this.#writeSize = options.writeSize ?? 1024 * 1024;
    this.#iovecs = options.iovecs ?? 1;
  }

  nextReadOperation(): ReadOperation {
    return this.sawEof || this.errors.length > 0 ? "close" : "read";
  }
  read(_buffer: Uint8Array, _offset: number, length: number): number {
    return length;
  }
  readEof(_buffer: Uint8Array, _offset: number, length: number): number {
    this.sawEof = true;
    return length;
  }
  yieldReader(): void {
    throw new Error("ScribblingSender never yields its reader");
  }
  nextWriteOperation(): WriteOperation {
    if (this.#closed || this.sent >= this.#buffer.length) return { kind: "close" };
    const end = Math.min(this.#buffer.length, this.sent + this.#writeSize);
    const iovecs: Uint8Array[] = [];
    const step = Math.max(1, Math.ceil((end - this.sent) / this.#iovecs));
    for (let at = this.sent; at < end; at += step) iovecs.push(this.#buffer.subarray(at, Math.min(end, at + step)));
    this.#inFlight = iovecs;
    return { kind: "write", iovecs };
  }
  reportWriteResult(result: WriteResult): void {
    this.results.push(result);
    if (result === "closed") {
      this.#closed = true;
      return;
    }
    this.#buffer.fill(0xee, this.sent, this.sent + result);
    this.sent += result;
    this.#inFlight = [];
  }
  yieldWriter(): void {
    throw new Error("ScribblingSender never yields its writer");
  }
  reportError(error: unknown): void {
    this.errors.push(error);
    this.#closed = true;
  }
  isClosed(): boolean {
    return this.#closed && this.sawEof;
  }
  shutdown(): void {
    this.#closed = true;
  }
  /** The iovecs of the write in flight (for debugging). */
  get inFlight(): readonly Uint8Array[] {
    return this.#inFlight;
  }
}

/** The `data` of a slow reader's socket. */
interface SlowState {
  chunks: number;
  timer?: ReturnType<typeof setTimeout>;
}

/**
 * A raw Bun peer that reads slowly: after every chunk it pauses its socket for 2 ms (for the first
 * 3,000 chunks; then it reads at full speed), collecting every byte; `done` resolves with them at EOF
 * (after answering with its own FIN).
 */
export function slowReader(options: { tls?: { cert: string; key: string } } = {}): {
  readonly port: number;
  readonly done: Promise<Uint8Array>;
  stop(): void;
} {
  const { promise: done, resolve: resolveDone } = Promise.withResolvers<Uint8Array>();
  const chunks: Uint8Array[] = [];
  let total = 0;
  const listener = Bun.listen<SlowState>({
    hostname: "127.0.0.1",
    port: 0,
    allowHalfOpen: true,
    data: { chunks: 0 },
    ...(options.tls ? { tls: options.tls } : {}),
    socket: {
      open(socket) {
        socket.data = { chunks: 0 };
      },
      data(socket, chunk) {
        chunks.push(new Uint8Array(chunk));
        total += chunk.length;
        if (++socket.data.chunks > 3000) return;
        socket.pause();
        socket.data.timer = setTimeout(() => socket.resume(), 2);
      },
      end(socket) {
        clearTimeout(socket.data.timer);
        const all = new Uint8Array(total);
        let at = 0;
        for (const chunk of chunks) {
          all.set(chunk, at);
          at += chunk.length;
        }
        resolveDone(all);
        socket.shutdown();
      },
      close(socket) {
        clearTimeout(socket.data.timer);
      },
    },
  });
  return { port: listener.port, done, stop: () => listener.stop(true) };
}
