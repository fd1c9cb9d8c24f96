import { concatBytes } from "@sansio/runtime-api";
import { EMPTY_HEADERS, type HeaderList } from "./headers.js";

/**
 * A message body arriving from the peer, read with a pull API. The connection reads from the socket
 * only while fewer than `highWaterMark` bytes wait here unread: a handler that does not read holds the
 * peer back (TCP backpressure), so memory stays constant whatever the body size.
 *
 * Read it once: with `for await (const chunk of body)`, {@link read}, {@link bytes}, {@link text}, or
 * drop it with {@link discard}. A body left unread when the exchange ends is discarded by the
 * connection. For a web `ReadableStream`, use `ReadableStream.from(body)`.
 */
export interface Body extends AsyncIterable<Uint8Array> {
  /** The Content-Length, when the body has one; `null` for chunked and close-delimited bodies. */
  readonly length: number | null;
  /** True once every byte was delivered (or discarded) and the end was seen. */
  readonly ended: boolean;
  /** The trailer fields of a chunked body, once it has ended (empty otherwise). */
  readonly trailers: HeaderList;
  /**
   * The next chunk, or `null` at the end. Rejects when the body is malformed or the connection is lost.
   * Each chunk is a fresh copy the caller may keep.
   */
  read(): Promise<Uint8Array | null>;
  /** The whole body in one array (buffers it all: mind its size). */
  bytes(): Promise<Uint8Array>;
  /** The whole body decoded as UTF-8. */
  text(): Promise<string>;
  /** Drops the rest of the body without copying it; resolves once the end was seen (or the body failed). */
  discard(): Promise<void>;
}

/** The side of a body the connection drives. */
export interface BodyOwner {
  /** Unread bytes fell below the high-water mark (or the body is being discarded): read again. */
  bodyDrained(): void;
  /** The consumer is waiting for bytes (used to send `100 Continue`). */
  bodyWanted(): void;
}

/** Where a body is: bytes may still arrive (`open`), every byte arrived (`ended`), or it cannot complete (`failed`). */
type BodyState = "open" | "ended" | "failed";

interface Waiter {
  resolve(chunk: Uint8Array | null): void;
  reject(error: unknown): void;
}

const DONE: Promise<Uint8Array | null> = Promise.resolve(null);

/** The {@link Body} implementation: a bounded queue between the connection (producer) and the reader. */
export class BodyChannel implements Body {
  readonly length: number | null;
  readonly #owner: BodyOwner;
  readonly #highWaterMark: number;
  #queue: Uint8Array[] = [];
  #queueHead = 0;
  #queued = 0;
  #state: BodyState = "open";
  #error: unknown;
  #waiters: Waiter[] = [];
  #discarding = false;
  #trailers: HeaderList = EMPTY_HEADERS;
  #endWaiters: (() => void)[] = [];

  constructor(owner: BodyOwner, length: number | null, highWaterMark: number) {
    this.#owner = owner;
    this.length = length;
    this.#highWaterMark = highWaterMark;
  }

  get ended(): boolean {
    return this.#state === "ended" && this.#queued === 0 && this.#queueHead >= this.#queue.length;
  }

  get trailers(): HeaderList {
    return this.#trailers;
  }

  // ---- producer side (the connection) ---------------------------------------------------------

  /** True while the connection may read more body bytes. */
  wantsMore(): boolean {
    return this.#discarding || this.#queued < this.#highWaterMark;
  }

  /** True once the consumer asked to drop the body. */
  get discarding(): boolean {
    return this.#discarding;
  }

  /** True until the body ended or failed. */
  get open(): boolean {
    return this.#state === "open";
  }

