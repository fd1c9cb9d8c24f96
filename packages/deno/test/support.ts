// Helpers shared by the Deno adapter tests: certificates, test protocols, bounded waits.
import type { Address, ReadOperation } from "@sansio/runtime-api";
import { Exchange } from "@sansio/runtime-api/conformance";

export { eventually, within } from "@sansio/runtime-api/conformance";
export { testCertificates } from "../../../tests/support/certs.mjs";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** UTF-8 bytes of a string. */
export function bytes(text: string): Uint8Array {
  return encoder.encode(text);
}

/** A string from UTF-8 bytes. */
export function text(data: Uint8Array): string {
  return decoder.decode(data);
}

/** `length` bytes of a repeating, position-dependent pattern (so reordering or loss shows). */
export function pattern(length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = (i * 31 + (i >>> 8)) & 0xff;
  return out;
}

/** A promise with its resolve function. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/**
 * Reads nothing (its reader yields for good), writes nothing and ignores `shutdown()`: only an abort or
 * an error ends it. A peer whose writes must stall, or whom only the listener's close timeout removes.
 */
export class Stubborn extends Exchange {
  constructor() {
    super({ halfClose: false });
  }
  override nextReadOperation(): ReadOperation {
    return this.errors.length > 0 ? "close" : "yield";
  }
  override shutdown(): void {}
}

/** Throws unless `condition` holds. */
export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(`assertion failed: ${message}`);
}

/** Awaits a promise expected to reject and returns the rejection (throws if it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected a rejection");
}

/** The TCP port a listener is bound to (throws for a unix listener). */
export function portOf(listener: { readonly address: Address }): number {
  const address = listener.address;
  if (address.transport !== "tcp") throw new Error(`expected a TCP listener, got ${address.transport}`);
  return address.port;
}
