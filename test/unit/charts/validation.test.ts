import { describe, expect, it } from 'vitest';
import { validate } from '../../../src/analysis/validation.js';
import { buildRunsChart, buildValidationChart } from '../../../src/charts/validation.js';
import { resultFor } from '../../helpers/results.js';

const T = 'producer.records_per_sec';
const L = 'producer.latency_avg_ms';

describe('the validation charts', () => {
  it('turn every interval so that up is better, coloured by verdict, with the target marked', () => {
    const before = resultFor('kafka', {
      id: 'b',
      runs: 5,
      fixed: { [T]: [85e3, 86e3, 84e3, 85.5e3, 84.5e3], [L]: [9, 9.2, 8.9, 9.1, 9] },
    });
    const after = resultFor('kafka', {
      id: 'a',
      runs: 5,
      fixed: { [T]: [110e3, 112e3, 109e3, 111e3, 113e3], [L]: [6, 6.1, 5.9, 6.2, 6] },
    });
    const v = validate(before, after, {
      defaultThreshold: 0.03,
      alpha: 0.05,
      targets: [{ metric: T, change: 0.2 }],
    });
    if (!v.ok) throw new Error(v.reason);
    const chart = buildValidationChart('kafka', v, true);
    const labels = chart?.config.data.labels as string[];
    const [bars, , , target] = chart?.config.data.datasets ?? [];
    const interval = (label: string) => ((bars?.data ?? []) as number[][])[labels.indexOf(label)] as number[];
    // Throughput rose and latency fell: both are better, so both intervals lie above zero.
    expect(interval('Producer throughput')[0]).toBeGreaterThan(20);
    expect(interval('Producer latency (avg)')[0]).toBeGreaterThan(0);
    expect(((target?.data ?? []) as (number | null)[])[labels.indexOf('Producer throughput')]).toBe(20);
    expect(chart?.altText).toMatch(
      /Producer throughput: improved, \+\d+\.\d% \[\+\d+\.\d%, \+\d+\.\d%\], 5 runs before, 5 after/,
    );
    const runs = buildRunsChart(
      'kafka',
      v.metrics.find((m) => m.key === T) ?? (v.metrics[0] as (typeof v.metrics)[number]),
      true,
    );
    expect(runs.altText).toContain('Before: 85000, 86000, 84000, 85500, 84500');
  });

  it('cuts an interval wider than ±100% at the edge and says so on the axis; the alt text keeps it', () => {
    const before = resultFor('kafka', { id: 'b', runs: 5, fixed: { [L]: [1, 5, 2, 1, 3] } });
    const after = resultFor('kafka', { id: 'a', runs: 5, fixed: { [L]: [6, 2, 9, 7, 8] } });
    const v = validate(before, after, { defaultThreshold: 0.03, alpha: 0.05, targets: [] });
    if (!v.ok) throw new Error(v.reason);
    const chart = buildValidationChart('kafka', v, false);
    const [bars] = chart?.config.data.datasets ?? [];
    const drawn = ((bars?.data ?? []) as number[][]).flat();
    expect(Math.min(...drawn)).toBeGreaterThanOrEqual(-100);
    expect(Math.max(...drawn)).toBeLessThanOrEqual(100);
    const scales = chart?.config.options?.scales as { y?: { title?: { text?: string } } } | undefined;
    expect(JSON.stringify(scales?.y)).toContain('cut at ±100%');
    expect(chart?.altText).toMatch(/Producer latency \(avg\): [a-z ]+, [+−-]?\d+\.\d% \[[^\]]*\d{3,}\.\d%/);
  });

  it('draws nothing when no metric could be tested', () => {
    const v = validate(resultFor('kafka', { id: 'b', runs: 3 }), resultFor('kafka', { id: 'a', runs: 3 }), {
      defaultThreshold: 0.03,
      alpha: 0.05,
      targets: [],
    });
    if (!v.ok) throw new Error(v.reason);
    expect(buildValidationChart('kafka', v, false)).toBeUndefined();
  });
});
