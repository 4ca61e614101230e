import { formatChange, formatRange, formatTarget, formatValue, platformNote } from '../analysis/format.js';
import { headline } from '../analysis/headline.js';
import { MIN_SAMPLES } from '../analysis/summarize.js';
import type { MetricDef, MetricSummary, ProbeResult } from '../results/schema.js';
import type { ChartSpec } from './port.js';
import { COLOR, capAltText, markerDataset, slug, titleAndLegend, unitTitle, valueAxis } from './style.js';

/** At most this many charts per result and bars per chart: beyond that a chart stops being read. */
export const MAX_BASELINE_CHARTS = 2;
export const MAX_BARS = 12;

interface Row {
  metric: MetricDef;
  summary: MetricSummary;
}

/**
 * Pure: a result → one chart per unit (the headline's unit first, then the largest group), at most two.
 * Metrics are grouped by unit, never by service, so that a new probe needs no chart code: Kafka gives
 * throughput (records/s) and latency (ms); Trino gives elapsed time per query (ms).
 */
export function buildBaselineCharts(result: ProbeResult): ChartSpec[] {
  return unitGroups(result)
    .slice(0, MAX_BASELINE_CHARTS)
    .map((rows) => groupChart(result, rows));
}

function unitGroups(result: ProbeResult): Row[][] {
  const groups = new Map<string, Row[]>();
  for (const metric of result.metrics) {
    const summary = result.summary.find((s) => s.key === metric.key);
    if (!summary) continue;
    const key = metric.chartGroup ?? metric.unit;
    const group = groups.get(key) ?? [];
    group.push({ metric, summary });
    groups.set(key, group);
  }
  const leadMetric = headline(result)?.metric;
  const lead = leadMetric ? (leadMetric.chartGroup ?? leadMetric.unit) : undefined;
  return [...groups.entries()]
    .map(([unit, rows], order) => ({ unit, rows, order }))
    .sort(
      (a, b) =>
        rank(b.unit === lead, b.rows.length) - rank(a.unit === lead, a.rows.length) || a.order - b.order,
    )
    .map((group) => group.rows);
}

function rank(isLead: boolean, size: number): number {
  return (isLead ? 1_000_000 : 0) + size;
}

function groupChart(result: ProbeResult, all: Row[]): ChartSpec {
  const rows = all.slice(0, MAX_BARS);
  const unit = rows[0]?.metric.unit ?? '';
  const labels = rows.map((r) => r.metric.label);
  const title = `${result.service} baseline${platformNote(result.context.simulated)}: ${unitTitle(unit)}`;
  const datasets: Record<string, unknown>[] = [
    {
      type: 'bar',
      label: 'median',
      data: rows.map((r) => r.summary.median),
      backgroundColor: COLOR.median,
      order: 2,
    },
    runsDataset(result, rows),
  ];
  if (rows.some((r) => r.summary.target !== null)) {
    datasets.push(
      markerDataset(
        'target',
        rows.map((r) => r.summary.target?.value ?? null),
        COLOR.target,
        'line',
      ),
    );
  }
  if (rows.some((r) => r.summary.previous !== null)) {
    datasets.push(
      markerDataset(
        'previous baseline',
        rows.map((r) => r.summary.previous),
        COLOR.previous,
        'rectRot',
      ),
    );
  }
  const omitted = all.length - rows.length;
  return {
    config: {
      type: 'bar',
      data: { labels, datasets },
      options: { plugins: titleAndLegend(title), scales: { y: valueAxis(unit) } },
    },
    title,
    altText: capAltText(altText(result, rows, unit, omitted)),
    filename: `${result.service}-baseline-${slug(rows[0]?.metric.chartGroup ?? unit)}.png`,
  };
}

/** Every run's sample as a point over its metric's bar: the spread is seen, not only told. */
function runsDataset(result: ProbeResult, rows: Row[]): Record<string, unknown> {
  const points = result.runs.flatMap((run) =>
    rows.flatMap((r) => {
      const y = run.samples[r.metric.key];
      return y === undefined || !Number.isFinite(y) ? [] : [{ x: r.metric.label, y }];
    }),
  );
  return {
    type: 'line',
    label: `runs (${result.runs.length})`,
    data: points,
    showLine: false,
    pointRadius: 4,
    pointStyle: 'circle',
    borderColor: COLOR.run,
    backgroundColor: COLOR.run,
    order: 1,
  };
}

function altText(result: ProbeResult, rows: Row[], unit: string, omitted: number): string {
  const parts = rows.map((r) => describeMetric(r.metric, r.summary));
  const more = omitted > 0 ? ` ${omitted} more metric(s) in the table only.` : '';
  const where = platformNote(result.context.simulated);
  return `${result.service} baseline${where}, ${unitTitle(unit)}: ${parts.join('; ')}.${more}`;
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
      `previous baseline ${formatValue(s.previous, metric.unit)} (${formatChange(s.changePct, s.change)})`,
    );
  }
  return words.join(', ');
}
