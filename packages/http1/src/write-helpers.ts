/** A resolved promise shared by every write that needs no waiting. */
export const READY: Promise<void> = Promise.resolve();

/** A rejected promise already marked handled: awaiting it throws, ignoring it is safe. */
export function handledRejection(error: unknown): Promise<never> {
  const promise = Promise.reject(error);
  promise.catch(() => {});
  return promise;
}

/** True for an async or sync iterable that is not a string or a byte array. */
export function isStreamBody(body: unknown): body is AsyncIterable<Uint8Array> | Iterable<Uint8Array> {
  if (body === null || typeof body !== "object" || body instanceof Uint8Array) return false;
  return Symbol.asyncIterator in body || Symbol.iterator in body;
}
