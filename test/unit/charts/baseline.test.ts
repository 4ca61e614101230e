import { describe, expect, it } from 'vitest';
import { buildBaselineCharts, MAX_BARS } from '../../../src/charts/baseline.js';
import type { ChartSpec } from '../../../src/charts/port.js';
import { chartsOf } from '../../../src/domain/charts.js';
import { resultFor } from '../../helpers/results.js';
import { ys } from './points.js';
import { kafkaResult, oneRunKafkaResult, trinoResult } from './results.js';

const dataset = (spec: ChartSpec | undefined, label: string) =>
  spec?.config.data.datasets.find((d) => String(d.label).startsWith(label));

describe('buildBaselineCharts', () => {
  it('matches the snapshot for a Kafka result with a previous baseline', () => {
    expect(chartsOf(kafkaResult({ previous: true }))).toMatchSnapshot();
  });

  it('matches the snapshot for a Trino result', () => {
    expect(chartsOf(trinoResult({ previous: true }))).toMatchSnapshot();
  });

  it('draws every Kafka family, one scale per chart: throughput, MB/s, producer latency, the group join', () => {
    const charts = chartsOf(kafkaResult());
    expect(charts.map((c) => c.config.data.labels)).toEqual([
      ['Producer throughput', 'Consumer throughput', 'Consumer fetch throughput'],
      ['Producer bandwidth', 'Consumer bandwidth', 'Consumer fetch bandwidth'],
      [
        'Producer latency (avg)',
        'Producer latency p50',
        'Producer latency p95',
        'Producer latency p99',
        'Producer latency p99.9',
        'Producer latency (max)',
      ],
      ['Consumer group join'],
    ]);
    expect(charts.map((c) => c.filename)).toEqual([
      'kafka-baseline-throughput-20240627t094305000z-kafka-17.png',
      'kafka-baseline-bandwidth-20240627t094305000z-kafka-17.png',
      'kafka-baseline-latency-20240627t094305000z-kafka-17.png',
      'kafka-baseline-group-join-20240627t094305000z-kafka-17.png',
    ]);
  });

  it('charts every Kafka metric the probe defines', () => {
    const drawn = chartsOf(kafkaResult()).flatMap((c) => c.config.data.labels);
    expect(new Set(drawn)).toEqual(new Set(kafkaResult().metrics.map((m) => m.label)));
  });

  it('draws the median as bars and every run sample as a point over its metric', () => {
    const [chart] = chartsOf(kafkaResult());
    expect(ys(dataset(chart, 'median'))).toEqual([118_343.2, 412_530.8, 420_000]);
    const runs = dataset(chart, 'runs')?.data as { x: string; y: number }[];
    expect(runs).toHaveLength(9);
    expect(runs).toContainEqual({ x: 'Producer throughput', y: 121_012.7 });
  });

  it('draws the target where a metric has one, and says it in the alt text with the median', () => {
    const [chart] = chartsOf(kafkaResult());
    expect(dataset(chart, 'target')?.data).toEqual([100_000, null, null]);
    expect(chart?.altText).toContain('Producer throughput: median 118,343 records/s');
    expect(chart?.altText).toContain('target ≥ 100,000 records/s (met)');
  });

  it('draws the previous baseline only when there is one', () => {
    expect(dataset(chartsOf(kafkaResult())[0], 'previous baseline')).toBeUndefined();
    const [chart] = chartsOf(kafkaResult({ previous: true }));
    expect(dataset(chart, 'previous baseline')?.data).toEqual([110_059.18, 383_653.64, 390_600]);
    expect(chart?.altText).toContain('previous baseline 110,059 records/s (improved ▲ 7.5%)');
    const [, , latency] = chartsOf(kafkaResult({ previous: true }));
    expect(latency?.altText).toContain(
      'Producer latency p99: median 511 ms over 3 run(s), 497–530 ms, previous baseline 475 ms (within noise ▲ 7.5%)',
    );
  });

  it('gives a missed Trino target and peak memory in GiB in words', () => {
    const [elapsed, memory] = chartsOf(trinoResult());
    expect(elapsed?.altText).toContain(
      'self-join elapsed: median 2,395 ms over 3 run(s), 2,310–2,480 ms, target ≤ 2,000 ms (missed)',
    );
    expect(memory?.altText).toContain('self-join peak memory: median 1.5 GiB');
    expect(memory?.filename).toBe('trino-baseline-memory-20240627t100305000z-trino-4.png');
  });

  it('calls a target checked on one run inconclusive, never met', () => {
    const result = oneRunKafkaResult();
    const [chart] = chartsOf(result);
    expect(chart?.altText).toContain('target ≥ 100,000 records/s (inconclusive, 1 run)');
    expect(chart?.altText).not.toContain('(met)');
  });

  it('says "no data" for a metric without samples, and leaves its bar empty', () => {
    const result = trinoResult({ joinMs: [] });
    const [chart] = chartsOf(result);
    expect(result.summary.find((s) => s.key === 'join.elapsed_ms')?.met).toBeNull();
    expect(ys(dataset(chart, 'median'))).toEqual([null, null, null]);
    expect(chart?.altText).toContain('self-join elapsed: no data (inconclusive)');
  });

  it('caps bars per chart and says how many were left to the table', () => {
    // One magnitude for every metric, so that the cap, not the split by magnitude, decides.
    const keys = resultFor('trino').metrics.map((m) => m.key);
    const fixed = Object.fromEntries(keys.map((key) => [key, [100, 101, 102]]));
    const result = resultFor('trino', { targets: [], fixed });
    const family = { id: 'all', title: 'all', unit: 'ms', metrics: result.metrics.map((m) => m.key) };
    const charts = buildBaselineCharts(result, [family]);
    expect(charts).toHaveLength(1);
    expect(charts[0]?.config.data.labels).toHaveLength(MAX_BARS);
    expect(charts[0]?.altText).toContain(
      `${result.metrics.length - MAX_BARS} more metric(s) in the table only.`,
    );
    expect(dataset(charts[0], 'target')).toBeUndefined();
  });

  it('keeps alt text within Slack’s 1,000 characters', () => {
    for (const chart of [...chartsOf(kafkaResult({ previous: true })), ...chartsOf(trinoResult())]) {
      expect(chart.altText.length).toBeLessThanOrEqual(1000);
    }
  });

  it('returns no chart for a result without metrics', () => {
    expect(chartsOf({ ...kafkaResult(), metrics: [], summary: [] })).toEqual([]);
  });

  it('names the simulated platform in the title and alt text of a simulated result, and only then', () => {
    const [elapsed] = chartsOf(trinoResult());
    expect(elapsed?.title).toBe('trino baseline (simulated platform): elapsed and CPU time (ms)');
    expect(elapsed?.altText).toMatch(/^trino baseline \(simulated platform\), elapsed and CPU time \(ms\): /);
    const [throughput] = chartsOf(kafkaResult());
    expect(throughput?.title).toBe('kafka baseline: throughput (records/s)');
    expect(throughput?.altText).not.toContain('simulated');
  });

  it('calls a target inconclusive in words when the runs straddle it', () => {
    const [elapsed] = chartsOf(trinoResult({ joinMs: [1_841, 1_950, 2_031] }));
    expect(elapsed?.altText).toContain('target ≤ 2,000 ms (inconclusive, runs on both sides of the target)');
  });
});
