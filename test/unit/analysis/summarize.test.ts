import { describe, expect, it } from 'vitest';
import { headline } from '../../../src/analysis/headline.js';
import { changePct, compareResults, compareRuns, summarize } from '../../../src/analysis/summarize.js';
import { serviceOf } from '../../../src/domain/services.js';
import type { MetricDef, ProbeResult, Run } from '../../../src/results/schema.js';
import { buildResult, kafkaResult, runsOf, trinoResult } from '../charts/results.js';

/** Two of the Kafka probe's own metrics. */
const kafkaMetric = (key: string): MetricDef => {
  const metric = serviceOf('kafka').metrics.find((m) => m.key === key);
  if (!metric) throw new Error(`not a kafka metric: ${key}`);
  return metric;
};
const throughput = kafkaMetric('producer.records_per_sec');
const latency = kafkaMetric('producer.latency_p95_ms');

const runs = (values: Record<string, number>[]): Run[] => runsOf(values);

describe('summarize', () => {
  it('takes the median, min, max and MAD of the runs', () => {
    const [s] = summarize(
      [throughput],
      runs([
        { 'producer.records_per_sec': 118_343.2 },
        { 'producer.records_per_sec': 121_012.7 },
        { 'producer.records_per_sec': 116_880.4 },
      ]),
      [],
    );
    expect(s).toEqual({
      key: 'producer.records_per_sec',
      n: 3,
      median: 118_343.2,
      min: 116_880.4,
      max: 121_012.7,
      mad: expect.closeTo(1_462.8, 5),
      target: null,
      met: null,
      previous: null,
      comparison: null,
    });
  });

  it.each([
    // [samples, op, target, met]: every run meets → true, every run misses → false, both sides → null
    [[118_000, 121_000, 101_000], '>=', 100_000, true],
    [[98_000, 99_000, 97_500], '>=', 100_000, false],
    [[100_000, 100_000], '>=', 100_000, true],
    [[8.2, 9.1, 9.4], '<=', 10, true],
    [[12.5, 10.1, 14.1], '<=', 10, false],
    // The median meets, a run misses (and the other way round): luck of the draw, no verdict.
    [[118_000, 121_000, 99_000], '>=', 100_000, null],
    [[98_000, 101_000, 97_500], '>=', 100_000, null],
    [[1_841, 1_950, 2_031], '<=', 2_000, null],
  ] as const)('checks every run of %j against %s %d → met %s', (values, op, value, met) => {
    const key = op === '>=' ? throughput.key : latency.key;
    const [s] = summarize([op === '>=' ? throughput : latency], runs(values.map((v) => ({ [key]: v }))), [
      { metric: key, op, value },
    ]);
    expect(s?.met).toBe(met);
    expect(s?.target).toEqual({ op, value });
  });

  it('reports a metric without samples as no data: n 0, median null, met null even with a target', () => {
    const [s] = summarize([latency], runs([{ other: 1 }, { other: 2 }]), [
      { metric: latency.key, op: '<=', value: 10 },
    ]);
    expect(s).toMatchObject({ n: 0, median: null, min: null, max: null, mad: null, met: null });
    expect(s?.target).toEqual({ op: '<=', value: 10 });
  });

  it('skips runs that lack a metric or hold a non-finite value', () => {
    const [s] = summarize(
      [latency],
      runs([{ [latency.key]: 8 }, {}, { [latency.key]: Number.NaN }, { [latency.key]: 12 }]),
      [],
    );
    expect(s).toMatchObject({ n: 2, median: 10, min: 8, max: 12 });
  });

  it.each([
    [[150_000], '>=', 100_000],
    [[50_000], '>=', 100_000],
    [[8.2], '<=', 10],
  ] as const)(
    'gives no verdict on one run: %j against %s %d → met null (inconclusive)',
    (values, op, value) => {
      const key = op === '>=' ? throughput.key : latency.key;
      const [s] = summarize([op === '>=' ? throughput : latency], runs(values.map((v) => ({ [key]: v }))), [
        { metric: key, op, value },
      ]);
      expect(s).toMatchObject({ n: 1, median: values[0], met: null, target: { op, value } });
    },
  );

  it('ignores a target that names another metric', () => {
    const [s] = summarize([throughput], runs([{ [throughput.key]: 5 }, { [throughput.key]: 6 }]), [
      { metric: 'other', op: '>=', value: 1 },
    ]);
    expect(s?.target).toBeNull();
    expect(s?.met).toBeNull();
  });

  it('compares with the previous baseline of the same key', () => {
    const previous = kafkaResult();
    const current = summarize(
      previous.metrics,
      previous.runs.map((r) => ({ ...r, samples: scale(r.samples, 1.1) })),
      [],
      previous,
    );
    const s = current.find((row) => row.key === throughput.key);
    expect(s?.previous).toBe(previous.summary.find((row) => row.key === throughput.key)?.median);
    expect(s?.comparison?.changePct).toBeCloseTo(10, 6);
    // 1.1 × each run: every current run beats every previous one (116,880 × 1.1 > 121,013).
    expect(s?.comparison).toMatchObject({ verdict: 'improved', method: 'runs-apart', nBefore: 3, nAfter: 3 });
  });

  it('judges the change on the runs of both results: overlap is noise, < 3 runs a side inconclusive', () => {
    const previous = buildResult({
      id: 'prev',
      service: 'kafka',
      metrics: [throughput, latency],
      samples: [
        { [throughput.key]: 100, [latency.key]: 10 },
        { [throughput.key]: 104, [latency.key]: 11 },
        { [throughput.key]: 110, [latency.key]: 12 },
      ],
      targets: [],
      startedAt: '2024-06-20T09:00:00.000Z',
    });
    const change = (samples: Record<string, number>[]) =>
      summarize([throughput, latency], runs(samples), [], previous).map((s) => s.comparison?.verdict);
    // 105 lies within 100–110: a higher median, but within noise; latency 7–8 well below 10–12: improved.
    expect(
      change([
        { [throughput.key]: 105, [latency.key]: 7 },
        { [throughput.key]: 112, [latency.key]: 7.5 },
        { [throughput.key]: 114, [latency.key]: 8 },
      ]),
    ).toEqual(['within_noise', 'improved']);
    expect(
      change([
        { [throughput.key]: 80, [latency.key]: 15 },
        { [throughput.key]: 85, [latency.key]: 16 },
        { [throughput.key]: 88, [latency.key]: 17 },
      ]),
    ).toEqual(['regressed', 'regressed']);
    // Two runs that beat every previous one by far are still too few to call it.
    expect(
      change([
        { [throughput.key]: 500, [latency.key]: 1 },
        { [throughput.key]: 510, [latency.key]: 1 },
      ]),
    ).toEqual(['inconclusive', 'inconclusive']);
    expect(change([{}, {}, {}])).toEqual(['inconclusive', 'inconclusive']);
    expect(
      summarize([throughput], runs([{ [throughput.key]: 1 }, { [throughput.key]: 2 }]), [])[0]?.comparison,
    ).toBeNull();
  });

  it('has no previous for a metric the previous baseline did not measure', () => {
    const previous: ProbeResult = { ...kafkaResult(), summary: [] };
    const [s] = summarize([throughput], runs([{ [throughput.key]: 1 }]), [], previous);
    expect(s).toMatchObject({ previous: null, comparison: null });
  });
});

