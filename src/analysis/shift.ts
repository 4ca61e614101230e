/**
 * Before/after on few noisy runs (shared/reference/statistics.md): an exact Mann–Whitney test and a
 * Hodges–Lehmann interval for the shift, both distribution-free, on the logarithm of the values so
 * that the shift reads as a relative change ("+12% [+6%, +19%]") and noise that scales with the value
 * (GC pauses, noisy neighbours) is treated alike at any size. Pure; no sampling, so an answer is
 * repeatable. Validation (`/perf validate`) stores what `judgeShift` returns with the result.
 */

export type Direction = 'higher_is_better' | 'lower_is_better';

export type ShiftVerdict = 'improved' | 'regressed' | 'no_change' | 'inconclusive';

export interface ShiftJudgement {
  verdict: ShiftVerdict;
  /** Why inconclusive, said to the user: "needs ≥ 4 runs a side", "no data after", "the interval straddles ±3%". */
  reason?: string;
  /** Absent when there was nothing to test. */
  test?: ShiftTest;
}

export interface ShiftTest {
  method: 'mann-whitney-hodges-lehmann-log' | 'mann-whitney-hodges-lehmann';
  nBefore: number;
  nAfter: number;
  medianBefore: number;
  medianAfter: number;
  /** The Hodges–Lehmann estimate of the change, as a fraction of before (0.12 for +12%). */
  change: number;
  /** The distribution-free interval of the change at `level` (fractions). */
  low: number;
  high: number;
  /** The interval's actual coverage (the exact distribution is discrete: at least the level asked). */
  level: number;
  /** Exact two-sided p of the Mann–Whitney U test. */
  p: number;
  /** The per-metric threshold of a meaningful change (fraction). */
  threshold: number;
}

export const median = (values: readonly number[]): number => {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length === 0
    ? Number.NaN
    : s.length % 2 === 1
      ? (s[mid] as number)
      : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};

/**
 * The exact null distribution of U for sample sizes m and n without ties: `counts[u]` is the number
 * of the C(m+n, m) orderings with U = u (the classic recursion f(m, n, u) = f(m−1, n, u−n) + f(m, n−1, u)).
 */
function uCounts(m: number, n: number): number[] {
  // table[i][j] = counts for sizes (i, j), built row by row.
  let prev: number[][] = Array.from({ length: n + 1 }, () => [1]);
  for (let i = 1; i <= m; i++) {
    const row: number[][] = [[1]];
    for (let j = 1; j <= n; j++) {
      const size = i * j + 1;
      const out = new Array<number>(size).fill(0);
      const left = prev[j] as number[]; // (i-1, j), shifted by j
      const down = row[j - 1] as number[]; // (i, j-1)
      for (let u = 0; u < left.length; u++) out[u + j] = (out[u + j] as number) + (left[u] as number);
      for (let u = 0; u < down.length; u++) out[u] = (out[u] as number) + (down[u] as number);
      row.push(out);
    }
    prev = row;
  }
  return prev[n] as number[];
}

const binomial = (a: number, b: number): number => {
  let r = 1;
  for (let i = 1; i <= b; i++) r = (r * (a - b + i)) / i;
  return r;
};

/** U of `y` over `x`: pairs with y > x, ties counting a half. */
export function mannWhitneyU(x: readonly number[], y: readonly number[]): number {
  let u = 0;
  for (const a of x) for (const b of y) u += b > a ? 1 : b === a ? 0.5 : 0;
  return u;
}

/**
 * The exact two-sided p of the Mann–Whitney test (no normal approximation: at 3–10 runs a side it
 * is what keeps the error rate). With ties the statistic is still exact over the no-ties null,
 * which makes it slightly conservative.
 */
export function mannWhitneyP(x: readonly number[], y: readonly number[]): number {
  const m = x.length;
  const n = y.length;
  if (m === 0 || n === 0) return 1;
  const counts = uCounts(m, n);
  const total = binomial(m + n, m);
  const u = mannWhitneyU(x, y);
  const extreme = Math.min(u, m * n - u);
  let tail = 0;
  for (let k = 0; k <= Math.floor(extreme + 1e-9); k++) tail += counts[k] as number;
  return Math.min(1, (2 * tail) / total);
}

/**
 * The smallest number of runs a side at which the exact test can reach `alpha` at all: with 3 a side
 * the smallest two-sided p is 2/20 = 0.10, so no verdict at α = 0.05 is possible.
 */
export function minRunsFor(alpha: number): number {
  for (let n = 2; n <= 50; n++) if (2 / binomial(2 * n, n) <= alpha) return n;
  return 50;
}

/**
 * Whether the exact test can reach `alpha` at all with `m` runs on one side and `n` on the other: its
 * smallest two-sided p is 2 / C(m + n, m). Unequal sides count: a 3-run baseline against 10 runs
 * after reaches 2/286 ≈ 0.007, where 3 against 5 (2/56 ≈ 0.036) cannot reach 0.025.
 */
export function canReach(m: number, n: number, alpha: number): boolean {
  return m > 0 && n > 0 && 2 / binomial(m + n, m) <= alpha;
}

/** The fewest runs against `have` on the other side at which the exact test can reach `alpha`. */
export function runsAgainst(have: number, alpha: number): number {
  for (let n = 1; n <= 200; n++) if (canReach(have, n, alpha)) return n;
  return 200;
}

