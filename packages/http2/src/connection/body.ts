import type { Body, HeaderList } from "@sansio/http1";

const EMPTY: HeaderList = Object.freeze([]) as HeaderList;

interface Waiter {
  resolve(chunk: Uint8Array | null): void;
  reject(error: unknown): void;
}

/**
 * A received HTTP/2 message body (the {@link Body} of `@sansio/http1`, so one application reads both
 * protocols alike). The stream's flow-control window bounds what can wait here unread; every byte the
 * reader takes (or discards) is reported to `consumed`, which is when the connection gives the peer its
 * credit back (WINDOW_UPDATE). A reader that stops reading stalls its own stream only.
 */
export class Http2Body implements Body {
  readonly length: number | null;
  #consumed: (n: number) => void;
  #queue: Uint8Array[] = [];
  #queued = 0;
  #state: "open" | "ended" | "failed" = "open";
  #error: unknown;
  #waiters: Waiter[] = [];
  #discarding = false;
  #trailers: HeaderList = EMPTY;
  #endWaiters: (() => void)[] = [];

  constructor(length: number | null, consumed: (n: number) => void) {
    this.length = length;
    this.#consumed = consumed;
  }

  get ended(): boolean {
    return this.#state === "ended" && this.#queued === 0;
  }

  get trailers(): HeaderList {
    return this.#trailers;
  }

  /** Bytes received and not yet read. */
  get buffered(): number {
    return this.#queued;
  }

  // ---- the connection's side ----

  /** A chunk arrived (the body keeps it: pass a copy). */
  push(chunk: Uint8Array): void {
    if (this.#state !== "open" || this.#discarding) {
      this.#consumed(chunk.length);
      return;
    }
    if (chunk.length === 0) return;
    const waiter = this.#waiters.shift();
    if (waiter !== undefined) {
      this.#consumed(chunk.length);
      waiter.resolve(chunk);
      return;
    }
    this.#queue.push(chunk);
    this.#queued += chunk.length;
  }

  /** The body is complete, with optional trailers. */
  end(trailers: HeaderList = EMPTY): void {
    if (this.#state !== "open") return;
    this.#state = "ended";
    this.#trailers = trailers;
    for (const waiter of this.#waiters.splice(0)) waiter.resolve(null);
    this.#settleEnd();
  }

  /** The body cannot complete (stream reset, connection lost): readers get `error`; what is buffered is dropped. */
  fail(error: unknown): void {
    if (this.#state !== "open") return;
    this.#state = "failed";
    this.#error = error;
    this.#dropQueued();
    for (const waiter of this.#waiters.splice(0)) waiter.reject(error);
    this.#settleEnd();
  }

  // ---- the reader's side ----

  read(): Promise<Uint8Array | null> {
    const chunk = this.#queue.shift();
    if (chunk !== undefined) {
      this.#queued -= chunk.length;
      this.#consumed(chunk.length);
      return Promise.resolve(chunk);
    }
    if (this.#state === "ended" || this.#discarding) return Promise.resolve(null);
    if (this.#state === "failed") return Promise.reject(this.#error);
    return new Promise((resolve, reject) => this.#waiters.push({ resolve, reject }));
  }

  async bytes(): Promise<Uint8Array> {
    const parts: Uint8Array[] = [];
    let total = 0;
    for (let chunk = await this.read(); chunk !== null; chunk = await this.read()) {
      parts.push(chunk);
      total += chunk.length;
    }
    if (parts.length === 1) return parts[0] as Uint8Array;
    const out = new Uint8Array(total);
    let at = 0;
    for (const part of parts) {
      out.set(part, at);
      at += part.length;
    }
    return out;
  }

  async text(): Promise<string> {
    return new TextDecoder().decode(await this.bytes());
  }

  discard(): Promise<void> {
    if (!this.#discarding) {
      this.#discarding = true;
      this.#dropQueued();
      for (const waiter of this.#waiters.splice(0)) waiter.resolve(null);
    }
    if (this.#state !== "open") return Promise.resolve();
    return new Promise((resolve) => this.#endWaiters.push(resolve));
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    for (let chunk = await this.read(); chunk !== null; chunk = await this.read()) yield chunk;
  }

  #dropQueued(): void {
    const dropped = this.#queued;
    this.#queue = [];
    this.#queued = 0;
    if (dropped > 0) this.#consumed(dropped);
  }

  #settleEnd(): void {
    for (const resolve of this.#endWaiters.splice(0)) resolve();
  }
}

/** An empty, ended body (a message sent with END_STREAM on its HEADERS). */
export function emptyBody(): Http2Body {
  const body = new Http2Body(0, () => {});
  body.end();
  return body;
}
