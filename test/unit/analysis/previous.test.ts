import { describe, expect, it } from 'vitest';
import {
  comparable,
  contextDifferences,
  paramDifferences,
  selectPrevious,
} from '../../../src/analysis/previous.js';
import type { ProbeResult } from '../../../src/results/schema.js';
import { buildResult, kafkaMetrics, kafkaTargets } from '../charts/results.js';

const PARAMS = { runs: 3, warmup: true, topic: 'perf', records: 1_000_000, acks: 'all' };
const CONTEXT: ProbeResult['context'] = {
  nodeCount: 3,
  images: ['bitnami/kafka:3.7.0'],
  settings: { 'num.io.threads': '8' },
  simulated: false,
};

/** A stored Kafka result of the given day, with params and context overridden. */
function stored(
  day: number,
  params: Partial<typeof PARAMS> = {},
  context: ProbeResult['context'] = {},
): ProbeResult {
  return buildResult({
    id: `2024-06-${day}-kafka`,
    service: 'kafka',
    metrics: kafkaMetrics,
    samples: [{ 'producer.records_per_sec': 100_000 + day }, { 'producer.records_per_sec': 101_000 + day }],
    targets: kafkaTargets,
    startedAt: `2024-06-${day}T09:00:00.000Z`,
    params: { ...PARAMS, ...params },
    context: { ...CONTEXT, ...context },
  });
}

const current = { params: PARAMS, context: CONTEXT };

describe('selectPrevious', () => {
  it('takes the newest like-for-like result and says nothing more when it is also the newest', () => {
    const choice = selectPrevious(current, [stored(10), stored(12), stored(11)]);
    expect(choice.previous?.id).toBe('2024-06-12-kafka');
    expect(choice.comparison).toBeUndefined();
  });

  it('ignores the run count and warm-up: a 5-run baseline compares with a 3-run one', () => {
    const choice = selectPrevious({ ...current, params: { ...PARAMS, runs: 5, warmup: false } }, [
      stored(10),
    ]);
    expect(choice.previous?.id).toBe('2024-06-10-kafka');
    expect(choice.comparison).toBeUndefined();
  });

  it('skips newer results with other params or on another kind of platform, and says so', () => {
    const history = [
      stored(10),
      stored(11, { records: 500_000, acks: '1' }),
      stored(12, {}, { simulated: true }),
      stored(13, { records: 500_000 }),
    ];
    const choice = selectPrevious(current, history);
    expect(choice.previous?.id).toBe('2024-06-10-kafka');
    expect(choice.comparison).toEqual({
      previousId: '2024-06-10-kafka',
      differences: [
        'skipped 3 newer result(s) with other params or platform; the newest (2024-06-13-kafka) differs: records 500000 → 1000000',
      ],
    });
    const simulated = selectPrevious(current, [stored(10), stored(12, {}, { simulated: true })]);
    expect(simulated.comparison?.differences[0]).toMatch(/differs: platform simulated → real cluster$/);
  });

  it('finds nothing when no stored result has the same params, and says what the newest had', () => {
    const choice = selectPrevious(current, [stored(10, { records: 10 }), stored(11, { topic: 'other' })]);
    expect(choice.previous).toBeUndefined();
    expect(choice.comparison).toEqual({
      previousId: null,
      differences: [
        'no stored result with the same params and platform (2 searched); the newest (2024-06-11-kafka) differs: topic other → perf',
      ],
    });
  });

  it('keeps a like-for-like baseline whose environment differs, and lists the differences', () => {
    const before = stored(
      10,
      {},
      {
        nodeCount: 4,
        images: ['bitnami/kafka:3.6.1'],
        settings: { 'num.io.threads': '16', 'log.flush': 'x' },
      },
    );
    const choice = selectPrevious(current, [before]);
    expect(choice.previous?.id).toBe('2024-06-10-kafka');
    expect(choice.comparison?.differences).toEqual([
      'node count 4 → 3',
      'images bitnami/kafka:3.6.1 → bitnami/kafka:3.7.0',
      'setting log.flush x → (unset)',
      'setting num.io.threads 16 → 8',
    ]);
  });

  it('has nothing to compare with before a first baseline', () => {
    expect(selectPrevious(current, [])).toEqual({ previous: undefined, comparison: undefined });
  });
});

describe('comparable, paramDifferences and contextDifferences', () => {
  it('treats a result stored without `simulated` as measured on a real cluster', () => {
    expect(comparable(current, { params: PARAMS, context: {} })).toBe(true);
    expect(comparable(current, { params: PARAMS, context: { simulated: true } })).toBe(false);
  });

  it('names params added or removed as (unset)', () => {
    expect(paramDifferences({ a: 1, runs: 1 }, { b: true, runs: 9 })).toEqual([
      'a 1 → (unset)',
      'b (unset) → true',
    ]);
  });

  it('does not claim a difference where one side did not record the field', () => {
    expect(contextDifferences({ nodeCount: 3 }, { images: ['x'], settings: { a: 'b' } })).toEqual([]);
    expect(contextDifferences({ images: ['a', 'b'] }, { images: ['b', 'a'] })).toEqual([]);
    expect(contextDifferences({ images: ['a', 'b'] }, { images: ['b'] })).toEqual(['images a → (none)']);
  });
});