/**
 * The Hodges–Lehmann estimate and its distribution-free interval for the shift of `y` against `x`:
 * the median and the order statistics `k` and `mn + 1 − k` of all m·n differences y_j − x_i, where
 * `k` is the largest with 2·P(U ≤ k − 1) ≤ 1 − level (Bauer 1972). `coverage` is what the discrete
 * distribution gives (≥ level).
 */
export function hodgesLehmann(
  x: readonly number[],
  y: readonly number[],
  level: number,
): { estimate: number; low: number; high: number; coverage: number } | undefined {
  const m = x.length;
  const n = y.length;
  if (m === 0 || n === 0) return undefined;
  const diffs: number[] = [];
  for (const a of x) for (const b of y) diffs.push(b - a);
  diffs.sort((a, b) => a - b);
  const counts = uCounts(m, n);
  const total = binomial(m + n, m);
  let k = 0;
  let cdf = 0;
  // Largest k with 2·P(U ≤ k−1) ≤ 1 − level.
  while (k < counts.length && (2 * (cdf + (counts[k] as number))) / total <= 1 - level) {
    cdf += counts[k] as number;
    k++;
  }
  if (k === 0) return undefined;
  const coverage = 1 - (2 * cdf) / total;
  return { estimate: median(diffs), low: diffs[k - 1] as number, high: diffs[m * n - k] as number, coverage };
}

export interface JudgeOptions {
  direction: Direction;
  /** A meaningful change, as a fraction of before (0.03 for 3%): cluster probes need 3–5%. */
  threshold: number;
  /** The error rate of this one look (a share of the validation's α when it looks several times). */
  alpha: number;
}

/**
 * One metric's verdict from its runs before and after: improved or regressed when the whole interval
 * lies beyond the threshold on one side, no change when it lies inside ±threshold, inconclusive
 * otherwise, and inconclusive with the reason when there is no data or too few runs to decide.
 *
 * @example judgeShift([100, 98, 103, 101, 99], [111, 113, 109, 112, 115], { direction: 'higher_is_better', threshold: 0.03, alpha: 0.05 })
 */
export function judgeShift(
  before: readonly number[],
  after: readonly number[],
  options: JudgeOptions,
): ShiftJudgement {
  const x = before.filter(Number.isFinite);
  const y = after.filter(Number.isFinite);
  if (x.length === 0 || y.length === 0)
    return { verdict: 'inconclusive', reason: `no data ${x.length === 0 ? 'before' : 'after'}` };
  if (!canReach(x.length, y.length, options.alpha)) {
    const need = minRunsFor(options.alpha);
    // A side already at or past `need` (a short baseline, a longer re-run): say what the other needs.
    const against =
      x.length < need && y.length >= need
        ? `, or ≥ ${runsAgainst(x.length, options.alpha)} after against ${x.length} before`
        : '';
    return {
      verdict: 'inconclusive',
      reason: `needs ≥ ${need} runs a side${against} to decide at α = ${options.alpha} (has ${x.length} before, ${y.length} after)`,
    };
  }
  const medianBefore = median(x);
  const positive = [...x, ...y].every((v) => v > 0);
  const hl = positive
    ? hodgesLehmann(x.map(Math.log), y.map(Math.log), 1 - options.alpha)
    : hodgesLehmann(x, y, 1 - options.alpha);
  if (!hl || (!positive && medianBefore === 0))
    return { verdict: 'inconclusive', reason: 'no relative change without a non-zero baseline' };
  const rel = (d: number) => (positive ? Math.expm1(d) : d / Math.abs(medianBefore));
  const test: ShiftTest = {
    method: positive ? 'mann-whitney-hodges-lehmann-log' : 'mann-whitney-hodges-lehmann',
    nBefore: x.length,
    nAfter: y.length,
    medianBefore,
    medianAfter: median(y),
    change: rel(hl.estimate),
    low: rel(hl.low),
    high: rel(hl.high),
    level: hl.coverage,
    p: mannWhitneyP(x, y),
    threshold: options.threshold,
  };
  // Oriented so that "better" is positive.
  const sign = options.direction === 'higher_is_better' ? 1 : -1;
  const [lo, hi] = sign === 1 ? [test.low, test.high] : [-test.high, -test.low];
  const t = options.threshold;
  if (lo > t) return { verdict: 'improved', test };
  if (hi < -t) return { verdict: 'regressed', test };
  if (lo >= -t && hi <= t) return { verdict: 'no_change', test };
  const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
  return {
    verdict: 'inconclusive',
    reason: `the interval [${pct(test.low)}, ${pct(test.high)}] straddles ±${pct(t)}: more runs would decide`,
    test,
  };
}

/**
 * Adaptive runs with the error rate of repeated looks fixed in advance: the looks (runs after at
 * which the verdict is read) are chosen before measuring, and their shares of α add up to α: a
 * quarter at the first look, the rest at the cap (Bonferroni with unequal shares: the chance that
 * any look raises a false verdict is at most α, whatever the looks see). The larger share goes where
 * the runs are: with a 5-run before side it calls a true +10% at 3% noise 91% of the time against
 * 87% for halves (the calibration test). Validation measures up to the next look only while the
 * verdict is inconclusive.
 *
 * @example adaptiveLooks(5, 10, 0.05) // [{ runs: 5, alpha: 0.0125 }, { runs: 10, alpha: 0.0375 }]
 */
export function adaptiveLooks(first: number, cap: number, alpha: number): { runs: number; alpha: number }[] {
  if (first >= cap) return [{ runs: cap, alpha }];
  return [
    { runs: first, alpha: alpha / 4 },
    { runs: cap, alpha: alpha - alpha / 4 },
  ];
}
