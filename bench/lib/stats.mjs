// Interleaved rounds, medians and ratios.

/** Median of a list of numbers (the mean of the middle two for an even count). */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * Runs every variant once per round, rotating which one goes first so no variant always runs first or
 * last, and returns each variant's samples in round order: `{ [key]: number[] }`.
 * @param {number} rounds
 * @param {{ key: string, run: () => Promise<number> }[]} variants
 * @param {(round: number) => void} [onRound]
 */
export async function interleave(rounds, variants, onRound = () => {}) {
  /** @type {Record<string, number[]>} */
  const samples = {};
  for (const variant of variants) samples[variant.key] = new Array(rounds);
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < variants.length; i++) {
      const variant = variants[(round + i) % variants.length];
      samples[variant.key][round] = await variant.run();
    }
    onRound(round);
  }
  return samples;
}

/**
 * The median over rounds of `a[i] / b[i]` (pairs measured in the same round, so slow drifts of the
 * machine cancel out). Pass rates (higher is better); for durations pass `b, a`.
 */
export function pairedRatio(a, b) {
  return median(a.map((value, i) => value / b[i]));
}
