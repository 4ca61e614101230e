import { describe, expect, it } from 'vitest';
import {
  adaptiveLooks,
  hodgesLehmann,
  judgeShift,
  mannWhitneyP,
  minRunsFor,
  type ShiftVerdict,
} from '../../../src/analysis/shift.js';
import { mulberry32 } from '../../../src/sim/random.js';

describe('the exact Mann–Whitney test', () => {
  it('at 3 runs a side its smallest p is 0.10; at 4 it is 2/70', () => {
    expect(mannWhitneyP([1, 2, 3], [4, 5, 6])).toBeCloseTo(0.1, 10);
    expect(mannWhitneyP([1, 2, 3, 4], [5, 6, 7, 8])).toBeCloseTo(2 / 70, 10);
    expect(minRunsFor(0.05)).toBe(4);
    expect(minRunsFor(0.025)).toBe(5);
  });

  it('identical samples give p = 1; the order of the arguments does not matter', () => {
    expect(mannWhitneyP([1, 2, 3, 4], [1, 2, 3, 4])).toBe(1);
    const x = [3.1, 2.7, 3.9, 3.3, 2.8];
    const y = [3.6, 4.2, 3.8, 4.4, 3.0];
    expect(mannWhitneyP(x, y)).toBeCloseTo(mannWhitneyP(y, x), 12);
  });

  it('the Hodges–Lehmann interval brackets its estimate and covers at least the level asked', () => {
    const hl = hodgesLehmann([1, 2, 3, 4, 5], [3, 4, 5, 6, 7], 0.95);
    expect(hl?.estimate).toBe(2);
    expect(hl && hl.low <= 2 && hl.high >= 2).toBe(true);
    expect(hl?.coverage).toBeGreaterThanOrEqual(0.95);
    // Too few runs for any interval at that level.
    expect(hodgesLehmann([1, 2], [3, 4], 0.95)).toBeUndefined();
  });
});

describe('judgeShift', () => {
  const opts = { threshold: 0.03, alpha: 0.05 } as const;

  it('a clear gain is improved with the right sign; for latency, lower is better', () => {
    const before = [100, 98, 103, 101, 99];
    const after = [111, 113, 109, 112, 115];
    const up = judgeShift(before, after, { ...opts, direction: 'higher_is_better' });
    expect(up.verdict).toBe('improved');
    expect(up.test?.change).toBeGreaterThan(0.08);
    expect(up.test?.low).toBeGreaterThan(0.03);
    expect(judgeShift(before, after, { ...opts, direction: 'lower_is_better' }).verdict).toBe('regressed');
    expect(judgeShift(after, before, { ...opts, direction: 'lower_is_better' }).verdict).toBe('improved');
  });

  it('too few runs and no data are inconclusive, with the reason', () => {
    const few = judgeShift([100, 101, 99], [120, 121, 119], { ...opts, direction: 'higher_is_better' });
    expect(few).toMatchObject({ verdict: 'inconclusive' });
    expect(few.reason).toMatch(/needs ≥ 4 runs a side/);
    const none = judgeShift([100, 101, 99, 100], [], { ...opts, direction: 'higher_is_better' });
    expect(none.reason).toBe('no data after');
    expect(judgeShift([Number.NaN], [1], { ...opts, direction: 'higher_is_better' }).reason).toBe(
      'no data before',
    );
  });

  it('identical runs are no meaningful change; a small noisy shift straddles the threshold', () => {
    const same = [100, 101, 99, 100.5, 99.5, 100.2];
    expect(judgeShift(same, same, { ...opts, direction: 'higher_is_better' }).verdict).toBe('no_change');
    const noisy = judgeShift([100, 92, 108, 97, 104], [103, 95, 111, 99, 107], {
      ...opts,
      direction: 'higher_is_better',
    });
    expect(noisy.verdict).toBe('inconclusive');
    expect(noisy.reason).toMatch(/straddles ±3.0%/);
  });

  it('values at or below zero are compared on their own scale, against the baseline median', () => {
    const j = judgeShift([0.5, 0.6, 0.4, 0.5, 0.55], [0, 0, 0, 0, 0], {
      ...opts,
      direction: 'lower_is_better',
    });
    expect(j.test?.method).toBe('mann-whitney-hodges-lehmann');
    expect(j.verdict).toBe('improved');
  });
});

