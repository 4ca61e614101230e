import { describe, expect, it } from 'vitest';
import {
  type CriteriaInput,
  noRegressionCriterion,
  overallCriterion,
  targetCriterion,
} from '../../../src/analysis/criteria.js';
import { validate } from '../../../src/analysis/validation.js';
import { ChangeRecordSchema } from '../../../src/changes/record.js';
import type { ProbeResult } from '../../../src/results/schema.js';
import { resultFor } from '../../helpers/results.js';

const T = 'producer.records_per_sec';
const series = (base: number, n = 6) =>
  Array.from({ length: n }, (_, i) => base * (1 + ((i % 3) - 1) * 0.01));
const kafka = (id: string, throughput: number) =>
  resultFor('kafka', {
    id,
    runs: 6,
    startedAt: '2026-12-01T08:00:00.000Z',
    fixed: { [T]: series(throughput) },
  });

/** Two results judged by the real validation, stored as `/perf validate` stores it. */
function validated(
  before: ProbeResult,
  after: ProbeResult,
  change: number,
  changeIds: string[],
): ProbeResult {
  const v = validate(before, after, {
    defaultThreshold: 0.03,
    alpha: 0.05,
    targets: [{ metric: T, change }],
  });
  if (!v.ok) throw new Error(v.reason);
  return {
    ...after,
    validation: {
      beforeId: before.id,
      chosen: 'the last baseline',
      alpha: 0.05,
      looks: [{ runs: 6, alpha: 0.05 }],
      metrics: v.metrics.map((m) => ({ key: m.key, ...m.judgement })),
      targets: v.targets,
      differences: [],
      changeIds,
    },
  };
}

const applied = ChangeRecordSchema.parse({
  id: 'chg-0000beef',
  service: 'kafka',
  state: 'applied',
  version: 4,
  requestedBy: 'U0ALICE',
  createdAt: '2026-12-01T09:00:00.000Z',
  expiresAt: '2026-12-01T10:00:00.000Z',
  history: [],
  plan: { knobSet: 'jvm' },
});

const input = (after: ProbeResult, before: ProbeResult): CriteriaInput => ({
  results: { kafka: [before, after] },
  changes: [applied],
  targets: { kafka: [{ metric: T, change: 0.2 }] },
  overall: 0.3,
  since: '2026-11-24T12:00:00.000Z',
});

describe('the success criteria', () => {
  it('ticks overall only when every target interval clears it, and says which falls short', () => {
    const before = kafka('b', 100e3);
    const big = input(validated(before, kafka('a', 150e3), 0.2, [applied.id]), before);
    expect(overallCriterion(big)).toMatchObject({ done: true, ids: ['a'] });
    // +25% clears the kafka target (+20%) but not the overall +30%.
    const mid = input(validated(before, kafka('a', 125e3), 0.2, [applied.id]), before);
    expect(targetCriterion('kafka', { metric: T, change: 0.2 }, mid).done).toBe(true);
    const overall = overallCriterion(mid);
    expect(overall.done).toBe(false);
    expect(overall.detail).toMatch(
      /kafka Producer throughput \+20%: its interval's worst end is \+2\d\.\d% better/,
    );
  });

  it('does not tick a target the validation judged against another figure than the config now asks', () => {
    const before = kafka('b', 100e3);
    const state = input(validated(before, kafka('a', 150e3), 0.1, []), before);
    const c = targetCriterion('kafka', { metric: T, change: 0.2 }, state);
    expect(c).toMatchObject({ done: false, ids: ['a'], command: 'validate kafka' });
    expect(c.detail).toMatch(/did not judge this target/);
  });

  it('leaves the box empty with the rollback to run when an applied change regressed', () => {
    const before = kafka('b', 100e3);
    const state = input(validated(before, kafka('a', 70e3), 0.2, [applied.id]), before);
    const c = noRegressionCriterion(state);
    expect(c).toMatchObject({ done: false, ids: ['a'], command: 'rollback chg-0000beef' });
    expect(c.detail).toContain('regressed and still applied: chg-0000beef (a)');
    const fine = noRegressionCriterion(
      input(validated(before, kafka('a', 150e3), 0.2, [applied.id]), before),
    );
    expect(fine).toMatchObject({ done: true, ids: ['a'] });
  });
});
