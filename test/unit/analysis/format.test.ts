import { describe, expect, it } from 'vitest';
import {
  formatBytes,
  formatChange,
  formatMet,
  formatNumber,
  formatRange,
  formatSpread,
  formatTarget,
  formatValue,
} from '../../../src/analysis/format.js';
import type { MetricSummary } from '../../../src/results/schema.js';

describe('formatValue', () => {
  it.each([
    [123_456.7, 'records/s', '123,457 records/s'],
    [1_102_433.7945, 'records/s', '1,102,434 records/s'],
    [3.22, 'ms', '3.2 ms'],
    [0, 'ms', '0 ms'],
    [0.4321, 'ms', '0.43 ms'],
    [0.005, 's', '0.005 s'],
    [105.1363, 'MB/s', '105 MB/s'],
    [1.91, 'MB/s', '1.9 MB/s'],
    [1_610_612_736, 'bytes', '1.5 GiB'],
    [512 * 2 ** 20, 'B', '512 MiB'],
    [900, 'bytes', '900 B'],
    [87.52, '%', '87.5%'],
    [100, '%', '100%'],
    [9.45, '%', '9.5%'],
    [42, '', '42'],
    [-12.34, 'ms', '-12.3 ms'],
    [null, 'ms', 'no data'],
  ])('%s %s → %s', (value, unit, expected) => {
    expect(formatValue(value, unit)).toBe(expected);
  });
});

describe('formatNumber and formatBytes', () => {
  it.each([
    [999.9, '1,000'],
    [12.345, '12.3'],
    [1, '1'],
  ])('formatNumber(%s) → %s', (value, expected) => expect(formatNumber(value)).toBe(expected));

  it.each([
    [1023, '1,023 B'],
    [1024, '1 KiB'],
    [1536, '1.5 KiB'],
    [412 * 2 ** 30, '412 GiB'],
    [3 * 2 ** 40, '3 TiB'],
  ])('formatBytes(%s) → %s', (value, expected) => expect(formatBytes(value)).toBe(expected));
});

describe('formatChange', () => {
  it.each([
    [4.31, 'improved', 'improved ▲ 4.3%'],
    [-12, 'regressed', 'regressed ▼ 12%'],
    [-30.04, 'improved', 'improved ▼ 30%'],
    [0.04, 'within_noise', 'within noise = 0%'],
    [7.5, 'within_noise', 'within noise ▲ 7.5%'],
    [3.2, 'inconclusive', 'inconclusive ▲ 3.2%'],
    [null, 'inconclusive', 'inconclusive'],
    [null, null, '—'],
  ] as const)('%s %s → %s', (pct, change, expected) => {
    expect(formatChange(pct, change)).toBe(expected);
  });

  it('reads a change stored without a verdict as inconclusive, never as a bare arrow', () => {
    expect(formatChange(9.9, null)).toBe('inconclusive ▲ 9.9%');
  });
});

const summary = (over: Partial<MetricSummary>): MetricSummary => ({
  key: 'k',
  n: 3,
  median: 3.2,
  min: 2.9,
  max: 4.1,
  mad: 0.3,
  target: null,
  met: null,
  previous: null,
  comparison: null,
  ...over,
});

describe('formatSpread', () => {
  it.each([
    [summary({}), 'ms', '±0.3 ms (MAD, n=3)'],
    [summary({ n: 5, mad: 1_210 }), 'records/s', '±1,210 records/s (MAD, n=5)'],
    [summary({ n: 2, min: 1.1, max: 1.3, mad: 0.1 }), 'ms', '1.1–1.3 ms (n=2)'],
    [summary({ n: 2, min: 900 * 1024, max: 1.2 * 2 ** 20 }), 'bytes', '900 KiB–1.2 MiB (n=2)'],
    [summary({ n: 1, min: 3.2, max: 3.2, mad: 0 }), 'ms', 'n=1'],
    [summary({ n: 0, median: null, min: null, max: null, mad: null }), 'ms', '—'],
  ])('%o in %s → %s', (s, unit, expected) => {
    expect(formatSpread(s, unit)).toBe(expected);
  });
});

describe('formatTarget, formatRange and formatMet', () => {
  it('writes targets with their comparison', () => {
    expect(formatTarget({ op: '>=', value: 100_000 }, 'records/s')).toBe('≥ 100,000 records/s');
    expect(formatTarget({ op: '<=', value: 2_000 }, 'ms')).toBe('≤ 2,000 ms');
    expect(formatTarget(null, 'ms')).toBe('—');
  });

  it('writes a range with one unit', () => {
    expect(formatRange(116_880.4, 121_012.7, 'records/s')).toBe('116,880–121,013 records/s');
  });

  it('never shows a pass for null (no data or no target)', () => {
    expect([formatMet(true), formatMet(false), formatMet(null)]).toEqual(['✅', '❌', '—']);
  });
});