/**
 * Calibration where the truth is known (issue #16): seeded log-normal runs at a stated noise, with
 * and without heavy tails (15% of runs 40% slower), judged as validation does: a before side of
 * `beforeRuns` (the baseline, measured once: after a change it cannot be measured again), the after
 * side 5 runs, then (while inconclusive) 10, at the looks' shares of α (`adaptiveLooks`).
 */
function lognormal(random: () => number, cv: number): () => number {
  const sigma = Math.sqrt(Math.log(1 + cv * cv));
  return () => {
    const u = Math.max(random(), 1e-12);
    const v = random();
    return Math.exp(sigma * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v) - (sigma * sigma) / 2);
  };
}

function trial(
  random: () => number,
  cv: number,
  shift: number,
  heavy: boolean,
  beforeRuns = 5,
): ShiftVerdict {
  const noise = lognormal(random, cv);
  // Throughput: higher is better; a GC pause or a noisy neighbour makes a run 40% slower.
  const run = (scale: number) => (100 * scale * noise()) / (heavy && random() < 0.15 ? 1.4 : 1);
  const before = Array.from({ length: beforeRuns }, () => run(1));
  const after: number[] = [];
  let verdict: ShiftVerdict = 'inconclusive';
  for (const look of adaptiveLooks(5, 10, 0.05)) {
    while (after.length < look.runs) after.push(run(1 + shift));
    verdict = judgeShift(before, after, {
      direction: 'higher_is_better',
      threshold: 0.03,
      alpha: look.alpha,
    }).verdict;
    if (verdict !== 'inconclusive') break;
  }
  return verdict;
}

function share(trials: number, seed: number, run: (random: () => number) => ShiftVerdict) {
  const random = mulberry32(seed);
  const counts: Record<ShiftVerdict, number> = { improved: 0, regressed: 0, no_change: 0, inconclusive: 0 };
  for (let i = 0; i < trials; i++) counts[run(random)] += 1;
  return Object.fromEntries(Object.entries(counts).map(([k, v]) => [k, v / trials])) as Record<
    ShiftVerdict,
    number
  >;
}

describe('calibration: 1,000 seeded trials a case', () => {
  it('A/A at 5% noise: at most 5% say improved or regressed, with or without heavy tails, 3 or 5 runs before', () => {
    for (const heavy of [false, true])
      for (const beforeRuns of [3, 5]) {
        const s = share(1000, heavy ? 11 : 7, (r) => trial(r, 0.05, 0, heavy, beforeRuns));
        expect(s.improved + s.regressed).toBeLessThanOrEqual(0.05);
      }
  });

  it('a true +10% at 3% noise against a 5-run baseline is called improved at least 90% of the time, never regressed', () => {
    const s = share(1000, 23, (r) => trial(r, 0.03, 0.1, false));
    expect(s.improved).toBeGreaterThanOrEqual(0.9);
    expect(s.regressed).toBe(0);
  });

  it("against a 3-run baseline (the probes' default) it decides less often, and is never wrong", () => {
    const s = share(1000, 23, (r) => trial(r, 0.03, 0.1, false, 3));
    expect(s.improved).toBeGreaterThan(0.5);
    expect(s.regressed + s.no_change).toBe(0);
  });

  it('unequal sides decide when the exact test can: 3 before against 10 after, not against 5', () => {
    const before = [100, 101, 99];
    const [first, last] = adaptiveLooks(5, 10, 0.05);
    const judge = (after: number[], alpha: number) =>
      judgeShift(before, after, { direction: 'higher_is_better', threshold: 0.03, alpha });
    const five = judge([120, 121, 119, 122, 118], first?.alpha ?? 0);
    expect(five.verdict).toBe('inconclusive');
    expect(five.reason).toMatch(/needs ≥ 5 runs a side, or ≥ 8 after against 3 before/);
    expect(judge([120, 121, 119, 122, 118, 120, 121, 119, 122, 118], last?.alpha ?? 0).verdict).toBe(
      'improved',
    );
  });

  it('the looks are fixed in advance and split α', () => {
    const looks = adaptiveLooks(5, 10, 0.05);
    expect(looks.map((l) => l.runs)).toEqual([5, 10]);
    expect(looks[0]?.alpha).toBeCloseTo(0.0125, 12);
    expect(looks[1]?.alpha).toBeCloseTo(0.0375, 12);
    expect((looks[0]?.alpha ?? 1) + (looks[1]?.alpha ?? 1)).toBeLessThanOrEqual(0.05);
    expect(adaptiveLooks(10, 10, 0.05)).toEqual([{ runs: 10, alpha: 0.05 }]);
  });
});
