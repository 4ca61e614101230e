import fc from 'fast-check';
import { median } from 'simple-statistics';
import { describe, expect, it } from 'vitest';
import {
  compareRuns,
  MIN_COMPARE_SAMPLES,
  MIN_EFFECT_PCT,
  MIN_GAP_RATIO,
} from '../../../src/analysis/summarize.js';
import type { Change, Direction } from '../../../src/results/schema.js';
import { mulberry32 } from '../../../src/sim/random.js';

/** The sandbox's seeded PRNG, so that the rates below are the same on every run. */
const prng = mulberry32;

/** n draws of normal noise (Box–Muller) with a relative standard deviation around `centre`. */
function draws(random: () => number, n: number, centre: number, relSd: number): number[] {
  return Array.from({ length: n }, () => {
    const u = 1 - random();
    const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
    return centre * (1 + relSd * z);
  });
}

const TRIALS = 2_000;

function verdicts(seed: number, n: number, shift: number, relSd: number, direction: Direction): Change[] {
  const random = prng(seed);
  return Array.from({ length: TRIALS }, () =>
    compareRuns(draws(random, n, 100 * (1 + shift), relSd), draws(random, n, 100, relSd), direction),
  );
}

const share = (all: Change[], ...which: Change[]) => all.filter((c) => which.includes(c)).length / all.length;

describe('compareRuns against noise (seeded, 2,000 trials each)', () => {
  it.each([
    [3, 'higher_is_better'],
    [3, 'lower_is_better'],
    [5, 'higher_is_better'],
  ] as const)(
    'gives no verdict in ≥ 97 percent of trials when nothing changed: n=%i, 4 percent noise, %s',
    (n, dir) => {
      const all = verdicts(20_240_601 + n, n, 0, 0.04, dir);
      expect(share(all, 'within_noise', 'inconclusive')).toBeGreaterThanOrEqual(0.97);
    },
  );

  it('is inconclusive with two runs a side whatever the data (the old rule erred 1 time in 3 here)', () => {
    expect(share(verdicts(7, 2, 0, 0.04, 'higher_is_better'), 'inconclusive')).toBe(1);
  });

  it.each([
    [0.2, 'higher_is_better', 'improved'],
    [0.2, 'lower_is_better', 'regressed'],
    [-0.2, 'higher_is_better', 'regressed'],
    [-0.2, 'lower_is_better', 'improved'],
  ] as const)(
    'detects a shift of %d (2 percent noise, n=3) in ≥ 95 percent of trials: %s → %s',
    (shift, dir, want) => {
      const all = verdicts(99, 3, shift, 0.02, dir);
      expect(share(all, want)).toBeGreaterThanOrEqual(0.95);
      expect(share(all, want === 'improved' ? 'regressed' : 'improved')).toBe(0);
    },
  );
});

describe('compareRuns properties', () => {
  const value = fc.double({ min: 1, max: 1e6, noNaN: true });
  const side = (min: number) => fc.array(value, { minLength: min, maxLength: 8 });
  const direction = fc.constantFrom<Direction>('higher_is_better', 'lower_is_better');

  it('is inconclusive whenever a side has fewer than MIN_COMPARE_SAMPLES runs', () => {
    const short = fc.array(value, { maxLength: MIN_COMPARE_SAMPLES - 1 });
    fc.assert(
      fc.property(short, side(0), direction, (few, any, dir) => {
        expect(compareRuns(few, any, dir)).toBe('inconclusive');
        expect(compareRuns(any, few, dir)).toBe('inconclusive');
      }),
    );
  });

  it('calls a change only for apart ranges, a wide enough gap and medians ≥ MIN_EFFECT_PCT apart', () => {
    fc.assert(
      fc.property(side(3), side(3), direction, (current, previous, dir) => {
        const verdict = compareRuns(current, previous, dir);
        if (verdict !== 'improved' && verdict !== 'regressed') return;
        const gap = Math.max(
          Math.min(...current) - Math.max(...previous),
          Math.min(...previous) - Math.max(...current),
        );
        const widest = Math.max(
          Math.max(...current) - Math.min(...current),
          Math.max(...previous) - Math.min(...previous),
        );
        expect(gap).toBeGreaterThan(0);
        expect(gap).toBeGreaterThanOrEqual(MIN_GAP_RATIO * widest);
        const move = ((median(current) - median(previous)) / median(previous)) * 100;
        expect(Math.abs(move)).toBeGreaterThanOrEqual(MIN_EFFECT_PCT);
        const better = dir === 'higher_is_better' ? move > 0 : move < 0;
        expect(verdict).toBe(better ? 'improved' : 'regressed');
      }),
    );
  });

  it('flips its verdict when the two sides swap', () => {
    const flip: Record<Change, Change> = {
      improved: 'regressed',
      regressed: 'improved',
      within_noise: 'within_noise',
      inconclusive: 'inconclusive',
    };
    fc.assert(
      fc.property(side(3), fc.double({ min: 0.5, max: 2, noNaN: true }), direction, (runs, k, dir) => {
        const other = runs.map((v) => v * k);
        const forward = compareRuns(other, runs, dir);
        // A 5% move one way is less than 5% back: only the verdict's sign is symmetric near the edge.
        if (Math.abs(k - 1) > 0.1) expect(compareRuns(runs, other, dir)).toBe(flip[forward]);
      }),
    );
  });
});
