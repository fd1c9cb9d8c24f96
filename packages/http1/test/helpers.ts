import type { Connection, ReadOperation, WriteOperation, WriteResult } from "@sansio/runtime-api";
import { concatBytes, eventually, SendAndCollect, within } from "@sansio/runtime-api/conformance";
import { createMemoryRuntime, type MemoryRuntime, type MemoryRuntimeOptions } from "@sansio/runtime-api/testing";
import { expect } from "vitest";
import { type Handler, http1Server, type ServerOptions } from "../src/index.js";

export const encoder = new TextEncoder();
export const decoder = new TextDecoder();

/** Bytes of a string written with \r\n line ends as they are. */
export function bytes(text: string): Uint8Array {
  return encoder.encode(text);
}

/** A memory runtime listening with an http1 server. */
export async function serveMemory(
  handler: Handler,
  serverOptions: Omit<ServerOptions, "session"> = {},
  runtimeOptions: MemoryRuntimeOptions = {},
): Promise<{ runtime: MemoryRuntime; port: number; close: () => Promise<void> }> {
  const runtime = createMemoryRuntime(runtimeOptions);
  const listener = await runtime.listen({}, http1Server(handler, { date: false, ...serverOptions }));
  const port = listener.address.transport === "tcp" ? listener.address.port : 0;
  return { runtime, port, close: () => listener.close({ timeout: 1000 }) };
}

/** Sends raw bytes (then half-closes unless told not to) and returns everything the server sent until it closed. */
export async function rawExchange(
  runtime: MemoryRuntime,
  port: number,
  payload: string | Uint8Array,
  options: { writeSize?: number; halfClose?: boolean } = {},
): Promise<string> {
  const client = new SendAndCollect(typeof payload === "string" ? bytes(payload) : payload, options);
  await runtime.connect({ port }, client);
  return decoder.decode(await client.done);
}

/** One response parsed by the test-only parser below. */
export interface RawResponse {
  status: number;
  reason: string;
  headers: [string, string][];
  body: string;
  chunked: boolean;
}

/** The first value of a header in a parsed response (any case). */
export function headerOf(response: RawResponse, name: string): string | undefined {
  return response.headers.find(([n]) => n.toLowerCase() === name.toLowerCase())?.[1];
}

/**
 * A deliberately simple parser of a stream of responses (independent of the code under test).
 * `headRequests` lists the indexes of responses to HEAD requests (no body).
 */
export function parseResponses(text: string, headRequests: number[] = []): RawResponse[] {
  const out: RawResponse[] = [];
  let at = 0;
  while (at < text.length) {
    const headEnd = text.indexOf("\r\n\r\n", at);
    if (headEnd < 0) throw new Error(`truncated response head: ${JSON.stringify(text.slice(at))}`);
    const lines = text.slice(at, headEnd).split("\r\n");
    const statusLine = lines[0] as string;
    const match = /^HTTP\/1\.1 (\d{3}) ?(.*)$/.exec(statusLine);
    if (!match) throw new Error(`bad status line ${JSON.stringify(statusLine)}`);
    const headers = lines.slice(1).map((line) => {
      const colon = line.indexOf(":");
      return [line.slice(0, colon), line.slice(colon + 1).trim()] as [string, string];
    });
    const status = Number(match[1]);
    const response: RawResponse = { status, reason: match[2] ?? "", headers, body: "", chunked: false };
    at = headEnd + 4;
    const isHead = headRequests.includes(out.filter((r) => r.status >= 200).length);
    const te = headerOf(response, "transfer-encoding");
    const cl = headerOf(response, "content-length");
    if (status < 200 || status === 204 || status === 304 || isHead) {
      // no body
    } else if (te !== undefined) {
      response.chunked = true;
      for (;;) {
        const lineEnd = text.indexOf("\r\n", at);
        const size = Number.parseInt(text.slice(at, lineEnd), 16);
        at = lineEnd + 2;
        if (size === 0) {
          const trailerEnd = text.indexOf("\r\n", at);
          at = trailerEnd + 2;
          break;
        }
        response.body += text.slice(at, at + size);
        at += size + 2;
      }
    } else if (cl !== undefined) {
      response.body = text.slice(at, at + Number(cl));
      at += Number(cl);
    } else {
      response.body = text.slice(at);
      at = text.length;
    }
    out.push(response);
  }
  return out;
}

