import { describe, expect, it } from 'vitest';
import { summarize } from '../../../src/analysis/summarize.js';
import { buildBaselineCharts } from '../../../src/charts/baseline.js';
import type { MetricDef, ProbeResult, Run } from '../../../src/results/schema.js';

const metrics: MetricDef[] = [
  { key: 'p50', label: 'Latency p50', unit: 'ms', direction: 'lower_is_better' },
  { key: 'p99', label: 'Latency p99', unit: 'ms', direction: 'lower_is_better' },
  { key: 'join', label: 'Group join', unit: 'ms', direction: 'lower_is_better', chartGroup: 'join' },
];
const runs: Run[] = [3, 4, 5].map((i) => ({
  index: i,
  startedAt: '2026-11-24T10:00:00.000Z',
  durationMs: 1,
  samples: { p50: 2 + i / 10, p99: 9 + i / 10, join: 3000 + i },
  raw: '',
}));

describe('chart groups', () => {
  it('keeps a metric of another scale out of its unit’s chart when it names a group of its own', () => {
    const result: ProbeResult = {
      id: 'r',
      service: 'kafka',
      startedAt: '2026-11-24T10:00:00.000Z',
      finishedAt: '2026-11-24T10:01:00.000Z',
      params: {},
      metrics,
      runs,
      summary: summarize(metrics, runs, []),
      context: {},
      previousId: null,
    };
    const charts = buildBaselineCharts(result);
    const latency = charts.find((c) => c.altText.includes('Latency p50'));
    expect(latency?.altText).not.toContain('Group join');
    expect(new Set(charts.map((c) => c.filename)).size).toBe(charts.length);
  });
});
