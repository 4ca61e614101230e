import {
  formatNumber,
  formatTarget,
  formatValue,
  platformNote,
  SIMULATED_PLATFORM,
} from '../analysis/format.js';
import type { MetricDef, MetricSummary } from '../results/schema.js';
import type { ChartSpec } from './port.js';
import {
  BAR_LABELS,
  bandHalfHeight,
  COLOR,
  capAltText,
  guideBand,
  headroomMax,
  labelledPoints,
  slug,
  titleAndLegend,
  valueAxis,
} from './style.js';

export interface OverviewEntry {
  service: string;
  metric: MetricDef;
  summary: MetricSummary;
  /** The result's `context.simulated`: measured on perfbot's simulated platform. */
  simulated?: boolean | undefined;
}

/** Bars above this share of the target are cut to it (their label keeps the true figure). */
export const OVERVIEW_CAP_PCT = 300;

const VERDICTS = [
  { label: 'met', color: COLOR.met, met: true },
  { label: 'missed', color: COLOR.missed, met: false },
  { label: 'inconclusive', color: COLOR.inconclusive, met: null },
] as const;

/**
 * Pure: each service's headline median scored against its target, where above 100% is always
 * better: a `≥` target scores median ÷ target, a `≤` one target ÷ median (a query twice as fast as
 * its limit scores 200%). One dataset per verdict, so that the legend's colours are the bars'. Bars
 * beyond `OVERVIEW_CAP_PCT` are cut there and keep their figure as a label. Services without a
 * target or data, and a `≤` target against a median of 0, are named, not drawn.
 */
export function buildOverviewChart(entries: readonly OverviewEntry[], id: string): ChartSpec {
  const drawn = entries.filter((e) => score(e) !== undefined);
  const skipped = entries.filter((e) => !drawn.includes(e));
  const title = `Baselines vs targets (% of target, higher is better)${simulatedNote(entries)}`;
  const mixed = entries.some((e) => e.simulated) && entries.some((e) => !e.simulated);
  const values = drawn.map((e) => score(e) ?? 0);
  const labels = drawn.map((e) => `${e.service}: ${e.metric.label}`);
  const shown = values.map((v) => Math.min(v, OVERVIEW_CAP_PCT));
  const cut = values.some((v) => v > OVERVIEW_CAP_PCT);
  const words = drawn.map((e, i) => {
    const where = mixed && e.simulated ? ` (${SIMULATED_PLATFORM})` : '';
    return `${e.service}${where} ${e.metric.label}: ${formatValue(e.summary.median, e.metric.unit)}, ${formatNumber(values[i] ?? 0)}% of target ${formatTarget(e.summary.target, e.metric.unit)} (${verdictOf(e)})`;
  });
  const notDrawn = skipped.map((e) => `${e.service}: ${skipReason(e)}`);
  const bars = VERDICTS.filter((v) => drawn.some((e) => e.summary.met === v.met)).map((v) => ({
    type: 'bar',
    label: v.label,
    data: labelledPoints(
      labels,
      drawn.map((e, i) => (e.summary.met === v.met ? (shown[i] ?? null) : null)),
      drawn.map((e, i) => (e.summary.met === v.met ? `${formatNumber(values[i] ?? 0)}%` : '')),
      // Above the 100% line when the bar stops below it, so that the line does not cross the figure.
      shown.map((value) => Math.max(value, 100)),
    ),
    backgroundColor: v.color,
    // One bar per category whichever dataset holds it: centred, not squeezed beside empty slots.
    grouped: false,
    datalabels: BAR_LABELS,
    order: 1,
  }));
  const top = headroomMax([100, ...shown]) ?? 115;
  const axis = `% of target, higher is better${cut ? ` (cut at ${OVERVIEW_CAP_PCT}%)` : ''}`;
  return {
    config: {
      type: 'bar',
      data: {
        labels,
        datasets: [...bars, guideBand('target (100%)', 100, drawn.length, COLOR.target, bandHalfHeight(top))],
      },
      options: {
        plugins: titleAndLegend(title),
        scales: { y: valueAxis(axis, { suggestedMax: top }) },
      },
    },
    title,
    altText: capAltText(
      `${title}; above 100% is better (≥ targets: median ÷ target, ≤ targets: target ÷ median): ${words.join('; ') || 'nothing to draw'}.${notDrawn.length > 0 ? ` Not drawn: ${notDrawn.join('; ')}.` : ''}`,
    ),
    filename: `overview-${slug(id)}.png`,
  };
}

function verdictOf(entry: OverviewEntry): string {
  return entry.summary.met === null ? 'inconclusive' : entry.summary.met ? 'met' : 'missed';
}

function skipReason(entry: OverviewEntry): string {
  if (entry.summary.median === null) return 'no data';
  if (entry.summary.target === null || entry.summary.target.value === 0) return 'no target';
  return `median ${formatValue(entry.summary.median, entry.metric.unit)}, no ratio to its target`;
}

/**
 * The median against the target in percent, above 100 when better: median ÷ target for `≥`,
 * target ÷ median for `≤`. Undefined when there is nothing to divide (no target, no data, a zero).
 */
export function score(entry: OverviewEntry): number | undefined {
  const { median, target } = entry.summary;
  if (median === null || target === null || target.value === 0) return undefined;
  if (target.op === '<=' && median <= 0) return undefined;
  const ratio = target.op === '>=' ? median / target.value : target.value / median;
  return Math.round(ratio * 1000) / 10;
}

/** ` (simulated platform)` when every entry was, ` (partly on the simulated platform)` when some were. */
function simulatedNote(entries: readonly OverviewEntry[]): string {
  const count = entries.filter((e) => e.simulated).length;
  if (count === 0 || count === entries.length) return platformNote(count > 0);
  return ` (partly on the ${SIMULATED_PLATFORM})`;
}
