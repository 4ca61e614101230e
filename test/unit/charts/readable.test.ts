import { describe, expect, it } from 'vitest';
import { buildHistoryChart } from '../../../src/charts/history.js';
import { displayUnit, MAX_RATIO, magnitudeRatio, needsLogScale } from '../../../src/charts/magnitude.js';
import type { ChartSpec } from '../../../src/charts/port.js';
import { buildResourcesChart } from '../../../src/charts/resources.js';
import { HEADROOM } from '../../../src/charts/style.js';
import { chartsOf } from '../../../src/domain/charts.js';
import { resultFor } from '../../helpers/results.js';
import { points, ys } from './points.js';
import { resourcesDetails } from './results.js';

/** Charts a person can read (issue 18, item 20), from the probes' own metric definitions. */

const three = (a: number, b: number, c: number) => [a, b, c];
const median = (spec: ChartSpec | undefined) => spec?.config.data.datasets.find((d) => d.label === 'median');
const yAxis = (spec: ChartSpec | undefined) =>
  ((spec?.config.options?.scales ?? {}) as { y: { suggestedMax?: number; title: { text: string } } }).y;

/** The simulated platform's Kafka: 86k records/s against a ≥ 100,000 target, consumers below it. */
const kafka = resultFor('kafka', {
  id: '20261201T100000000Z-kafka-a1',
  fixed: {
    'producer.records_per_sec': three(86_000, 85_100, 87_300),
    'consumer.msgs_per_sec': three(80_500, 79_900, 81_200),
    'consumer.fetch_msgs_per_sec': three(82_000, 81_000, 83_000),
  },
});

/** Trino: queued 2 ms, elapsed hundreds to thousands, CPU up to 13,000 ms: one family, three magnitudes. */
const trino = resultFor('trino', {
  id: '20261201T100000000Z-trino-b2',
  fixed: {
    'count.elapsed_ms': three(412, 389, 398),
    'count.cpu_ms': three(800, 790, 820),
    'count.queued_ms': three(2, 2, 3),
    'aggregate.elapsed_ms': three(1_204, 1_187, 1_251),
    'aggregate.cpu_ms': three(4_100, 4_000, 4_200),
    'aggregate.queued_ms': three(2, 1, 2),
    'join.elapsed_ms': three(1_903, 1_850, 1_990),
    'join.cpu_ms': three(13_000, 12_800, 13_300),
    'join.queued_ms': three(3, 2, 2),
  },
});

describe('a target the bar reaches stays visible', () => {
  it('gives the value axis headroom above the target and the tallest run', () => {
    const [throughput] = chartsOf(kafka);
    const top = yAxis(throughput).suggestedMax ?? 0;
    expect(top).toBeGreaterThan(100_000);
    expect(top).toBeCloseTo(100_000 * HEADROOM);
  });

  it('gives the history chart headroom above its target too', () => {
    const older = resultFor('kafka', {
      id: 'k0',
      startedAt: '2024-06-20T09:40:00.000Z',
      fixed: { 'producer.records_per_sec': three(90_000, 91_000, 92_000) },
    });
    const chart = buildHistoryChart([older, kafka]);
    expect(yAxis(chart).suggestedMax ?? 0).toBeGreaterThan(100_000);
  });
});

