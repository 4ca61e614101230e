import { describe, expect, it } from 'vitest';
import { headline } from '../../../src/analysis/headline.js';
import { ChangeRecordSchema } from '../../../src/changes/record.js';
import { buildHistoryChart, historyMarks } from '../../../src/charts/history.js';
import { buildOverviewChart, OVERVIEW_CAP_PCT } from '../../../src/charts/overview.js';
import { buildResourcesChart, NODE_GUIDE_PCT } from '../../../src/charts/resources.js';
import { capAltText, slug } from '../../../src/charts/style.js';
import { points, ys } from './points.js';
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
  const chart = buildResourcesChart(resourcesDetails, 'res-1');

  it('matches the snapshot', () => {
    expect(chart).toMatchSnapshot();
  });

  it('groups CPU and memory bars per node, busiest first, under an 80% guide line', () => {
    expect(chart.config.data.labels).toEqual(['worker-c', 'worker-a', 'worker-b']);
    const [cpu, memory, guide] = chart.config.data.datasets;
    expect(ys(cpu)).toEqual([74.5, 85.5, 31.3]);
    expect(ys(memory)).toEqual([88.8, 75.6, 58.8]);
    expect(guide).toMatchObject({ type: 'bar', grouped: false, label: '80% guide' });
    const middles = ((guide?.data as [number, number][] | undefined) ?? []).map(
      ([low, high]) => (low + high) / 2,
    );
    expect(middles).toEqual([NODE_GUIDE_PCT, NODE_GUIDE_PCT, NODE_GUIDE_PCT]);
    expect(chart.altText).toContain('2 at or above the 80% guide');
    expect(chart.altText).toContain('worker-a: CPU 85.5%, memory 75.6%');
    expect(chart.title).toBe('Node usage, % of allocatable');
  });

  it('names the simulated platform when told the details came from it', () => {
    const simulated = buildResourcesChart(resourcesDetails, 'res-1', true);
    expect(simulated.title).toBe('Node usage, % of allocatable (simulated platform)');
    expect(simulated.altText).toMatch(/^Node usage, % of allocatable \(simulated platform\), 3 node\(s\)/);
    expect(buildResourcesChart(resourcesDetails, 'res-1', false).title).toBe(chart.title);
  });
});