describe('compareRuns', () => {
  it.each([
    // [current, previous, direction, verdict]
    [[120, 122, 125], [100, 105, 110], 'higher_is_better', 'improved'],
    [[120, 122, 125], [100, 105, 110], 'lower_is_better', 'regressed'],
    [[85, 88, 90], [100, 105, 110], 'higher_is_better', 'regressed'],
    [[85, 88, 90], [100, 105, 110], 'lower_is_better', 'improved'],
    // Ranges overlap: noise, however far the medians moved.
    [[105, 125, 130], [100, 105, 110], 'higher_is_better', 'within_noise'],
    [[110, 120, 130], [100, 105, 110], 'higher_is_better', 'within_noise'],
    [[100, 100, 100], [100, 100, 100], 'lower_is_better', 'within_noise'],
    // Apart, but the medians moved less than MIN_EFFECT_PCT (4.8%).
    [[104.1, 104.8, 105], [99, 100, 100.5], 'higher_is_better', 'within_noise'],
    // Apart by 6 with a range of 20 on one side: a gap below half the wider range is luck, not a change.
    [[116, 126, 136], [100, 105, 110], 'higher_is_better', 'within_noise'],
    // Fewer than three runs on a side.
    [[120, 125], [100, 105, 110], 'higher_is_better', 'inconclusive'],
    [[120, 122, 125], [100, 110], 'higher_is_better', 'inconclusive'],
    [[1_000], [100, 110], 'higher_is_better', 'inconclusive'],
    [[], [], 'higher_is_better', 'inconclusive'],
    // A zero previous median gives no ratio.
    [[5, 6, 7], [0, 0, 0], 'higher_is_better', 'inconclusive'],
  ] as const)('%j against %j (%s) → %s', (current, previous, direction, verdict) => {
    expect(compareRuns(current, previous, direction)).toBe(verdict);
  });
});

