import { isByteUnit } from '../analysis/format.js';

/**
 * The largest ratio of the tallest bar to the shortest on one linear axis. On a 300 px plot a bar
 * 1/50 of the tallest is 6 px high; a smaller one reads as zero (2 ms beside 13,000 ms).
 */
export const MAX_RATIO = 50;

/**
 * Pure: items in groups of one magnitude each, so that no linear axis holds values more than
 * `MAX_RATIO` apart. The positive values are cut at their largest gap (in ratio) until every group
 * fits; the group of the largest values comes first. Zero, negative and missing values draw at zero
 * on any axis and stay in the first group. Within a group the items keep their order.
 *
 * @example splitByMagnitude([2, 400, 13_000, 3], (v) => v) → [[400, 13_000], [2, 3]]
 */
export function splitByMagnitude<T>(items: readonly T[], sizeOf: (item: T) => number | null): T[][] {
  const positive = items
    .filter((item) => (sizeOf(item) ?? 0) > 0)
    .sort((a, b) => (sizeOf(b) ?? 0) - (sizeOf(a) ?? 0));
  const groups = cut(positive, (item) => sizeOf(item) ?? 0);
  if (groups.length <= 1) return items.length === 0 ? [] : [[...items]];
  const groupOf = new Map<T, number>();
  groups.forEach((group, index) => {
    for (const item of group) groupOf.set(item, index);
  });
  return groups.map((_, index) => items.filter((item) => (groupOf.get(item) ?? 0) === index));
}

/** `descending` (all > 0) cut at its largest gap until each part spans at most `MAX_RATIO`. */
function cut<T>(descending: readonly T[], sizeOf: (item: T) => number): T[][] {
  const first = descending[0];
  const last = descending[descending.length - 1];
  if (first === undefined || last === undefined || sizeOf(first) / sizeOf(last) <= MAX_RATIO)
    return descending.length === 0 ? [] : [[...descending]];
  let at = 1;
  let widest = 0;
  for (let i = 1; i < descending.length; i++) {
    const gap = sizeOf(descending[i - 1] as T) / sizeOf(descending[i] as T);
    if (gap > widest) {
      widest = gap;
      at = i;
    }
  }
  return [...cut(descending.slice(0, at), sizeOf), ...cut(descending.slice(at), sizeOf)];
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
