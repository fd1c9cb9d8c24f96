/** Total bytes in a list of iovecs. */
export function iovecsLength(iovecs: readonly Uint8Array[]): number {
  let total = 0;
  for (let i = 0; i < iovecs.length; i++) total += (iovecs[i] as Uint8Array).length;
  return total;
}

/** The iovecs left after the first `written` bytes were sent (views, no copy). */
export function advanceIovecs(iovecs: readonly Uint8Array[], written: number): Uint8Array[] {
  if (!Number.isInteger(written) || written < 0) throw new RangeError(`cannot advance by ${written} bytes`);
  let i = 0;
  let left = written;
  while (i < iovecs.length && left >= (iovecs[i] as Uint8Array).length) {
    left -= (iovecs[i] as Uint8Array).length;
    i++;
  }
  if (i === iovecs.length) {
    if (left > 0) throw new RangeError(`advanced ${written} bytes past the end of the iovecs`);
    return [];
  }
  const rest = iovecs.slice(i);
  if (left > 0) rest[0] = (rest[0] as Uint8Array).subarray(left);
  return rest;
}

/** Default size under which iovecs are merged by {@link coalesceIovecs}: 16 KiB. */
export const COALESCE_THRESHOLD = 16 * 1024;

/**
 * For runtimes without writev: merges runs of iovecs smaller than `threshold` into one copy, and
 * keeps larger ones as they are (written directly, no copy). A single iovec is returned unchanged.
 */
export function coalesceIovecs(iovecs: readonly Uint8Array[], threshold = COALESCE_THRESHOLD): Uint8Array[] {
  if (iovecs.length === 1 && (iovecs[0] as Uint8Array).length > 0) return [iovecs[0] as Uint8Array];
  const out: Uint8Array[] = [];
  let run: Uint8Array[] = [];
  let runLength = 0;
  const flush = (): void => {
    if (run.length === 1) out.push(run[0] as Uint8Array);
    else if (run.length > 1) {
      const merged = new Uint8Array(runLength);
      let at = 0;
      for (const part of run) {
        merged.set(part, at);
        at += part.length;
      }
      out.push(merged);
    }
    run = [];
    runLength = 0;
  };
  for (const iovec of iovecs) {
    if (iovec.length === 0) continue;
    if (iovec.length >= threshold) {
      flush();
      out.push(iovec);
    } else {
      run.push(iovec);
      runLength += iovec.length;
      if (runLength >= threshold) flush();
    }
  }
  flush();
  return out;
}

/** Copies a list of byte arrays into one new array. */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(iovecsLength(parts));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