describe('compareResults', () => {
  it('compares one metric of two stored results, or gives undefined when one lacks it', () => {
    const now = kafkaResult();
    const slower = { ...now, id: 'slower', runs: scaledRuns(now, 0.9), summary: summarizeScaled(now, 0.9) };
    const compared = compareResults(throughput, now, slower);
    expect(compared?.verdict).toBe('improved');
    expect(compared?.changePct).toBeCloseTo(100 / 0.9 - 100, 6);
    expect(compareResults(throughput, now, now)).toEqual({
      changePct: 0,
      verdict: 'within_noise',
      method: 'runs-apart',
      nBefore: 3,
      nAfter: 3,
    });
    // A metric of another probe: Kafka's results do not have it.
    const [trinoMetric] = trinoResult().metrics;
    expect(trinoMetric && compareResults(trinoMetric, now, slower)).toBeUndefined();
  });
});

function scaledRuns(result: ProbeResult, factor: number): Run[] {
  return result.runs.map((r) => ({ ...r, samples: scale(r.samples, factor) }));
}

function summarizeScaled(result: ProbeResult, factor: number) {
  return summarize(result.metrics, scaledRuns(result, factor), []);
}

describe('changePct', () => {
  it.each([
    [110, 100, 10],
    [90, 100, -10],
    [-5, -10, 50],
    [1, 0, null],
    [null, 100, null],
    [100, null, null],
  ])('%s against %s → %s', (current, previous, expected) => {
    const got = changePct(current, previous);
    if (expected === null) expect(got).toBeNull();
    else expect(got).toBeCloseTo(expected, 9);
  });
});

describe('headline', () => {
  it('is the first metric with a target', () => {
    expect(headline(trinoResult())?.metric.key).toBe('join.elapsed_ms');
  });

  it('is the first metric when none has a target', () => {
    const result = kafkaResult();
    const untargeted = { ...result, summary: result.summary.map((s) => ({ ...s, target: null, met: null })) };
    expect(headline(untargeted)?.metric.key).toBe('producer.records_per_sec');
  });

  it('can be asked for by key, and is undefined for an unknown key or no metrics', () => {
    expect(headline(kafkaResult(), 'producer.latency_p99_ms')?.summary.median).toBe(511);
    expect(headline(kafkaResult(), 'nope')).toBeUndefined();
    expect(headline({ ...kafkaResult(), metrics: [], summary: [] })).toBeUndefined();
  });
});

function scale(samples: Record<string, number>, factor: number): Record<string, number> {
  return Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, v * factor]));
}
