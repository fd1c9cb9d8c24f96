import type { Body, HeaderList } from "@sansio/http1";
import { concatBytes } from "@sansio/runtime-api";

/**
 * Largest request body the h2c upgrade holds by default: 64 KiB, what an HTTP/2 stream buffers for
 * an unread body anyway (the initial window, 65535) and what `@sansio/http1` holds unread
 * (`bodyHighWaterMark`), so an upgrade costs no more memory than the request would on either protocol.
 */
export const DEFAULT_MAX_UPGRADE_BODY_SIZE = 64 * 1024;

/**
 * What the upgrade does with a request body, from its Content-Length alone: `read` (known to fit),
 * `decline` (known not to fit: not one byte is read), or `read-bounded` (chunked: read until it ends or
 * passes the limit).
 */
export type UpgradeBodyPlan = "read" | "decline" | "read-bounded";

/** Decides how the upgrade treats a body of `length` (null: no Content-Length) under `limit`. */
export function planUpgradeBody(length: number | null, limit: number): UpgradeBodyPlan {
  if (length === null) return "read-bounded";
  return length <= limit ? "read" : "decline";
}

/** A body read for the upgrade: all of it, or the chunks read before it passed the limit. */
export type UpgradeBodyRead =
  | { readonly kind: "whole"; readonly bytes: Uint8Array }
  | { readonly kind: "too-large"; readonly held: readonly Uint8Array[] };

/**
 * Reads `body` until it ends or holds more than `limit` bytes, whichever comes first: it never holds
 * more than `limit` bytes plus the one chunk that crossed it. Rejects as `body.read()` does.
 */
export async function readUpgradeBody(body: Body, limit: number): Promise<UpgradeBodyRead> {
  const held: Uint8Array[] = [];
  let size = 0;
  for (let chunk = await body.read(); chunk !== null; chunk = await body.read()) {
    held.push(chunk);
    size += chunk.length;
    if (size > limit) return { kind: "too-large", held };
  }
  return { kind: "whole", bytes: held.length === 1 ? (held[0] as Uint8Array) : concatBytes(held) };
}

/**
 * A body that gives back the chunks an upgrade attempt already read, then the rest of `source`: what
 * an HTTP/1.1 fallback reads after a declined upgrade, the whole body as sent.
 */
export class ReplayBody implements Body {
  readonly #held: Uint8Array[];
  readonly #source: Body;

  constructor(held: readonly Uint8Array[], source: Body) {
    this.#held = [...held];
    this.#source = source;
  }

  /** Bytes read by the upgrade attempt and not yet given back. */
  get held(): number {
    let total = 0;
    for (const chunk of this.#held) total += chunk.length;
    return total;
  }

  get length(): number | null {
    return this.#source.length;
  }

  get ended(): boolean {
    return this.#held.length === 0 && this.#source.ended;
  }

  get trailers(): HeaderList {
    return this.#source.trailers;
  }

  read(): Promise<Uint8Array | null> {
    const chunk = this.#held.shift();
    return chunk === undefined ? this.#source.read() : Promise.resolve(chunk);
  }

  async bytes(): Promise<Uint8Array> {
    const rest = await this.#source.bytes();
    return concatBytes([...this.#held.splice(0), rest]);
  }

  async text(): Promise<string> {
    return new TextDecoder().decode(await this.bytes());
  }

  discard(): Promise<void> {
    this.#held.length = 0;
    return this.#source.discard();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    for (let chunk = await this.read(); chunk !== null; chunk = await this.read()) yield chunk;
  }
}
