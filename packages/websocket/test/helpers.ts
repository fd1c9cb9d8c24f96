import { type ChildProcess, spawn } from "node:child_process";
import type { EventEmitter } from "node:events";
import type { Connection, ReadOperation, WriteOperation, WriteResult } from "@sansio/runtime-api";
import { createMemoryRuntime, type MemoryRuntimeOptions } from "@sansio/runtime-api/testing";
import type { DeflateParams } from "../src/deflate-params.js";
import { encodeFrameHeader, parseFrameHeader } from "../src/frame-header.js";
import { maskInPlace } from "../src/mask.js";
import type { WebSocketOptions } from "../src/options.js";
import { WebSocketConnection } from "../src/websocket-connection.js";

/** Chunkings every connection test runs at: one byte at a time, small odd sizes, seeded random, whole. */
export const CHUNKINGS: ReadonlyArray<[string, MemoryRuntimeOptions]> = [
  ["1-byte reads", { readSize: 1, writeSize: 3 }],
  ["7-byte reads", { readSize: 7, writeSize: "random", seed: 3 }],
  ["random reads and writes", { readSize: "random", writeSize: "random", seed: 11, delays: true }],
  ["whole chunks", {}],
];

export const DEFLATE: DeflateParams = {
  serverNoContextTakeover: false,
  clientNoContextTakeover: false,
  serverMaxWindowBits: 15,
  clientMaxWindowBits: 15,
};

/** A server and a client WebSocketConnection talking over the in-memory runtime (no HTTP handshake). */
export async function connectedPair(
  memoryOptions: MemoryRuntimeOptions,
  options: { server?: WebSocketOptions; client?: WebSocketOptions; deflate?: DeflateParams | null } = {},
): Promise<{ server: WebSocketConnection; client: WebSocketConnection }> {
  const memory = createMemoryRuntime(memoryOptions);
  const deflate = options.deflate ?? null;
  let server: WebSocketConnection | undefined;
  await memory.listen({ port: 80 }, () => {
    server = new WebSocketConnection({ role: "server", deflate }, options.server);
    return server;
  });
  const client = new WebSocketConnection({ role: "client", deflate }, options.client);
  await memory.connect({ port: 80 }, client);
  for (let i = 0; i < 100 && server === undefined; i++) await new Promise((r) => setTimeout(r, 1));
  if (server === undefined) throw new Error("the server connection was not made");
  return { server, client };
}

/** A peer that sends scripted bytes and records everything it receives, until EOF. */
export class RawPeer implements Connection {
  readonly received: Uint8Array[] = [];
  readonly eof: Promise<void>;
  #eof = false;
  #resolveEof!: () => void;
  #queue: Uint8Array[] = [];
  #ending = false;
  #ended = false;
  #writeResume: (() => void) | undefined;

  readonly #endOnEof: boolean;

  /** `endOnEof: false` keeps the write side open after the other side's FIN (a peer that never answers). */
  constructor(options: { endOnEof?: boolean } = {}) {
    this.#endOnEof = options.endOnEof ?? true;
    this.eof = new Promise((resolve) => {
      this.#resolveEof = resolve;
    });
  }

  /** Queues bytes to send. */
  send(...chunks: Uint8Array[]): void {
    this.#queue.push(...chunks.filter((c) => c.length > 0));
    this.#wake();
  }

  /** Sends FIN after what is queued. */
  end(): void {
    this.#ending = true;
    this.#wake();
  }

  /** Everything received so far, as one array. */
  bytes(): Uint8Array {
    return new Uint8Array(Buffer.concat(this.received));
  }

