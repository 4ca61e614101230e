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
import type { ChangeRecord } from '../changes/record.js';
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
  marks: readonly HistoryMark[] = [],
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
    at: r.startedAt,
    median: r.summary.find((s) => s.key === metric.key)?.median ?? null,
  }));
  const first = ordered[0]?.startedAt ?? newest.startedAt;
  const shown = marks.filter((m) => m.at >= first);
  const timeline = mergeTimeline(points, shown);
  const target = lead.summary.target;
  const service = newest.service;
  const title = `${service} history${platformNote(newest.context.simulated)}: ${metric.label}${leftOutNote(leftOut)}`;
  const datasets: Record<string, unknown>[] = [
    {
      type: 'line',
      label: `${metric.label} (median)`,
      data: labelledPoints(
        timeline.map((p) => p.date),
        timeline.map((p) => (p.mark ? null : p.median)),
        timeline.map((p) => (p.mark || p.median === null ? '' : pointText(p.median, metric.unit))),
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
      constantLine(
        `target ${formatTarget(target, metric.unit)}`,
        target.value,
        timeline.length,
        COLOR.target,
      ),
    );
  datasets.push(...markDatasets(timeline));
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
      data: { labels: timeline.map((p) => p.date), datasets },
      options: {
        plugins: titleAndLegend(title),
        scales: {
          y: valueAxis(metric.unit, top === undefined ? {} : { suggestedMax: top }),
          // Half a category at each end, so that a mark's label at the edge is not cut.
          ...(shown.length > 0 ? { x: { offset: true } } : {}),
        },
      },
    },
    title,
    altText: capAltText(
      `${title}, ${points.length} baseline(s) with the newest one's params, ${goal}${trend}${marksText(shown)}; newest first: ${listed}.`,
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

/**
 * A change applied or rolled back, from the ledger, as the history chart marks it between the
 * baselines: `{ at: '2026-12-01T17:00:00.000Z', kind: 'applied', changeId: 'chg-1a2b3c4d', text: 'trino jvm' }`.
 */
export interface HistoryMark {
  at: string;
  kind: 'applied' | 'rolled_back';
  /** The change applied, or the change rolled back. */
  changeId: string;
  /** What it was (`trino jvm`), or how it was undone (`by chg-…`, `its rollout failed`). */
  text: string;
}

/**
 * Pure: the marks of a component's changes, oldest first: each change applied, and each change
 * rolled back, either by a rollback applied (one mark, naming the rollback) or by the engine when
 * its rollout failed.
 *
 * @example historyMarks(await store.changes.list('trino'))
 */
export function historyMarks(changes: readonly ChangeRecord[]): HistoryMark[] {
  const undone = new Set<string>();
  const marks = changes.flatMap((c): HistoryMark[] => {
    const plan = (c.plan ?? {}) as { knobSet?: unknown; rollbackOf?: unknown; component?: unknown };
    const applied = c.history.find((step) => step.to === 'applied')?.at;
    if (typeof plan.rollbackOf === 'string') {
      if (applied === undefined) return [];
      undone.add(plan.rollbackOf);
      return [{ at: applied, kind: 'rolled_back', changeId: plan.rollbackOf, text: `by ${c.id}` }];
    }
    const what = [plan.component, plan.knobSet].filter((x) => typeof x === 'string').join(' ');
    const out: HistoryMark[] = [];
    if (applied !== undefined) out.push({ at: applied, kind: 'applied', changeId: c.id, text: what });
    // Restored by the engine itself (applying → rolled back): its rollout failed.
    const restored = c.history.find((step) => step.to === 'rolled_back' && step.from === 'applying')?.at;
    if (restored !== undefined)
      out.push({ at: restored, kind: 'rolled_back', changeId: c.id, text: 'its rollout failed' });
    return out;
  });
  return marks.sort((a, b) => a.at.localeCompare(b.at));
}

interface TimelinePoint {
  /** The category: a baseline's date, or a mark's date and change id (categories must be distinct). */
  date: string;
  at: string;
  median: number | null;
  mark?: HistoryMark;
}

/** Baselines and marks on one time axis; a mark sits on the line, between its neighbours' medians. */
function mergeTimeline(
  points: readonly { date: string; at: string; median: number | null }[],
  marks: readonly HistoryMark[],
): TimelinePoint[] {
  const merged: TimelinePoint[] = [
    ...points,
    ...marks.map((m) => ({
      date: `${shortDate(m.at)} ${m.changeId}`,
      at: m.at,
      median: null,
      mark: m,
    })),
  ].sort((a, b) => a.at.localeCompare(b.at));
  return merged.map((p, i) => {
    if (!p.mark) return p;
    const before = merged.slice(0, i).findLast((q) => !q.mark && q.median !== null)?.median ?? null;
    const after = merged.slice(i + 1).find((q) => !q.mark && q.median !== null)?.median ?? null;
    const y = before !== null && after !== null ? (before + after) / 2 : (before ?? after);
    return { ...p, median: y };
  });
}

const MARK_STYLE = {
  applied: { label: 'change applied', color: '#59a14f', pointStyle: 'triangle' },
  rolled_back: { label: 'rolled back', color: '#e15759', pointStyle: 'rectRot' },
} as const;

/** One dataset per kind of mark that occurs: a point on the line, labelled with the change. */
function markDatasets(timeline: readonly TimelinePoint[]): Record<string, unknown>[] {
  return (['applied', 'rolled_back'] as const).flatMap((kind) => {
    if (!timeline.some((p) => p.mark?.kind === kind)) return [];
    const style = MARK_STYLE[kind];
    const mine = (p: TimelinePoint) => p.mark?.kind === kind;
    return [
      {
        type: 'line',
        label: style.label,
        data: labelledPoints(
          timeline.map((p) => p.date),
          timeline.map((p) => (mine(p) ? p.median : null)),
          timeline.map((p) => (mine(p) ? markLabel(p.mark) : '')),
        ),
        showLine: false,
        pointStyle: style.pointStyle,
        pointRadius: 9,
        borderColor: style.color,
        backgroundColor: style.color,
        datalabels: { ...BAR_LABELS, color: style.color },
        order: 0,
      },
    ];
  });
}

/** A mark's label on the chart, kept short (the axis names the change, the alt text the rest). */
function markLabel(mark: HistoryMark | undefined): string {
  if (!mark) return '';
  return mark.kind === 'applied' ? mark.text : 'rolled back';
}

/** `; changes: chg-1 (trino jvm) applied 2026-12-01 17:00, …` for the alt text. */
function marksText(marks: readonly HistoryMark[]): string {
  if (marks.length === 0) return '';
  const said = marks.map((m) =>
    m.kind === 'applied'
      ? `${m.changeId} (${m.text}) applied ${shortDate(m.at)}`
      : `${m.changeId} rolled back ${m.text} ${shortDate(m.at)}`,
  );
  return `; changes: ${said.join(', ')}`;
}
