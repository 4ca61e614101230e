import { isByteUnit } from '../analysis/format.js';

/**
 * The largest ratio of the tallest bar to the shortest on one linear axis. On a 300 px plot a bar
 * 1/50 of the tallest is 6 px high; a smaller one reads as zero (2 ms beside 13,000 ms), so beyond
 * this the axis is logarithmic, and says so.
 */
export const MAX_RATIO = 50;

/**
 * Pure: the ratio of the largest positive value to the smallest (1 with fewer than two). Zero,
 * negative and missing values draw at the base on any axis, and their labels say what they are.
 *
 * @example magnitudeRatio([2, 400, 13_000, 0, null]) → 6500
 */
export function magnitudeRatio(values: readonly (number | null)[]): number {
  const positive = values.filter((v): v is number => v !== null && Number.isFinite(v) && v > 0);
  if (positive.length < 2) return 1;
  return Math.max(...positive) / Math.min(...positive);
}

/** True when the values need a logarithmic axis: more than `MAX_RATIO` apart. */
export function needsLogScale(values: readonly (number | null)[]): boolean {
  return magnitudeRatio(values) > MAX_RATIO;
}

const BINARY = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'] as const;

/**
 * The unit a chart's axis shows its values in: bytes scale to KiB…TiB by the largest value (an axis
 * of `2,500,000,000` is not read), every other unit is drawn as it is.
 *
 * @example displayUnit('bytes', 1.6e9) → { unit: 'GiB', divisor: 1073741824 }
 */
export function displayUnit(unit: string, largest: number): { unit: string; divisor: number } {
  if (!isByteUnit(unit)) return { unit, divisor: 1 };
  let index = 0;
  while (index < BINARY.length - 1 && Math.abs(largest) >= 1024 ** (index + 1)) index += 1;
  return { unit: BINARY[index] ?? 'bytes', divisor: 1024 ** index };
}
