import { max, mean, quantileSorted } from 'simple-statistics';

/** Percentiles of a sample, in the sample's unit (milliseconds for latencies). */
export interface Spread {
  n: number;
  p50: number;
  p99: number;
  max: number;
  mean: number;
}

/** Summarises a sample; an empty one gives NaN figures (printed as "n/a") rather than throwing. */
export function spread(values: readonly number[]): Spread {
  if (values.length === 0)
    return { n: 0, p50: Number.NaN, p99: Number.NaN, max: Number.NaN, mean: Number.NaN };
  const sorted = [...values].sort((a, b) => a - b);
  return {
    n: sorted.length,
    p50: quantileSorted(sorted, 0.5),
    p99: quantileSorted(sorted, 0.99),
    max: max(sorted),
    mean: mean(sorted),
  };
}

/** perfbot ÷ floor; NaN when either side is missing or the floor is zero. */
export function ratio(perfbot: number, floor: number): number {
  return Number.isFinite(perfbot) && Number.isFinite(floor) && floor !== 0 ? perfbot / floor : Number.NaN;
}

/** Milliseconds since an arbitrary origin, from the monotonic clock. */
export const nowMs = (): number => performance.now();

export const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));