  nextReadOperation(): ReadOperation {
    return this.#eof ? "close" : "read";
  }
  read(buffer: Uint8Array, offset: number, length: number): number {
    this.received.push(buffer.slice(offset, offset + length));
    return length;
  }
  readEof(buffer: Uint8Array, offset: number, length: number): number {
    this.read(buffer, offset, length);
    this.#eof = true;
    this.#resolveEof();
    // Stop writing too once the other side has closed (unless told to stay silent and open).
    if (this.#endOnEof) {
      this.#ending = true;
      this.#wake();
    }
    return length;
  }
  yieldReader(): void {}
  nextWriteOperation(): WriteOperation {
    if (this.#queue.length > 0) return { kind: "write", iovecs: [...this.#queue] };
    if (this.#ending) {
      this.#ended = true;
      return { kind: "close" };
    }
    return { kind: "yield" };
  }
  reportWriteResult(result: WriteResult): void {
    if (result === "closed") {
      this.#queue = [];
      this.#ending = true;
      return;
    }
    let n = result;
    while (n > 0) {
      const first = this.#queue[0] as Uint8Array;
      if (n >= first.length) {
        n -= first.length;
        this.#queue.shift();
      } else {
        this.#queue[0] = first.subarray(n);
        n = 0;
      }
    }
  }
  yieldWriter(resume: () => void): void {
    this.#writeResume = resume;
    if (this.#queue.length > 0 || this.#ending) this.#wake();
  }
  reportError(): void {
    this.#eof = true;
    this.#resolveEof();
  }
  isClosed(): boolean {
    return this.#eof && this.#ended;
  }
  shutdown(): void {
    this.end();
  }
  #wake(): void {
    const resume = this.#writeResume;
    this.#writeResume = undefined;
    resume?.();
  }
}

/** A frame as the tests write and read them. */
export interface TestFrame {
  readonly opcode: number;
  readonly payload: Uint8Array;
  readonly fin?: boolean;
  readonly rsv?: number;
}

/** Encodes a frame as a client would (masked with a fixed key) or a server (unmasked). */
export function frame(f: TestFrame, masked = true): Uint8Array {
  const mask = masked ? 0x12345678 : null;
  const header = encodeFrameHeader({
    fin: f.fin ?? true,
    rsv: f.rsv ?? 0,
    opcode: f.opcode,
    mask,
    length: f.payload.length,
  });
  const payload = new Uint8Array(f.payload); // a copy (Buffer.prototype.slice would share memory)
  if (mask !== null) maskInPlace(payload, 0, payload.length, mask, 0);
  return new Uint8Array(Buffer.concat([header, payload]));
}

/**
 * Splits received bytes into frames (no rule checks; unmasks when masked). Trailing partial bytes, or
 * bytes from an unreadable header on, are returned as `rest`.
 */
export function decodeFrames(bytes: Uint8Array): { frames: Array<Required<TestFrame>>; rest: number } {
  const frames: Array<Required<TestFrame>> = [];
  let p = 0;
  for (;;) {
    let parsed: ReturnType<typeof parseFrameHeader>;
    try {
      parsed = parseFrameHeader(bytes, p, bytes.length);
    } catch {
      break; // a length no frame can have
    }
    if (parsed.kind !== "header" || bytes.length - p - parsed.size < parsed.header.length) break;
    const { header, size } = parsed;
    const payload = bytes.slice(p + size, p + size + header.length);
    if (header.mask !== null) maskInPlace(payload, 0, payload.length, header.mask, 0);
    frames.push({ opcode: header.opcode, payload, fin: header.fin, rsv: header.rsv });
    p += size + header.length;
  }
  return { frames, rest: bytes.length - p };
}

export const text = (s: string) => new TextEncoder().encode(s);
export const hex = (s: string) => Uint8Array.from(s.match(/../g) ?? [], (b) => Number.parseInt(b, 16));

/** The close code in a close frame's payload (1005 when empty). */
export function closeCodeOf(payload: Uint8Array): number {
  return payload.length >= 2 ? ((payload[0] as number) << 8) | (payload[1] as number) : 1005;
}

/** Resolves after `ms` of real time (for bounded waits in tests only). */
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits for one event of an emitter (a `ws` socket or server), bounded in time; several arguments come as an array. */
export function once<T>(emitter: EventEmitter, event: string, ms = 30_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${event} within ${ms} ms`)), ms);
    emitter.once(event, (...args: unknown[]) => {
      clearTimeout(timer);
      resolve((args.length > 1 ? args : args[0]) as T);
    });
  });
}

/** A peer or server running in a child process, its output collected. */
export interface ChildRun {
  readonly child: ChildProcess;
  /** Everything it printed so far (stdout and stderr). */
  output(): string;
  /** Its exit code once it exits (it is killed after `limitMs`). */
  readonly exited: Promise<number | null>;
}

const children = new Set<ChildProcess>();

/** Starts `command` with `args`; killed after `limitMs` if still running, or by {@link killChildren}. */
export function spawnChild(
  command: string,
  args: readonly string[],
  options: { cwd?: string; limitMs?: number } = {},
): ChildRun {
  const child = spawn(command, args, { cwd: options.cwd, stdio: ["ignore", "pipe", "pipe"] });
  children.add(child);
  let output = "";
  const collect = (chunk: Buffer): void => {
    output += chunk.toString();
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  const timer = setTimeout(() => child.kill("SIGKILL"), options.limitMs ?? 90_000);
  const exited = new Promise<number | null>((resolve) =>
    child.once("exit", (code) => {
      clearTimeout(timer);
      children.delete(child);
      resolve(code);
    }),
  );
  return { child, output: () => output, exited };
}

/** Kills every child started by {@link spawnChild} that is still running (for `afterAll`). */
export function killChildren(): void {
  for (const child of children) child.kill("SIGKILL");
}

/** Waits (at most ~20 s) for a child to print "listening on PORT" and returns the port. */
export async function listeningPort(run: ChildRun): Promise<number> {
  for (let i = 0; i < 800; i++) {
    const match = /listening on (\d+)/.exec(run.output());
    if (match) return Number(match[1]);
    await sleep(25);
  }
  throw new Error(`no "listening on" line:\n${run.output()}`);
}
