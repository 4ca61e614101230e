import type { Direction, MetricSummary } from '../results/schema.js';

/**
 * Pure: numbers as people read them. A fixed locale (en-US) so that output does not depend on the
 * machine: `123,456 records/s`, `3.2 ms`, `1.5 GiB`, `87.5%`.
 */

const BYTE_UNITS = new Set(['B', 'bytes', 'byte']);
const BINARY = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

/** Fraction digits by magnitude: large numbers need no decimals, small ones keep two significant ones. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  if (abs >= 100 || abs === 0) return group(value, 0);
  if (abs >= 1) return group(value, 1);
  return new Intl.NumberFormat('en-US', { maximumSignificantDigits: 2 }).format(value);
}

function group(value: number, digits: number): string {
  return new Intl.NumberFormat('en-US', { maximumFractionDigits: digits }).format(value);
}

export function isByteUnit(unit: string): boolean {
  return BYTE_UNITS.has(unit);
}

/** A value with its unit; `null` (no data) reads as "no data", never as zero. */
export function formatValue(value: number | null, unit: string): string {
  if (value === null) return 'no data';
  if (BYTE_UNITS.has(unit)) return formatBytes(value);
  if (unit === '%') return `${formatNumber(value)}%`;
  return unit === '' ? formatNumber(value) : `${formatNumber(value)} ${unit}`;
}

export function formatBytes(bytes: number): string {
  let scaled = bytes;
  let index = 0;
  while (Math.abs(scaled) >= 1024 && index < BINARY.length - 1) {
    scaled /= 1024;
    index += 1;
  }
  const digits = index === 0 || Math.abs(scaled) >= 100 ? 0 : 1;
  return `${group(scaled, digits)} ${BINARY[index]}`;
}

/** `▲ 4.3% better`, `▼ 12% worse`: the arrow is the median's move, the word says which way is good. */
export function formatChange(pct: number | null, direction: Direction): string {
  if (pct === null || !Number.isFinite(pct)) return '—';
  // Changes are read at one decimal at most: below 0.05% the median did not move.
  const shown = group(Math.abs(pct), Math.abs(pct) >= 10 ? 0 : 1);
  if (shown === '0') return '= no change';
  const up = pct > 0;
  const better = up === (direction === 'higher_is_better');
  return `${up ? '▲' : '▼'} ${shown}% ${better ? 'better' : 'worse'}`;
}

/** The spread of the runs: `±1.2 ms (MAD, n=3)` from three runs on, min–max for two, nothing for one. */
export function formatSpread(summary: MetricSummary, unit: string): string {
  if (summary.n === 0 || summary.min === null || summary.max === null) return '—';
  if (summary.n === 1) return 'n=1';
  if (summary.n === 2 || summary.mad === null) {
    return `${formatRange(summary.min, summary.max, unit)} (n=${summary.n})`;
  }
  return `±${formatValue(summary.mad, unit)} (MAD, n=${summary.n})`;
}

/** `1.1–1.3 ms`; bytes keep a unit on each end, since they may scale differently (`900 KiB–1.2 MiB`). */
export function formatRange(low: number, high: number, unit: string): string {
  if (BYTE_UNITS.has(unit)) return `${formatBytes(low)}–${formatBytes(high)}`;
  return `${formatNumber(low)}–${formatValue(high, unit)}`;
}

/** `≥ 100,000 records/s`, or `—` without a target. */
export function formatTarget(target: MetricSummary['target'], unit: string): string {
  if (target === null) return '—';
  return `${target.op === '>=' ? '≥' : '≤'} ${formatValue(target.value, unit)}`;
}

/** ✅ met, ❌ missed, — no target or no data (inconclusive, never a pass). */
export function formatMet(met: boolean | null): string {
  if (met === null) return '—';
  return met ? '✅' : '❌';
}
