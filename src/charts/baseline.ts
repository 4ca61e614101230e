import {
  formatComparison,
  formatRange,
  formatTarget,
  formatValue,
  platformNote,
} from '../analysis/format.js';
import { MIN_SAMPLES } from '../analysis/summarize.js';
import type { ChartFamily } from '../domain/service.js';
import type { MetricDef, MetricSummary, ProbeResult } from '../results/schema.js';
import type { ChartSpec } from './port.js';
import { COLOR, capAltText, markerDataset, slug, titleAndLegend, valueAxis } from './style.js';

/** At most this many bars per chart: beyond that a chart stops being read. */
export const MAX_BARS = 12;

interface Row {
  metric: MetricDef;
  summary: MetricSummary;
}

/**
 * Pure: a result → one chart per chart family of its service (`probes/<svc>/index.ts`), in the
 * order declared. A family draws its own picture when it can (resources' nodes), else bars of its
 * metrics; a family none of whose metrics was measured is left out. Metrics in no family are in
 * the summary's table only.
 */
export function buildBaselineCharts(result: ProbeResult, families: readonly ChartFamily[]): ChartSpec[] {
  return families.flatMap((family) => {
    const drawn = family.draw?.(result);
    if (drawn !== undefined) return [drawn];
    const rows = rowsOf(result, family);
    return rows.length === 0 ? [] : [groupChart(result, family, rows)];
  });
}

function rowsOf(result: ProbeResult, family: ChartFamily): Row[] {
  return family.metrics.flatMap((key) => {
    const metric = result.metrics.find((m) => m.key === key);
    const summary = result.summary.find((s) => s.key === key);
    return metric && summary ? [{ metric, summary }] : [];
  });
}

function groupChart(result: ProbeResult, family: ChartFamily, all: Row[]): ChartSpec {
  const rows = all.slice(0, MAX_BARS);
  const unit = family.unit;
  const labels = rows.map((r) => r.metric.label);
  const title = `${result.service} baseline${platformNote(result.context.simulated)}: ${family.title}`;
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
    altText: capAltText(altText(result, rows, family.title, omitted)),
    filename: `${result.service}-baseline-${slug(family.id)}.png`,
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