  /** Hands over a chunk the channel may keep. */
  push(chunk: Uint8Array): void {
    if (this.#state !== "open" || this.#discarding || chunk.length === 0) return;
    const waiter = this.#waiters.shift();
    if (waiter) {
      waiter.resolve(chunk);
      return;
    }
    this.#queue.push(chunk);
    this.#queued += chunk.length;
  }

  /** The body is complete. */
  end(trailers: HeaderList = EMPTY_HEADERS): void {
    if (this.#state !== "open") return;
    this.#state = "ended";
    this.#trailers = trailers;
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const waiter of waiters) waiter.resolve(null);
    this.#settleEnd();
  }

  /** The body cannot complete: readers get `error`. */
  fail(error: unknown): void {
    if (this.#state !== "open") return;
    this.#state = "failed";
    this.#error = error;
    for (const waiter of this.#dropQueued()) waiter.reject(error);
    this.#settleEnd();
  }

  /** Switches to discarding (the exchange is over and nobody will read the rest). */
  startDiscarding(): void {
    if (this.#discarding) return;
    this.#discarding = true;
    for (const waiter of this.#dropQueued()) waiter.resolve(null);
  }

  /** Drops the queued chunks; returns the waiting readers (no longer registered) to settle. */
  #dropQueued(): Waiter[] {
    this.#queue = [];
    this.#queueHead = 0;
    this.#queued = 0;
    const waiters = this.#waiters;
    this.#waiters = [];
    return waiters;
  }

  // ---- consumer side --------------------------------------------------------------------------

  read(): Promise<Uint8Array | null> {
    if (this.#queueHead < this.#queue.length) {
      const chunk = this.#queue[this.#queueHead] as Uint8Array;
      this.#queue[this.#queueHead++] = EMPTY_CHUNK;
      if (this.#queueHead === this.#queue.length) {
        this.#queue.length = 0;
        this.#queueHead = 0;
      }
      const wasFull = this.#queued >= this.#highWaterMark;
      this.#queued -= chunk.length;
      if (wasFull && this.#queued < this.#highWaterMark && this.#state === "open") this.#owner.bodyDrained();
      return Promise.resolve(chunk);
    }
    if (this.#state === "ended" || this.#discarding) return DONE;
    if (this.#state === "failed") return Promise.reject(this.#error);
    return new Promise<Uint8Array | null>((resolve, reject) => {
      this.#waiters.push({ resolve, reject });
      this.#owner.bodyWanted();
    });
  }

  async bytes(): Promise<Uint8Array> {
    const parts: Uint8Array[] = [];
    for (;;) {
      const chunk = await this.read();
      if (chunk === null) break;
      parts.push(chunk);
    }
    return parts.length === 1 ? (parts[0] as Uint8Array) : concatBytes(parts);
  }

  async text(): Promise<string> {
    return new TextDecoder().decode(await this.bytes());
  }

  discard(): Promise<void> {
    if (this.#state !== "open") {
      this.#queue = [];
      this.#queueHead = 0;
      this.#queued = 0;
      return Promise.resolve();
    }
    const wasDiscarding = this.#discarding;
    this.startDiscarding();
    const done = new Promise<void>((resolve) => this.#endWaiters.push(resolve));
    if (!wasDiscarding) this.#owner.bodyDrained();
    return done;
  }

  [Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    return {
      next: async (): Promise<IteratorResult<Uint8Array>> => {
        const chunk = await this.read();
        return chunk === null ? { done: true, value: undefined } : { done: false, value: chunk };
      },
      return: async (): Promise<IteratorResult<Uint8Array>> => {
        // Leaving a loop early drops the rest of the body, so the connection can move on.
        if (this.#state === "open") void this.discard();
        return { done: true, value: undefined };
      },
    };
  }

  #settleEnd(): void {
    const waiters = this.#endWaiters;
    this.#endWaiters = [];
    for (const resolve of waiters) resolve();
  }
}

const EMPTY_CHUNK = new Uint8Array(0);

/** A body with no bytes (GET requests, 204 responses): shared, already ended. */
export const EMPTY_BODY: Body = Object.freeze({
  length: 0,
  ended: true,
  trailers: EMPTY_HEADERS,
  read: () => DONE,
  bytes: () => Promise.resolve(new Uint8Array(0)),
  text: () => Promise.resolve(""),
  discard: () => Promise.resolve(),
  [Symbol.asyncIterator]: (): AsyncIterator<Uint8Array> => ({
    next: () => Promise.resolve({ done: true, value: undefined }),
  }),
});