describe('one linear axis never holds values of very different magnitude', () => {
  const times = () => chartsOf(trino).find((c) => c.filename.startsWith('trino-baseline-time-'));

  it('draws Trino’s elapsed and CPU times on a log axis that says so when they span 63 ms to 13,177 ms', () => {
    // The simulated coordinator's figures: count(*) takes 100 ms (63 ms of CPU), the self-join 13 s of CPU.
    const wide = resultFor('trino', {
      fixed: {
        'count.elapsed_ms': three(100, 98, 103),
        'count.cpu_ms': three(63, 62, 65),
        'aggregate.elapsed_ms': three(464, 457, 478),
        'aggregate.cpu_ms': three(2_678, 2_672, 2_718),
        'join.elapsed_ms': three(1_914, 1_841, 2_031),
        'join.cpu_ms': three(13_177, 12_259, 13_321),
      },
    });
    const chart = chartsOf(wide).find((c) => c.filename.startsWith('trino-baseline-time-'));
    expect(chart?.config.data.labels).toEqual([
      'count(*) elapsed',
      'count(*) CPU time',
      'group-by aggregate elapsed',
      'group-by aggregate CPU time',
      'self-join elapsed',
      'self-join CPU time',
    ]);
    expect(yAxis(chart)).toMatchObject({ type: 'logarithmic', title: { text: 'ms, log scale' } });
    expect(chart?.title).toBe('trino baseline: elapsed and CPU time (ms) (log scale)');
    expect(chart?.altText).toContain('(log scale)');
    // 398 ms to 13,000 ms is within what a linear axis shows.
    expect(yAxis(times())).toMatchObject({ beginAtZero: true });
    expect(yAxis(times())).not.toHaveProperty('type');
  });

  it('keeps the 2 ms queue waits off that axis, on a chart of their own', () => {
    const queued = chartsOf(trino).find((c) => c.title.includes('time queued'));
    expect(queued?.config.data.labels).toEqual([
      'count(*) queued',
      'group-by aggregate queued',
      'self-join queued',
    ]);
    expect(yAxis(queued)).not.toHaveProperty('type');
  });

  it('keeps a linear axis from zero for values of one magnitude', () => {
    for (const chart of chartsOf(kafka)) {
      const ratio = magnitudeRatio(ys(median(chart)) ?? []);
      if (ratio <= MAX_RATIO) expect(yAxis(chart)).toMatchObject({ beginAtZero: true });
    }
    expect(chartsOf(kafka).map((c) => c.title)).not.toContainEqual(expect.stringContaining('log'));
  });

  it('sets zeros and missing values aside when it measures the span', () => {
    expect(magnitudeRatio([2, 400, 13_000, 0, null])).toBe(6500);
    expect(magnitudeRatio([0, 5])).toBe(1);
    expect(needsLogScale([1, 51])).toBe(true);
    expect(needsLogScale([1, 50])).toBe(false);
  });

  it('draws bytes in a unit a person reads (MiB, GiB), not as ten digits', () => {
    const memory = chartsOf(trino).find((c) => c.title.includes('peak memory'));
    expect(yAxis(memory).title.text).toMatch(/^GiB/);
    expect(displayUnit('bytes', 3 * 2 ** 20)).toEqual({ unit: 'MiB', divisor: 2 ** 20 });
    expect(displayUnit('ms', 13_000)).toEqual({ unit: 'ms', divisor: 1 });
  });
});

describe('bars carry their values', () => {
  it('labels every median bar with its figure, bytes in their unit', () => {
    const [throughput] = chartsOf(kafka);
    const bars = median(throughput);
    expect(bars?.datalabels).toMatchObject({ display: true });
    expect(points(bars).map((p) => p.label)).toEqual(['86,000', '80,500', '82,000']);
    const bytes = chartsOf(trino).find((c) => c.title.includes('peak memory'));
    expect(points(median(bytes))[0]?.label).toMatch(/^\d+(\.\d)? GiB$/);
  });

  it('lifts a label above the target it sits under', () => {
    const [throughput] = chartsOf(kafka);
    expect(points(median(throughput))[0]?.labelAt).toBe(100_000);
  });

  it('labels the nodes’ bars with their percentage', () => {
    const chart = buildResourcesChart(resourcesDetails, 'res-1');
    expect(points(chart.config.data.datasets[0]).map((p) => p.label)).toEqual(['74.5%', '85.5%', '31.3%']);
  });
});

describe('PNG file names are unique per result', () => {
  it('names every chart after its result, so that two runs do not overwrite each other', () => {
    const again = resultFor('trino', { id: '20261201T110000000Z-trino-c3' });
    const first = chartsOf(trino).map((c) => c.filename);
    const second = chartsOf(again).map((c) => c.filename);
    expect(new Set(first).size).toBe(first.length);
    expect(first.filter((name) => second.includes(name))).toEqual([]);
    expect(first[0]).toBe('trino-baseline-time-20261201t100000000z-trino-b2.png');
    const resources = resultFor('resources', { id: 'res-9', details: resourcesDetails });
    expect(chartsOf(resources).map((c) => c.filename)).toEqual(['resources-nodes-res-9.png']);
  });
});

describe('a run marked invalid', () => {
  it('is not drawn as a sample', () => {
    const runs = kafka.runs.map((r) =>
      r.index === 0 ? { ...r, invalid: 'the producer reports 700,000 records sent of 1,000,000 asked' } : r,
    );
    const [throughput] = chartsOf({ ...kafka, runs });
    const drawn = throughput?.config.data.datasets.find((d) => String(d.label).startsWith('runs'));
    expect(drawn?.label).toBe('runs (2)');
    expect(points(drawn).map((p) => p.y)).not.toContain(86_000);
  });
});
