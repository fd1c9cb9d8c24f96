/** `value`, or `fallback` when it is undefined; throws RangeError unless it is a positive integer. */
export function positiveOption(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer, got ${value}`);
  return value;
}

/** `value` in milliseconds, or `fallback` when it is undefined; `0` disables. Throws RangeError unless it is a non-negative finite number. */
export function timeoutOption(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < 0)
    throw new RangeError(`${name} must be a number of milliseconds >= 0 (0 disables), got ${value}`);
  return value;
}
