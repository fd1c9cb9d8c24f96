import { ConnectionClosedError, concatBytes } from "@sansio/runtime-api";
import type { MessageType } from "./frame-reader.js";

const utf8 = new TextDecoder();

/**
 * An incoming message delivered as it arrives (option `streamMessages`): its chunks, in order, with
 * backpressure (the connection stops reading the socket while `receiveHighWaterMark` bytes wait
 * unread). Text messages arrive as UTF-8 bytes, already checked. Read it once.
 */
export class MessageStream implements AsyncIterable<Uint8Array> {
  /** `"text"` or `"binary"`. */
  readonly type: MessageType;
  readonly #onRead: () => void;
  #chunks: Uint8Array[] = [];
  #head = 0;
  #buffered = 0;
  #ended = false;
  #error: unknown;
  #waiter: ((value: void) => void) | undefined;

  /** @internal Made by the connection; `onRead` is told when bytes were taken. */
  constructor(type: MessageType, onRead: () => void) {
    this.type = type;
    this.#onRead = onRead;
  }

  /** Bytes received and not yet read. */
  get buffered(): number {
    return this.#buffered;
  }

  /** The next chunk, or `null` at the end of the message. Rejects when the connection failed mid-message. */
  async read(): Promise<Uint8Array | null> {
    for (;;) {
      if (this.#head < this.#chunks.length) {
        const chunk = this.#chunks[this.#head] as Uint8Array;
        this.#chunks[this.#head++] = EMPTY;
        if (this.#head === this.#chunks.length) {
          this.#chunks = [];
          this.#head = 0;
        }
        this.#buffered -= chunk.length;
        this.#onRead();
        return chunk;
      }
      if (this.#error !== undefined) throw this.#error;
      if (this.#ended) return null;
      await new Promise<void>((resolve) => {
        this.#waiter = resolve;
      });
    }
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    for (;;) {
      const chunk = await this.read();
      if (chunk === null) return;
      yield chunk;
    }
  }

  /** The whole message as bytes. */
  async bytes(): Promise<Uint8Array> {
    const parts: Uint8Array[] = [];
    for await (const chunk of this) parts.push(chunk);
    return parts.length === 1 ? (parts[0] as Uint8Array) : concatBytes(parts);
  }

  /** The whole message as text (UTF-8). */
  async text(): Promise<string> {
    return utf8.decode(await this.bytes());
  }

  /** @internal */
  push(chunk: Uint8Array): void {
    this.#chunks.push(chunk);
    this.#buffered += chunk.length;
    this.#wake();
  }

  /** @internal */
  end(): void {
    this.#ended = true;
    this.#wake();
  }

  /** @internal The connection ended before the message did. */
  fail(error: unknown = new ConnectionClosedError("the connection closed in the middle of a message")): void {
    if (this.#ended) return;
    this.#error = error;
    this.#wake();
  }

  #wake(): void {
    const waiter = this.#waiter;
    this.#waiter = undefined;
    waiter?.();
  }
}

const EMPTY = new Uint8Array(0);
