import { describe, expect, it } from 'vitest';
import { headline } from '../../../src/analysis/headline.js';
import { buildHistoryChart } from '../../../src/charts/history.js';
import { buildOverviewChart } from '../../../src/charts/overview.js';
import { buildResourcesChart, NODE_GUIDE_PCT } from '../../../src/charts/resources.js';
import { capAltText, slug } from '../../../src/charts/style.js';
import {
  buildResult,
  kafkaMetrics,
  kafkaResult,
  kafkaTargets,
  resourcesDetails,
  scaled,
  trinoResult,
} from './results.js';

describe('buildResourcesChart', () => {
  const chart = buildResourcesChart(resourcesDetails);

  it('matches the snapshot', () => {
    expect(chart).toMatchSnapshot();
  });

  it('groups CPU and memory bars per node, busiest first, under an 80% guide line', () => {
    expect(chart.config.data.labels).toEqual(['worker-c', 'worker-a', 'worker-b']);
    const [cpu, memory, guide] = chart.config.data.datasets;
    expect(cpu?.data).toEqual([74.5, 85.5, 31.3]);
    expect(memory?.data).toEqual([88.8, 75.6, 58.8]);
    expect(guide).toMatchObject({ type: 'bar', grouped: false, label: '80% guide' });
    const middles = ((guide?.data as [number, number][] | undefined) ?? []).map(
      ([low, high]) => (low + high) / 2,
    );
    expect(middles).toEqual([NODE_GUIDE_PCT, NODE_GUIDE_PCT, NODE_GUIDE_PCT]);
    expect(chart.altText).toContain('2 at or above the 80% guide');
    expect(chart.altText).toContain('worker-a: CPU 85.5%, memory 75.6%');
  });
});

describe('buildHistoryChart', () => {
  const results = [0.9, 1, 0.95, 1.05].map((factor, i) =>
    buildResult({
      id: `r${i}`,
      service: 'kafka',
      metrics: kafkaMetrics,
      samples: scaled(
        [{ 'producer.records_per_sec': 110_000 }, { 'producer.records_per_sec': 112_000 }],
        factor,
      ),
      targets: kafkaTargets,
      startedAt: `2024-06-${String(10 + i * 5)}T09:00:00.000Z`,
    }),
  );

  it('matches the snapshot', () => {
    expect(buildHistoryChart(results)).toMatchSnapshot();
  });

  it('draws the headline median oldest first with the target as a line', () => {
    const chart = buildHistoryChart([...results].reverse());
    expect(chart?.config.data.labels).toEqual([
      '2024-06-10 09:00',
      '2024-06-15 09:00',
      '2024-06-20 09:00',
      '2024-06-25 09:00',
    ]);
    expect(chart?.config.data.datasets[0]?.data).toEqual([99_900, 111_000, 105_450, 116_550]);
    expect(chart?.config.data.datasets[1]?.data).toEqual([100_000, 100_000, 100_000, 100_000]);
    expect(chart?.altText).toContain('target ≥ 100,000 records/s, improved ▲ 17% since 2024-06-10 09:00');
  });

  it('says a trend within the runs’ noise, or from one run, is not a change', () => {
    const at = (day: number, values: number[]) =>
      buildResult({
        id: `d${day}`,
        service: 'kafka',
        metrics: kafkaMetrics,
        samples: values.map((v) => ({ 'producer.records_per_sec': v })),
        targets: kafkaTargets,
        startedAt: `2024-06-${day}T09:00:00.000Z`,
      });
    const noisy = buildHistoryChart([at(10, [100_000, 110_000]), at(11, [104_000, 112_000])]);
    expect(noisy?.altText).toContain('within noise ▲ 2.9% since 2024-06-10 09:00');
    const single = buildHistoryChart([at(10, [100_000, 101_000]), at(11, [150_000])]);
    expect(single?.altText).toContain('inconclusive ▲ 49% since 2024-06-10 09:00');
  });

  it('follows another metric when asked, and is undefined with nothing stored', () => {
    const chart = buildHistoryChart(results, 'producer.p99_ms');
    expect(chart?.config.data.datasets[0]?.data).toEqual([null, null, null, null]);
    expect(chart?.config.data.datasets).toHaveLength(1);
    expect(chart?.filename).toBe('kafka-history-producer-p99-ms.png');
    expect(buildHistoryChart([])).toBeUndefined();
  });
});

describe('buildOverviewChart', () => {
  const entries = [kafkaResult(), trinoResult(), trinoResult({ joinMs: [] })].map((result, i) => {
    const lead = headline(result);
    if (!lead) throw new Error('fixture without headline');
    return { service: ['kafka', 'trino', 'trino-empty'][i] ?? '', ...lead };
  });
  const chart = buildOverviewChart(entries);

  it('matches the snapshot', () => {
    expect(chart).toMatchSnapshot();
  });

  it('draws each headline as % of its target, coloured by verdict, and names what it cannot draw', () => {
    expect(chart.config.data.datasets[0]?.data).toEqual([118.3, 119.8]);
    expect(chart.config.data.datasets[0]?.backgroundColor).toEqual(['#59a14f', '#e15759']);
    const band = chart.config.data.datasets[1]?.data as [number, number][];
    expect(band.map(([low, high]) => (low + high) / 2)).toEqual([100, 100]);
    expect(chart.altText).toContain('trino self-join elapsed: 2,395 ms, 120% of target ≤ 2,000 ms (missed)');
    expect(chart.altText).toContain('Not drawn: trino-empty: no data.');
  });
});

describe('style helpers', () => {
  it.each([
    ['records/s', 'records-per-s'],
    ['ms', 'ms'],
    ['%', 'pct'],
    ['', 'count'],
  ])('slug(%j) → %s', (unit, expected) => expect(slug(unit)).toBe(expected));

  it('cuts alt text past 1,000 characters and says so', () => {
    const long = Array.from({ length: 200 }, (_, i) => `metric ${i}: 12 ms`).join('; ');
    const cut = capAltText(long);
    expect(cut.length).toBeLessThanOrEqual(1000);
    expect(cut.endsWith('… (cut)')).toBe(true);
  });
});