/** Runs `fn` for each of several I/O plans of the memory runtime (every chunk boundary, partial writes, pull, delays). */
/** `bulk` is a body size that keeps the plan fast (one-byte plans move every byte through a microtask). */
export const IO_PLANS: { name: string; options: MemoryRuntimeOptions; bulk: number }[] = [
  { name: "whole", options: {}, bulk: 300_000 },
  { name: "1-byte reads", options: { readSize: 1 }, bulk: 6000 },
  { name: "1-byte reads and writes, pull", options: { readSize: 1, writeSize: 1, pull: true }, bulk: 6000 },
  {
    name: "random sizes and delays (seed 7)",
    options: { readSize: "random", writeSize: "random", delays: true, seed: 7 },
    bulk: 100_000,
  },
  {
    name: "random sizes, pull (seed 11)",
    options: { readSize: "random", writeSize: "random", pull: true, seed: 11 },
    bulk: 100_000,
  },
];

/** Concatenates byte arrays; bounded waits: `within(promise, ms, what)`, `eventually(condition, ms, what)`. */
export { concatBytes, eventually, within };

/** `list[index]`, asserting it is there (a miss fails the test clearly, not as a TypeError later). */
export function nth<T>(list: readonly T[], index: number): T {
  expect(list.length, `expected an element at index ${index}`).toBeGreaterThan(index);
  return list[index] as T;
}

/** Waits, at most 5 s, for a session (or anything) to close; fails the test if it does not. */
export function closedWithin(closed: Promise<void>, what = "the session closes"): Promise<void> {
  return within(closed, 5000, what);
}

/** Records every exception a connection's methods throw (they must never throw). */
export class ThrowRecorder implements Connection {
  readonly thrown: unknown[] = [];
  readonly errors: unknown[] = [];
  readonly #inner: Connection;

  constructor(inner: Connection) {
    this.#inner = inner;
  }

  #guard<T>(fn: () => T, fallback: T): T {
    try {
      return fn();
    } catch (error) {
      this.thrown.push(error);
      return fallback;
    }
  }

  nextReadOperation(): ReadOperation {
    return this.#guard(() => this.#inner.nextReadOperation(), "close");
  }
  read(buffer: Uint8Array, offset: number, length: number): number {
    return this.#guard(() => this.#inner.read(buffer, offset, length), length);
  }
  readEof(buffer: Uint8Array, offset: number, length: number): number {
    return this.#guard(() => this.#inner.readEof(buffer, offset, length), length);
  }
  yieldReader(resume: () => void): void {
    this.#guard(() => this.#inner.yieldReader(resume), undefined);
  }
  nextWriteOperation(): WriteOperation {
    return this.#guard(() => this.#inner.nextWriteOperation(), { kind: "close" });
  }
  reportWriteResult(result: WriteResult): void {
    this.#guard(() => this.#inner.reportWriteResult(result), undefined);
  }
  yieldWriter(resume: () => void): void {
    this.#guard(() => this.#inner.yieldWriter(resume), undefined);
  }
  reportError(error: unknown): void {
    this.errors.push(error);
    this.#guard(() => this.#inner.reportError(error), undefined);
  }
  isClosed(): boolean {
    return this.#guard(() => this.#inner.isClosed(), true);
  }
  shutdown(): void {
    this.#guard(() => this.#inner.shutdown(), undefined);
  }
}

/** Waits `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * A client that sends `payload` in writes of at most 4 KiB without half-closing, counts the bytes the
 * runtime took, and collects the reply until the server closes.
 */
export class CountingSender implements Connection {
  sent = 0;
  readonly done: Promise<string>;
  readonly #payload: Uint8Array;
  readonly #received: Uint8Array[] = [];
  #eof = false;
  #writeClosed = false;
  #resolve!: (text: string) => void;

  #reading: boolean;
  #readResume: (() => void) | undefined;

  /** `readLater`: read nothing until {@link startReading} (a client that does not read its responses). */
  constructor(payload: Uint8Array, options: { readLater?: boolean } = {}) {
    this.#payload = payload;
    this.#reading = !options.readLater;
    this.done = new Promise((resolve) => {
      this.#resolve = resolve;
    });
  }

  /** Starts reading (see `readLater`). */
  startReading(): void {
    this.#reading = true;
    const resume = this.#readResume;
    this.#readResume = undefined;
    resume?.();
  }

