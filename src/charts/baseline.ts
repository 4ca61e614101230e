import {
  formatComparison,
  formatNumber,
  formatRange,
  formatTarget,
  formatValue,
  isByteUnit,
  platformNote,
} from '../analysis/format.js';
import { MIN_SAMPLES } from '../analysis/summarize.js';
import type { ChartFamily } from '../domain/service.js';
import type { MetricDef, MetricSummary, ProbeResult } from '../results/schema.js';
import { displayUnit, needsLogScale } from './magnitude.js';
import type { ChartSpec } from './port.js';
import {
  BAR_LABELS,
  COLOR,
  capAltText,
  HEADROOM,
  headroomMax,
  labelledPoints,
  markerDataset,
  slug,
  titleAndLegend,
  valueAxis,
} from './style.js';

/** At most this many bars per chart: beyond that a chart stops being read. */
export const MAX_BARS = 12;

interface Row {
  metric: MetricDef;
  summary: MetricSummary;
}

/**
 * Pure: a result → one chart per chart family of its service (`probes/<svc>/index.ts`), in the
 * order declared. A family draws its own picture when it can (resources' nodes), else bars of its
 * metrics, on a logarithmic axis that says so when they span more than a linear one can show
 * (`MAX_RATIO`); a family none of whose metrics was measured is left out. Metrics in no family are in the summary's
 * table only.
 */
export function buildBaselineCharts(result: ProbeResult, families: readonly ChartFamily[]): ChartSpec[] {
  return families.flatMap((family) => {
    const drawn = family.draw?.(result);
    if (drawn !== undefined) return [drawn];
    const all = rowsOf(result, family);
    if (all.length === 0) return [];
    const omitted = all.length - Math.min(all.length, MAX_BARS);
    return [groupChart(result, family, all.slice(0, MAX_BARS), omitted)];
  });
}

function rowsOf(result: ProbeResult, family: ChartFamily): Row[] {
  return family.metrics.flatMap((key) => {
    const metric = result.metrics.find((m) => m.key === key);
    const summary = result.summary.find((s) => s.key === key);
    return metric && summary ? [{ metric, summary }] : [];
  });
}

function groupChart(result: ProbeResult, family: ChartFamily, rows: Row[], omitted: number): ChartSpec {
  const drawnValues = rows.flatMap((r) => [
    r.summary.median,
    r.summary.max,
    r.summary.target?.value ?? null,
    r.summary.previous,
  ]);
  const axis = displayUnit(family.unit, Math.max(0, ...drawnValues.map((v) => v ?? 0)));
  const scale = (v: number | null) => (v === null ? null : v / axis.divisor);
  const labels = rows.map((r) => r.metric.label);
  const log = needsLogScale(rows.map((r) => r.summary.median));
  const scaleNote = log ? ' (log scale)' : '';
  const title = `${result.service} baseline${platformNote(result.context.simulated)}: ${family.title}${scaleNote}`;
  const datasets: Record<string, unknown>[] = [
    {
      type: 'bar',
      label: 'median',
      data: labelledPoints(
        labels,
        rows.map((r) => scale(r.summary.median)),
        rows.map((r) => barText(r.summary.median, r.metric.unit)),
        rows.map((r) => highestMark(r, axis.divisor)),
      ),
      backgroundColor: COLOR.median,
      datalabels: BAR_LABELS,
      order: 2,
    },
    runsDataset(result, rows, axis.divisor),
  ];
  if (rows.some((r) => r.summary.target !== null)) {
    const targets = rows.map((r) => scale(r.summary.target?.value ?? null));
    datasets.push(markerDataset('target', targets, COLOR.target, 'line'));
  }
  if (rows.some((r) => r.summary.previous !== null)) {
    const previous = rows.map((r) => scale(r.summary.previous));
    datasets.push(markerDataset('previous baseline', previous, COLOR.previous, 'rectRot'));
  }
  const top = headroomMax(drawnValues.map(scale));
  return {
    config: {
      type: 'bar',
      data: { labels, datasets },
      options: {
        plugins: titleAndLegend(title),
        scales: { y: log ? logAxis(axis.unit, drawnValues.map(scale), top) : linearAxis(axis.unit, top) },
      },
    },
    title,
    altText: capAltText(altText(result, rows, `${family.title}${scaleNote}`, omitted)),
    filename: `${result.service}-baseline-${slug(family.id)}-${slug(result.id)}.png`,
  };
}

