import {
  formatComparison,
  formatNumber,
  formatTarget,
  formatValue,
  isByteUnit,
  platformNote,
} from '../analysis/format.js';
import { headline } from '../analysis/headline.js';
import { comparable } from '../analysis/previous.js';
import { compareResults } from '../analysis/summarize.js';
import type { MetricDef, ProbeResult } from '../results/schema.js';
import type { ChartSpec } from './port.js';
import {
  BAR_LABELS,
  COLOR,
  capAltText,
  constantLine,
  headroomMax,
  labelledPoints,
  slug,
  titleAndLegend,
  valueAxis,
} from './style.js';

/** `2024-06-27 09:44` (UTC): the stored time, not the viewer's zone, so that every reader sees the same. */
export function shortDate(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;
}

/**
 * Pure: the headline metric (or `metricKey`) over stored baselines, oldest first, with its target.
 * Only results comparable with the newest (same params, the run count aside, and the same kind of
 * platform) are drawn and trended: a line through other params would show their difference as a
 * trend. How many were left out is said in the title and alt text. Undefined when no result carries
 * that metric.
 */
export function buildHistoryChart(
  results: readonly ProbeResult[],
  metricKey?: string,
): ChartSpec | undefined {
  const all = [...results].sort((a, b) => a.startedAt.localeCompare(b.startedAt));
  const newest = all[all.length - 1];
  if (!newest) return undefined;
  const ordered = all.filter((r) => comparable(newest, r));
  const leftOut = all.length - ordered.length;
  const lead = headline(newest, metricKey);
  if (!lead) return undefined;
  const { metric } = lead;
  const points = ordered.map((r) => ({
    date: shortDate(r.startedAt),
    median: r.summary.find((s) => s.key === metric.key)?.median ?? null,
  }));
  const target = lead.summary.target;
  const service = newest.service;
  const title = `${service} history${platformNote(newest.context.simulated)}: ${metric.label}${leftOutNote(leftOut)}`;
  const datasets: Record<string, unknown>[] = [
    {
      type: 'line',
      label: `${metric.label} (median)`,
      data: labelledPoints(
        points.map((p) => p.date),
        points.map((p) => p.median),
        points.map((p) => (p.median === null ? '' : pointText(p.median, metric.unit))),
      ),
      borderColor: COLOR.median,
      backgroundColor: COLOR.median,
      pointRadius: 4,
      spanGaps: true,
      fill: false,
      // Each point carries its figure while they fit side by side.
      ...(points.length <= MAX_LABELLED_POINTS ? { datalabels: BAR_LABELS } : {}),
      order: 1,
    },
  ];
  if (target !== null)
    datasets.push(
      constantLine(`target ${formatTarget(target, metric.unit)}`, target.value, points.length, COLOR.target),
    );
  const trend = trendText(ordered, metric);
  const top = headroomMax([...points.map((p) => p.median), target?.value]);
  const listed = [...points]
    .reverse()
    .map((p) => `${p.date} ${formatValue(p.median, metric.unit)}`)
    .join('; ');
  const goal = target === null ? 'no target' : `target ${formatTarget(target, metric.unit)}`;
  return {
    config: {
      type: 'line',
      data: { labels: points.map((p) => p.date), datasets },
      options: {
        plugins: titleAndLegend(title),
        scales: { y: valueAxis(metric.unit, top === undefined ? {} : { suggestedMax: top }) },
      },
    },
    title,
    altText: capAltText(
      `${title}, ${points.length} baseline(s) with the newest one's params, ${goal}${trend}; newest first: ${listed}.`,
    ),
    filename: `${service}-history-${slug(metric.key)}-${slug(newest.id)}.png`,
  };
}

/** Beyond this many baselines, labels on every point would overlap: the alt text lists them. */
export const MAX_LABELLED_POINTS = 12;

/** A point's label: the number (the axis has the unit), bytes in their own scale. */
function pointText(value: number, unit: string): string {
  return isByteUnit(unit) ? formatValue(value, unit) : formatNumber(value);
}

/** ` (2 left out: other params or platform)`: results not comparable with the newest are not drawn. */
function leftOutNote(count: number): string {
  return count > 0 ? ` (${count} left out: other params or platform)` : '';
}

/** `, improved ▲ 22% since 2024-06-10`: the newest against the oldest with data, judged on their runs. */
function trendText(ordered: readonly ProbeResult[], metric: MetricDef): string {
  const hasData = (r: ProbeResult) => (r.summary.find((s) => s.key === metric.key)?.median ?? null) !== null;
  const first = ordered.find(hasData);
  const last = ordered[ordered.length - 1];
  if (!first || !last || first === last || !hasData(last)) return '';
  const compared = compareResults(metric, last, first);
  if (!compared) return '';
  return `, ${formatComparison(compared)} since ${shortDate(first.startedAt)}`;
}
