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
  return mergeSmallRuns(iovecs, threshold, [], allocate);
}

const allocate = (length: number): Uint8Array => new Uint8Array(length);

/**
 * The one coalescing rule ({@link coalesceIovecs} and {@link IovecGatherer}): empty iovecs are dropped,
 * iovecs of `threshold` bytes or more pass as they are, runs of smaller ones are copied together into
 * memory from `memory(length)` (a run is cut once it reaches `threshold`). Parts are pushed onto `out`.
 */
function mergeSmallRuns(
  iovecs: readonly Uint8Array[],
  threshold: number,
  out: Uint8Array[],
  memory: (length: number) => Uint8Array,
): Uint8Array[] {
  let runStart = 0;
  let runCount = 0;
  let runLength = 0;
  for (let i = 0; i < iovecs.length; i++) {
    const iovec = iovecs[i] as Uint8Array;
    if (iovec.length === 0) continue;
    if (iovec.length >= threshold) {
      pushRun(iovecs, runStart, i, runCount, runLength, out, memory);
      runCount = 0;
      runLength = 0;
      out.push(iovec);
      continue;
    }
    if (runCount === 0) runStart = i;
    runCount++;
    runLength += iovec.length;
    if (runLength >= threshold) {
      pushRun(iovecs, runStart, i + 1, runCount, runLength, out, memory);
      runCount = 0;
      runLength = 0;
    }
  }
  pushRun(iovecs, runStart, iovecs.length, runCount, runLength, out, memory);
  return out;
}

/** Pushes the run `iovecs[start..end)` (`count` non-empty iovecs, `length` bytes): as it is when alone, else merged. */
function pushRun(
  iovecs: readonly Uint8Array[],
  start: number,
  end: number,
  count: number,
  length: number,
  out: Uint8Array[],
  memory: (length: number) => Uint8Array,
): void {
  if (count === 0) return;
  if (count === 1) {
    for (let i = start; i < end; i++) if ((iovecs[i] as Uint8Array).length > 0) out.push(iovecs[i] as Uint8Array);
    return;
  }
  const merged = memory(length);
  let at = 0;
  for (let i = start; i < end; i++) {
    const part = iovecs[i] as Uint8Array;
    merged.set(part, at);
    at += part.length;
  }
  out.push(merged);
}

/** Size of an {@link IovecGatherer}'s scratch memory: 64 KiB. */
export const GATHER_SCRATCH_SIZE = 64 * 1024;

/**
 * {@link coalesceIovecs} for a transport's write path, without allocating per write: runs of small
 * iovecs are copied into scratch memory this gatherer reuses, and the parts are returned in a reused
 * array. The parts are valid until the next {@link gather} call, so a transport gathers again only
 * once the previous write has completed (which the driver guarantees: one write in flight).
 */
export class IovecGatherer {
  readonly #parts: Uint8Array[] = [];
  #scratch: Uint8Array | undefined;
  /** Bytes of the scratch memory handed out during the current gather. */
  #used = 0;
  readonly #memory = (length: number): Uint8Array => {
    this.#scratch ??= new Uint8Array(GATHER_SCRATCH_SIZE);
    if (this.#used + length > this.#scratch.length) return new Uint8Array(length); // rare: past the scratch
    const view = this.#scratch.subarray(this.#used, this.#used + length);
    this.#used += length;
    return view;
  };

  /** The iovecs to write, in order: small runs merged (in scratch memory), large iovecs as they are. */
  gather(iovecs: readonly Uint8Array[]): readonly Uint8Array[] {
    const parts = this.#parts;
    parts.length = 0;
    if (iovecs.length === 1 && (iovecs[0] as Uint8Array).length > 0) {
      parts.push(iovecs[0] as Uint8Array);
      return parts;
    }
    this.#used = 0;
    return mergeSmallRuns(iovecs, COALESCE_THRESHOLD, parts, this.#memory);
  }

  /** Forgets the last parts (so the memory of a finished write is not kept alive). */
  clear(): void {
    this.#parts.length = 0;
  }
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