describe('buildHistoryChart', () => {
  const results = [0.9, 1, 0.95, 1.05].map((factor, i) =>
    buildResult({
      id: `r${i}`,
      service: 'kafka',
      metrics: kafkaMetrics,
      samples: scaled(
        [
          { 'producer.records_per_sec': 110_000 },
          { 'producer.records_per_sec': 111_000 },
          { 'producer.records_per_sec': 112_000 },
        ],
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
    expect(ys(chart?.config.data.datasets[0])).toEqual([99_900, 111_000, 105_450, 116_550]);
    expect(chart?.config.data.datasets[1]?.data).toEqual([100_000, 100_000, 100_000, 100_000]);
    expect(chart?.altText).toContain('target ≥ 100,000 records/s, improved ▲ 17% since 2024-06-10 09:00');
  });

  const at = (day: number, values: number[], params: Record<string, number> = {}, simulated = false) =>
    buildResult({
      id: `d${day}`,
      service: 'kafka',
      metrics: kafkaMetrics,
      samples: values.map((v) => ({ 'producer.records_per_sec': v })),
      targets: kafkaTargets,
      startedAt: `2024-06-${day}T09:00:00.000Z`,
      params: { runs: values.length, warmup: false, ...params },
      context: simulated ? { simulated: true } : {},
    });

  it('says a trend within the runs’ noise, or from one run, is not a change', () => {
    const noisy = buildHistoryChart([
      at(10, [100_000, 105_000, 110_000]),
      at(11, [104_000, 108_000, 112_000]),
    ]);
    expect(noisy?.altText).toContain('within noise ▲ 2.9% since 2024-06-10 09:00');
    const single = buildHistoryChart([at(10, [100_000, 100_500, 101_000]), at(11, [150_000])]);
    expect(single?.altText).toContain('inconclusive ▲ 49% since 2024-06-10 09:00');
  });

  it('draws and trends only results with the newest one’s params, and says how many it left out', () => {
    const unthrottled = [at(10, [100_000, 101_000, 102_000]), at(12, [99_000, 100_000, 101_000])];
    const throttled = at(11, [19_000, 20_000, 21_000], { throughput: 20_000 });
    const chart = buildHistoryChart([...unthrottled, throttled, at(13, [120_000, 121_000, 122_000])]);
    expect(chart?.config.data.labels).toEqual(['2024-06-10 09:00', '2024-06-12 09:00', '2024-06-13 09:00']);
    expect(ys(chart?.config.data.datasets[0])).toEqual([101_000, 100_000, 121_000]);
    expect(chart?.title).toBe('kafka history: Producer throughput (1 left out: other params or platform)');
    expect(chart?.altText).toContain("3 baseline(s) with the newest one's params");
    expect(chart?.altText).toContain('improved ▲ 20% since 2024-06-10 09:00');
    // The reviewer's case: a throttled newest run is not trended against unthrottled ones (was ▼ 76%).
    const newestThrottled = buildHistoryChart([
      ...unthrottled,
      at(14, [23_000, 24_000, 25_000], { throughput: 20_000 }),
    ]);
    expect(newestThrottled?.config.data.labels).toEqual(['2024-06-14 09:00']);
    expect(newestThrottled?.title).toContain('(2 left out: other params or platform)');
    expect(newestThrottled?.altText).not.toMatch(/regressed|since/);
  });

  it('names the simulated platform when the newest result, and so every drawn one, is simulated', () => {
    const chart = buildHistoryChart([
      at(10, [100_000, 101_000, 102_000]),
      at(11, [90_000, 91_000, 92_000], {}, true),
      at(12, [95_000, 96_000, 97_000], {}, true),
    ]);
    expect(chart?.title).toBe(
      'kafka history (simulated platform): Producer throughput (1 left out: other params or platform)',
    );
    expect(chart?.altText).toMatch(/^kafka history \(simulated platform\)/);
    expect(ys(chart?.config.data.datasets[0])).toEqual([91_000, 96_000]);
  });

  it('follows another metric when asked, and is undefined with nothing stored', () => {
    const chart = buildHistoryChart(results, 'producer.latency_p99_ms');
    expect(ys(chart?.config.data.datasets[0])).toEqual([null, null, null, null]);
    expect(chart?.config.data.datasets).toHaveLength(1);
    expect(chart?.filename).toBe('kafka-history-producer-latency-p99-ms-r3.png');
    expect(buildHistoryChart([])).toBeUndefined();
  });
});

describe('buildOverviewChart', () => {
  const entries = [kafkaResult(), trinoResult(), trinoResult({ joinMs: [] })].map((result, i) => {
    const lead = headline(result);
    if (!lead) throw new Error('fixture without headline');
    return { service: ['kafka', 'trino', 'trino-empty'][i] ?? '', ...lead };
  });
  const chart = buildOverviewChart(entries, 'job-1');

  it('matches the snapshot', () => {
    expect(chart).toMatchSnapshot();
  });

  it('scores each headline so that above 100% is better, ≤ targets as target ÷ median', () => {
    const [met, missed, band] = chart.config.data.datasets;
    expect(chart.config.data.labels).toEqual(['kafka: Producer throughput', 'trino: self-join elapsed']);
    // kafka 118,343 against ≥ 100,000: 118.3%; trino 2,395 ms against ≤ 2,000 ms: 83.5%, below 100 as it missed.
    expect(ys(met)).toEqual([118.3, null]);
    expect(ys(missed)).toEqual([null, 83.5]);
    expect(band?.data as [number, number][]).toHaveLength(2);
    expect(((band?.data ?? []) as [number, number][]).map(([low, high]) => (low + high) / 2)).toEqual([
      100, 100,
    ]);
    expect(chart.altText).toContain('trino self-join elapsed: 2,395 ms, 83.5% of target ≤ 2,000 ms (missed)');
    expect(chart.altText).toContain('above 100% is better');
    expect(chart.altText).toContain('Not drawn: trino-empty: no data.');
    expect(chart.title).toBe('Baselines vs targets (% of target, higher is better)');
    expect(JSON.stringify(chart.config.options)).toContain('higher is better');
  });

  it('a met ≤ target scores above 100%, a missed one below', () => {
    const fast = headline(trinoResult({ joinMs: [990, 1_000, 1_010] }));
    if (!fast) throw new Error('fixture without headline');
    const [bar] = buildOverviewChart([{ service: 'trino', ...fast }], 'job-2').config.data.datasets;
    expect(bar?.label).toBe('met');
    expect(ys(bar)).toEqual([200]);
  });

  it('has one legend entry per verdict, in the colour of its bars', () => {
    const [met, missed] = chart.config.data.datasets;
    expect(met).toMatchObject({ label: 'met', backgroundColor: '#59a14f', grouped: false });
    expect(missed).toMatchObject({ label: 'missed', backgroundColor: '#e15759', grouped: false });
    expect(chart.config.data.datasets.map((d) => d.label)).not.toContain('inconclusive');
  });

  it('carries each bar’s figure as its label, above the 100% line', () => {
    const [met] = chart.config.data.datasets;
    expect(points(met)[0]).toMatchObject({ label: '118%' });
    expect(points(met)[1]).toMatchObject({ label: '' });
    expect(met?.datalabels).toMatchObject({ display: true });
    const [, missed] = chart.config.data.datasets;
    expect(points(missed)[1]).toEqual({
      x: 'trino: self-join elapsed',
      y: 83.5,
      label: '83.5%',
      labelAt: 100,
    });
  });

  it('cuts a bar far above its target and keeps its figure', () => {
    const quick = headline(trinoResult({ joinMs: [99, 100, 101] }));
    if (!quick) throw new Error('fixture without headline');
    const spec = buildOverviewChart([{ service: 'trino', ...quick }], 'job-3');
    const [bar] = spec.config.data.datasets;
    expect(ys(bar)).toEqual([OVERVIEW_CAP_PCT]);
    expect(points(bar)[0]?.label).toBe('2,000%');
    expect(JSON.stringify(spec.config.options)).toContain(`cut at ${OVERVIEW_CAP_PCT}%`);
  });

  it('names its file after the job, so that two overviews do not overwrite each other', () => {
    expect(chart.filename).toBe('overview-job-1.png');
  });

  it('names the simulated platform when every entry, or some, were measured there', () => {
    const all = buildOverviewChart(
      entries.map((e) => ({ ...e, simulated: true })),
      'job-1',
    );
    expect(all.title).toBe('Baselines vs targets (% of target, higher is better) (simulated platform)');
    expect(all.altText).toMatch(
      /^Baselines vs targets \(% of target, higher is better\) \(simulated platform\); /,
    );
    const some = buildOverviewChart(
      entries.map((e) => ({ ...e, simulated: e.service !== 'kafka' })),
      'job-1',
    );
    expect(some.title).toBe(
      'Baselines vs targets (% of target, higher is better) (partly on the simulated platform)',
    );
    expect(some.altText).toContain('trino (simulated platform) self-join elapsed: 2,395 ms');
    expect(some.altText).toContain('kafka Producer throughput: 118,343 records/s');
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

describe('history marks from the ledger', () => {
  const change = (id: string, plan: Record<string, unknown>, steps: [string, string, string][]) =>
    ChangeRecordSchema.parse({
      id,
      service: 'kafka',
      state: steps.at(-1)?.[1],
      version: steps.length + 1,
      requestedBy: 'U1',
      createdAt: '2024-06-01T00:00:00.000Z',
      expiresAt: '2024-06-01T01:00:00.000Z',
      history: steps.map(([from, to, at]) => ({ from, to, at, actor: 'U2' })),
      plan,
    });
  const tuned = change('chg-00000001', { component: 'kafka', knobSet: 'jvm' }, [
    ['proposed', 'approved', '2024-06-12T08:00:00.000Z'],
    ['approved', 'applying', '2024-06-12T08:01:00.000Z'],
    ['applying', 'applied', '2024-06-12T08:02:00.000Z'],
    ['applied', 'rolled_back', '2024-06-22T08:02:00.000Z'],
  ]);
  const undo = change('chg-00000002', { component: 'kafka', knobSet: 'jvm', rollbackOf: 'chg-00000001' }, [
    ['proposed', 'approved', '2024-06-22T08:00:00.000Z'],
    ['approved', 'applying', '2024-06-22T08:01:00.000Z'],
    ['applying', 'applied', '2024-06-22T08:02:00.000Z'],
  ]);
  const failed = change('chg-00000003', { component: 'kafka', knobSet: 'jvm' }, [
    ['proposed', 'approved', '2024-06-23T08:00:00.000Z'],
    ['approved', 'applying', '2024-06-23T08:01:00.000Z'],
    ['applying', 'rolled_back', '2024-06-23T08:05:00.000Z'],
  ]);

  it('marks each change applied and each rolled back once, by its rollback or by a failed rollout', () => {
    expect(historyMarks([undo, failed, tuned])).toEqual([
      { at: '2024-06-12T08:02:00.000Z', kind: 'applied', changeId: 'chg-00000001', text: 'kafka jvm' },
      {
        at: '2024-06-22T08:02:00.000Z',
        kind: 'rolled_back',
        changeId: 'chg-00000001',
        text: 'by chg-00000002',
      },
      {
        at: '2024-06-23T08:05:00.000Z',
        kind: 'rolled_back',
        changeId: 'chg-00000003',
        text: 'its rollout failed',
      },
    ]);
  });

  it('puts the marks between the baselines, on the line, and names them in the alt text', () => {
    const at = (day: number, v: number) =>
      buildResult({
        id: `d${day}`,
        service: 'kafka',
        metrics: kafkaMetrics,
        samples: [{ 'producer.records_per_sec': v }, { 'producer.records_per_sec': v }],
        targets: kafkaTargets,
        startedAt: `2024-06-${day}T09:00:00.000Z`,
      });
    const results = [at(10, 100_000), at(15, 120_000), at(25, 100_000)];
    const chart = buildHistoryChart(results, undefined, historyMarks([tuned, undo]));
    expect(chart?.config.data.labels).toEqual([
      '2024-06-10 09:00',
      '2024-06-12 08:02 chg-00000001',
      '2024-06-15 09:00',
      '2024-06-22 08:02 chg-00000001',
      '2024-06-25 09:00',
    ]);
    const [median, , applied, rolledBack] = chart?.config.data.datasets ?? [];
    expect(ys(median)).toEqual([100_000, null, 120_000, null, 100_000]);
    // Each mark sits halfway between its neighbours' medians, labelled with what it was.
    expect(points(applied)[1]).toMatchObject({ y: 110_000, label: 'kafka jvm' });
    expect(points(rolledBack)[3]).toMatchObject({ y: 110_000, label: 'rolled back' });
    expect(chart?.altText).toContain(
      'changes: chg-00000001 (kafka jvm) applied 2024-06-12 08:02, chg-00000001 rolled back by chg-00000002 2024-06-22 08:02',
    );
    // Without marks, the chart is what it was.
    expect(buildHistoryChart(results, undefined, [])).toEqual(buildHistoryChart(results));
  });
});
