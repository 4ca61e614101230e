import type { Change, Comparison, MetricSummary } from '../results/schema.js';

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

const CHANGE_WORDS: Record<Change, string> = {
  improved: 'improved',
  regressed: 'regressed',
  within_noise: 'within noise',
  inconclusive: 'inconclusive',
};

/**
 * `improved ▲ 4.3%`, `within noise ▼ 0.8%`, `inconclusive ▲ 12%`: the verdict from the runs first, then
 * the median's move. A change without a verdict (stored before verdicts existed) was never tested
 * against the noise, so it reads as inconclusive rather than as a bare ▲/▼.
 */
export function formatChange(pct: number | null, change: Change | null): string {
  const known = pct !== null && Number.isFinite(pct);
  if (!known && change === null) return '—';
  const word = CHANGE_WORDS[change ?? 'inconclusive'];
  return known ? `${word} ${formatMove(pct)}` : word;
}

/** A stored comparison as a cell: `improved ▲ 4.3%`; `—` without a previous baseline. */
export function formatComparison(comparison: Comparison | null): string {
  return comparison === null ? '—' : formatChange(comparison.changePct, comparison.verdict);
}

/** `▲ 4.3%`, `▼ 12%`; changes are read at one decimal at most, so below 0.05% it is `= 0%`. */
export function formatMove(pct: number): string {
  const shown = group(Math.abs(pct), Math.abs(pct) >= 10 ? 0 : 1);
  if (shown === '0') return '= 0%';
  return `${pct > 0 ? '▲' : '▼'} ${shown}%`;
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

/** ✅ met, ❌ missed, — no target, no data or one run (inconclusive, never a pass). */
export function formatMet(met: boolean | null): string {
  if (met === null) return '—';
  return met ? '✅' : '❌';
}

/** Said wherever a result measured on the simulated platform is shown, so that it is never read as real. */
export const SIMULATED_PLATFORM = 'simulated platform';

/**
 * `on the simulated platform, ` to open a notification text after its `baseline kafka: ` prefix (which
 * readers and tests match on), or nothing for a real cluster.
 */
export function platformLead(simulated: boolean | undefined): string {
  return simulated ? `on the ${SIMULATED_PLATFORM}, ` : '';
}

/** ` (simulated platform)` for a title, or nothing for a real cluster. */
export function platformNote(simulated: boolean | undefined): string {
  return simulated ? ` (${SIMULATED_PLATFORM})` : '';
}