  nextReadOperation(): ReadOperation {
    if (this.#eof) return "close";
    return this.#reading ? "read" : "yield";
  }
  read(buffer: Uint8Array, offset: number, length: number): number {
    this.#received.push(buffer.slice(offset, offset + length));
    return length;
  }
  readEof(buffer: Uint8Array, offset: number, length: number): number {
    this.read(buffer, offset, length);
    this.#eof = true;
    this.#writeClosed = true;
    this.#resolve(decoder.decode(concatBytes(this.#received)));
    return length;
  }
  yieldReader(resume: () => void): void {
    this.#readResume = resume;
  }
  nextWriteOperation(): WriteOperation {
    if (this.#writeClosed) return { kind: "close" };
    if (this.sent < this.#payload.length) {
      return {
        kind: "write",
        iovecs: [this.#payload.subarray(this.sent, Math.min(this.#payload.length, this.sent + 4096))],
      };
    }
    return { kind: "yield" };
  }
  reportWriteResult(result: WriteResult): void {
    if (result === "closed") this.#writeClosed = true;
    else this.sent += result;
  }
  yieldWriter(): void {}
  reportError(error: unknown): void {
    this.#eof = true;
    this.#writeClosed = true;
    this.#resolve(`error: ${String(error)}`);
  }
  isClosed(): boolean {
    return this.#eof && this.#writeClosed;
  }
  shutdown(): void {
    this.#writeClosed = true;
  }
}

/** What a {@link ScriptedServer} sends for one request. */
export interface ScriptedReply {
  /** Raw response bytes. */
  readonly text: string;
  /** Close the connection after sending it. */
  readonly close?: boolean;
  /** Wait this many ms before sending it. */
  readonly delay?: number;
}

/**
 * A raw server for client tests: counts request heads (requests without bodies) and answers each
 * with the reply `script` returns, in order. Records how many heads had arrived when each reply was sent.
 */
export class ScriptedServer implements Connection {
  received = "";
  heads = 0;
  /** For each reply: how many request heads had arrived when it was sent. */
  readonly headsAtReply: number[] = [];
  readonly #script: (index: number) => ScriptedReply;
  #out: Uint8Array[] = [];
  #replies: Promise<void> = Promise.resolve();
  #closeAfter = false;
  #eof = false;
  #writeClosed = false;
  #writeResume: (() => void) | undefined;

  constructor(script: (index: number) => ScriptedReply) {
    this.#script = script;
  }

  nextReadOperation(): ReadOperation {
    return this.#eof || this.#writeClosed ? "close" : "read";
  }
  read(buffer: Uint8Array, offset: number, length: number): number {
    this.received += decoder.decode(buffer.subarray(offset, offset + length));
    const heads = this.received.split("\r\n\r\n").length - 1;
    while (this.heads < heads) {
      const index = this.heads++;
      const reply = this.#script(index);
      this.#replies = this.#replies.then(async () => {
        if (reply.delay) await sleep(reply.delay);
        this.headsAtReply.push(this.heads);
        this.#out.push(encoder.encode(reply.text));
        if (reply.close) this.#closeAfter = true;
        this.#wake();
      });
    }
    return length;
  }
  readEof(buffer: Uint8Array, offset: number, length: number): number {
    this.read(buffer, offset, length);
    this.#eof = true;
    void this.#replies.then(() => {
      this.#closeAfter = true;
      this.#wake();
    });
    return length;
  }
  yieldReader(): void {}
  nextWriteOperation(): WriteOperation {
    if (this.#writeClosed) return { kind: "close" };
    if (this.#out.length > 0) return { kind: "write", iovecs: this.#out.slice() };
    if (this.#closeAfter) {
      this.#writeClosed = true;
      return { kind: "close" };
    }
    return { kind: "yield" };
  }
  reportWriteResult(result: WriteResult): void {
    if (result === "closed") {
      this.#writeClosed = true;
      return;
    }
    const all = concatBytes(this.#out);
    this.#out = result < all.length ? [all.subarray(result)] : [];
  }
  yieldWriter(resume: () => void): void {
    this.#writeResume = resume;
  }
  reportError(): void {
    this.#eof = true;
    this.#writeClosed = true;
  }
  isClosed(): boolean {
    return (this.#eof || this.#writeClosed) && this.#writeClosed;
  }
  shutdown(): void {
    this.#closeAfter = true;
    this.#wake();
  }
  #wake(): void {
    const resume = this.#writeResume;
    this.#writeResume = undefined;
    resume?.();
  }
}
