import { formatComparison, formatTarget, formatValue, platformNote } from '../analysis/format.js';
import { headline } from '../analysis/headline.js';
import { comparable } from '../analysis/previous.js';
import { compareResults } from '../analysis/summarize.js';
import type { MetricDef, ProbeResult } from '../results/schema.js';
import type { ChartSpec } from './port.js';
import { COLOR, capAltText, constantLine, slug, titleAndLegend, valueAxis } from './style.js';

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
      data: points.map((p) => p.median),
      borderColor: COLOR.median,
      backgroundColor: COLOR.median,
      pointRadius: 4,
      spanGaps: true,
      fill: false,
      order: 1,
    },
  ];
  if (target !== null)
    datasets.push(
      constantLine(`target ${formatTarget(target, metric.unit)}`, target.value, points.length, COLOR.target),
    );
  const trend = trendText(ordered, metric);
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
        scales: { y: valueAxis(metric.unit) },
      },
    },
    title,
    altText: capAltText(
      `${title}, ${points.length} baseline(s) with the newest one's params, ${goal}${trend}; newest first: ${listed}.`,
    ),
    filename: `${service}-history-${slug(metric.key)}.png`,
  };
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