/** The log axis' headroom: a factor of 2 above the tallest mark. */
const LOG_HEADROOM = 2;

function linearAxis(unit: string, top: number | undefined): Record<string, unknown> {
  return valueAxis(unit, top === undefined ? {} : { suggestedMax: top });
}

/**
 * A logarithmic value axis, titled so (`ms, log scale`): from half the smallest positive value, so
 * that the shortest bar is seen, to twice the tallest mark (headroom on a log axis is a factor: the
 * linear one's 15% would leave the tallest label on the top edge).
 */
function logAxis(
  unit: string,
  values: readonly (number | null)[],
  top: number | undefined,
): Record<string, unknown> {
  const positive = values.filter((v): v is number => v !== null && v > 0);
  const low = positive.length > 0 ? Math.min(...positive) / 2 : undefined;
  return {
    type: 'logarithmic',
    title: { display: true, text: unit === '' ? 'log scale' : `${unit}, log scale` },
    ...(low === undefined ? {} : { min: low }),
    ...(top === undefined ? {} : { suggestedMax: (top / HEADROOM) * LOG_HEADROOM }),
  };
}

/** The highest thing drawn over a metric's bar (its median, a run, the target, the previous baseline). */
function highestMark(row: Row, divisor: number): number | null {
  const { median, max, target, previous } = row.summary;
  const marks = [median, max, target?.value ?? null, previous].filter((v): v is number => v !== null);
  return marks.length === 0 ? null : Math.max(...marks) / divisor;
}

/** A bar's label: the number alone (the axis has the unit), bytes in their own scale (`1.5 GiB`). */
function barText(value: number | null, unit: string): string {
  if (value === null) return 'no data';
  return isByteUnit(unit) ? formatValue(value, unit) : formatNumber(value);
}

/** Every run's sample as a point over its metric's bar: the spread is seen, not only told. */
function runsDataset(result: ProbeResult, rows: Row[], divisor: number): Record<string, unknown> {
  // An invalid run (too few records sent, a bogus time) is not a sample: it is not drawn as one.
  const valid = result.runs.filter((run) => run.invalid === undefined);
  const points = valid.flatMap((run) =>
    rows.flatMap((r) => {
      const y = run.samples[r.metric.key];
      return y === undefined || !Number.isFinite(y) ? [] : [{ x: r.metric.label, y: y / divisor }];
    }),
  );
  return {
    type: 'line',
    label: `runs (${valid.length})`,
    data: points,
    showLine: false,
    pointRadius: 4,
    pointStyle: 'circle',
    borderColor: COLOR.run,
    backgroundColor: COLOR.run,
    order: 1,
  };
}

function altText(result: ProbeResult, rows: Row[], title: string, omitted: number): string {
  const parts = rows.map((r) => describeMetric(r.metric, r.summary));
  const more = omitted > 0 ? ` ${omitted} more metric(s) in the table only.` : '';
  const where = platformNote(result.context.simulated);
  return `${result.service} baseline${where}, ${title}: ${parts.join('; ')}.${more}`;
}

/** One metric in words: median, spread, target and previous baseline. */
export function describeMetric(metric: MetricDef, s: MetricSummary): string {
  if (s.median === null) return `${metric.label}: no data (inconclusive)`;
  const spread =
    s.min !== null && s.max !== null && s.n > 1 ? `, ${formatRange(s.min, s.max, metric.unit)}` : '';
  const words = [`${metric.label}: median ${formatValue(s.median, metric.unit)} over ${s.n} run(s)${spread}`];
  if (s.target !== null) {
    const verdict =
      s.met !== null
        ? s.met
          ? 'met'
          : 'missed'
        : s.n < MIN_SAMPLES
          ? 'inconclusive, 1 run'
          : 'inconclusive, runs on both sides of the target';
    words.push(`target ${formatTarget(s.target, metric.unit)} (${verdict})`);
  }
  if (s.previous !== null) {
    words.push(
      `previous baseline ${formatValue(s.previous, metric.unit)} (${formatComparison(s.comparison)})`,
    );
  }
  return words.join(', ');
}
