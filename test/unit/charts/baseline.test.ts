import { describe, expect, it } from 'vitest';
import { buildBaselineCharts, MAX_BARS } from '../../../src/charts/baseline.js';
import type { ChartSpec } from '../../../src/charts/port.js';
import type { MetricDef } from '../../../src/results/schema.js';
import { buildResult, kafkaResult, oneRunKafkaResult, trinoResult } from './results.js';

const dataset = (spec: ChartSpec | undefined, label: string) =>
  spec?.config.data.datasets.find((d) => String(d.label).startsWith(label));

describe('buildBaselineCharts', () => {
  it('matches the snapshot for a Kafka result with a previous baseline', () => {
    expect(buildBaselineCharts(kafkaResult({ previous: true }))).toMatchSnapshot();
  });

  it('matches the snapshot for a Trino result', () => {
    expect(buildBaselineCharts(trinoResult({ previous: true }))).toMatchSnapshot();
  });

  it('draws Kafka as two charts: the headline unit (throughput) first, then the largest group (latency)', () => {
    const charts = buildBaselineCharts(kafkaResult());
    expect(charts.map((c) => c.config.data.labels)).toEqual([
      ['producer throughput', 'consumer throughput'],
      ['avg latency', 'p50 latency', 'p95 latency', 'p99 latency', 'p99.9 latency'],
    ]);
    expect(charts.map((c) => c.filename)).toEqual([
      'kafka-baseline-records-per-s.png',
      'kafka-baseline-ms.png',
    ]);
  });

  it('draws the median as bars and every run sample as a point over its metric', () => {
    const [chart] = buildBaselineCharts(kafkaResult());
    expect(dataset(chart, 'median')?.data).toEqual([118_343.2, 412_530.8]);
    const runs = dataset(chart, 'runs')?.data as { x: string; y: number }[];
    expect(runs).toHaveLength(6);
    expect(runs).toContainEqual({ x: 'producer throughput', y: 121_012.7 });
  });

  it('draws the target where a metric has one, and says it in the alt text with the median', () => {
    const [chart] = buildBaselineCharts(kafkaResult());
    expect(dataset(chart, 'target')?.data).toEqual([100_000, null]);
    expect(chart?.altText).toContain('producer throughput: median 118,343 records/s');
    expect(chart?.altText).toContain('target ≥ 100,000 records/s (met)');
  });

  it('draws the previous baseline only when there is one', () => {
    expect(dataset(buildBaselineCharts(kafkaResult())[0], 'previous baseline')).toBeUndefined();
    const [chart] = buildBaselineCharts(kafkaResult({ previous: true }));
    expect(dataset(chart, 'previous baseline')?.data).toEqual([110_059.18, 383_653.64]);
    expect(chart?.altText).toContain('previous baseline 110,059 records/s (improved ▲ 7.5%)');
    const [, latency] = buildBaselineCharts(kafkaResult({ previous: true }));
    expect(latency?.altText).toContain(
      'p99 latency: median 511 ms over 3 run(s), 497–530 ms, previous baseline 475 ms (within noise ▲ 7.5%)',
    );
  });

  it('gives a missed Trino target and peak memory in GiB in words', () => {
    const [elapsed, memory] = buildBaselineCharts(trinoResult());
    expect(elapsed?.altText).toContain(
      'self-join elapsed: median 2,395 ms over 3 run(s), 2,310–2,480 ms, target ≤ 2,000 ms (missed)',
    );
    expect(memory?.altText).toContain('self-join peak memory: median 1.5 GiB');
    expect(memory?.filename).toBe('trino-baseline-bytes.png');
  });

  it('calls a target checked on one run inconclusive, never met', () => {
    const result = oneRunKafkaResult();
    const [chart] = buildBaselineCharts(result);
    expect(chart?.altText).toContain('target ≥ 100,000 records/s (inconclusive, 1 run)');
    expect(chart?.altText).not.toContain('(met)');
  });

  it('says "no data" for a metric without samples, and leaves its bar empty', () => {
    const result = trinoResult({ joinMs: [] });
    const [chart] = buildBaselineCharts(result);
    expect(result.summary.find((s) => s.key === 'join.elapsed_ms')?.met).toBeNull();
    expect(dataset(chart, 'median')?.data).toEqual([null, null, null]);
    expect(chart?.altText).toContain('self-join elapsed: no data (inconclusive)');
  });

  it('works for any probe: caps bars per chart and says how many were left to the table', () => {
    const metrics: MetricDef[] = Array.from({ length: MAX_BARS + 3 }, (_, i) => ({
      key: `q${i}.elapsed_ms`,
      label: `query ${i}`,
      unit: 'ms',
      direction: 'lower_is_better',
    }));
    const samples = [Object.fromEntries(metrics.map((m, i) => [m.key, 100 + i]))];
    const result = buildResult({
      id: 'r',
      service: 'ray',
      metrics,
      samples,
      targets: [],
      startedAt: '2024-06-27T10:00:00.000Z',
    });
    const charts = buildBaselineCharts(result);
    expect(charts).toHaveLength(1);
    expect(charts[0]?.config.data.labels).toHaveLength(MAX_BARS);
    expect(charts[0]?.altText).toContain('3 more metric(s) in the table only.');
    expect(dataset(charts[0], 'target')).toBeUndefined();
  });

  it('keeps alt text within Slack’s 1,000 characters', () => {
    for (const chart of [
      ...buildBaselineCharts(kafkaResult({ previous: true })),
      ...buildBaselineCharts(trinoResult()),
    ]) {
      expect(chart.altText.length).toBeLessThanOrEqual(1000);
    }
  });

  it('returns no chart for a result without metrics', () => {
    expect(buildBaselineCharts({ ...kafkaResult(), metrics: [], summary: [] })).toEqual([]);
  });

  it('names the simulated platform in the title and alt text of a simulated result, and only then', () => {
    const [elapsed] = buildBaselineCharts(trinoResult());
    expect(elapsed?.title).toBe('trino baseline (simulated platform): time (ms)');
    expect(elapsed?.altText).toMatch(/^trino baseline \(simulated platform\), time \(ms\): /);
    const [throughput] = buildBaselineCharts(kafkaResult());
    expect(throughput?.title).toBe('kafka baseline: throughput (records/s)');
    expect(throughput?.altText).not.toContain('simulated');
  });

  it('calls a target inconclusive in words when the runs straddle it', () => {
    const [elapsed] = buildBaselineCharts(trinoResult({ joinMs: [1_841, 1_950, 2_031] }));
    expect(elapsed?.altText).toContain('target ≤ 2,000 ms (inconclusive, runs on both sides of the target)');
  });
});
