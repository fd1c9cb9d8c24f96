/** A body to send: bytes, text (UTF-8), or chunks to stream (sync or async iterable), or nothing. */
export type OutgoingBody = Uint8Array | string | AsyncIterable<Uint8Array> | Iterable<Uint8Array> | null | undefined;

/** `chunk` as bytes (text as UTF-8). */
export function toBytes(chunk: Uint8Array | string): Uint8Array {
  return typeof chunk === "string" ? new TextEncoder().encode(chunk) : chunk;
}

/** The body's length when it is known up front (bytes or text), else null. */
export function knownLength(body: OutgoingBody): Uint8Array | null {
  if (body === null || body === undefined) return new Uint8Array(0);
  if (typeof body === "string" || body instanceof Uint8Array) return toBytes(body);
  return null;
}

/**
 * Streams an iterable body through `write` (awaiting its backpressure), then `end`; on failure
 * (the iterable threw, or the stream failed) calls `abort` with the error.
 */
export async function pumpBody(
  body: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  write: (chunk: Uint8Array) => Promise<void>,
  end: () => void,
  abort: (error: unknown) => void,
): Promise<void> {
  try {
    for await (const chunk of body as AsyncIterable<Uint8Array>) await write(toBytes(chunk));
    end();
  } catch (error) {
    abort(error);
  }
}
