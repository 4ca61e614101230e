import { platformNote } from '../analysis/format.js';
import type { MetricValidation, Validation } from '../analysis/validation.js';
import type { ServiceName } from '../domain/services.js';
import type { ChartSpec } from './port.js';
import { COLOR, capAltText, guideBand, markerDataset, titleAndLegend, valueAxis } from './style.js';

type Compared = Extract<Validation, { ok: true }>;

const VERDICT_COLOR = {
  improved: COLOR.met,
  regressed: COLOR.missed,
  no_change: COLOR.median,
  inconclusive: COLOR.inconclusive,
} as const;

const pct = (v: number) => `${v >= 0 ? '+' : ''}${v.toFixed(1)}%`;

/** The change of a metric in %, turned so that up is better (a latency that fell by 10% reads +10%). */
const better = (m: MetricValidation, v: number) => (m.direction === 'higher_is_better' ? v : -v) * 100;

/** Where the change axis ends, in %: intervals beyond it are cut at the edge. */
const CLIP_PCT = 100;

/**
 * Pure: every tested metric's change with its interval, turned so that up is better: a floating bar
 * from the interval's low to its high, a mark at the estimate, coloured by the verdict, with the
 * ±threshold band around zero and each improvement target as a mark. A reader sees at once which
 * intervals clear the threshold. Undefined when no metric could be tested.
 */
export function buildValidationChart(
  service: ServiceName,
  validation: Compared,
  simulated: boolean | undefined,
): ChartSpec | undefined {
  const tested = validation.metrics.filter((m) => m.judgement.test !== undefined);
  if (tested.length === 0) return undefined;
  const labels = tested.map((m) => m.label);
  const intervals = tested.map((m) => {
    const t = m.judgement.test;
    if (!t) return [0, 0];
    const a = better(m, t.low);
    const b = better(m, t.high);
    return [Math.min(a, b), Math.max(a, b)];
  });
  // A few milliseconds of queue wait can swing by ±500%: drawn at full length, such an interval sets
  // the scale and flattens every other. The chart cuts at ±CLIP_PCT and says so; the alt text keeps
  // the figures.
  const cut = intervals.some(([a = 0, b = 0]) => a < -CLIP_PCT || b > CLIP_PCT);
  const clip = (v: number) => Math.max(-CLIP_PCT, Math.min(CLIP_PCT, v));
  const estimates = tested.map((m) => clip(better(m, m.judgement.test?.change ?? 0)));
  const threshold = (tested[0]?.judgement.test?.threshold ?? 0) * 100;
  const level = Math.round((tested[0]?.judgement.test?.level ?? 0.95) * 100);
  const targets = tested.map((m) => {
    const t = validation.targets.find((x) => x.metric === m.key);
    return t ? t.change * 100 : null;
  });
  const datasets: Record<string, unknown>[] = [
    {
      type: 'bar',
      label: `${level}% interval of the change`,
      data: intervals.map(([a = 0, b = 0]) => [clip(a), clip(b)]),
      backgroundColor: tested.map((m) => VERDICT_COLOR[m.judgement.verdict]),
      borderWidth: 0,
      barPercentage: 0.5,
      order: 2,
    },
    { ...markerDataset('estimate (Hodges–Lehmann)', estimates, COLOR.run, 'line'), pointRadius: 14 },
    guideBand(
      `±${threshold.toFixed(0)}%: no meaningful change`,
      0,
      tested.length,
      'rgba(78, 121, 167, 0.18)',
      threshold,
    ),
  ];
  if (targets.some((t) => t !== null))
    datasets.push(markerDataset('target', targets, COLOR.target, 'rectRot'));
  const title = `${service} validation${platformNote(simulated)}: change, better ↑`;
  const alt = tested
    .map((m) => {
      const t = m.judgement.test;
      if (!t) return '';
      return `${m.label}: ${m.judgement.verdict.replace('_', ' ')}, ${pct(t.change * 100)} [${pct(t.low * 100)}, ${pct(t.high * 100)}], ${t.nBefore} runs before, ${t.nAfter} after`;
    })
    .join('; ');
  return {
    title,
    altText: capAltText(`${title}. ${alt}. Threshold ±${threshold.toFixed(0)}%.`),
    filename: `${service}-validation.png`,
    config: {
      type: 'bar',
      data: { labels, datasets },
      options: {
        plugins: titleAndLegend(title),
        scales: {
          y: valueAxis(`change in % (better ↑${cut ? `; cut at ±${CLIP_PCT}%` : ''})`, {
            beginAtZero: false,
            grid: { color: 'rgba(0,0,0,0.08)' },
          }),
        },
      },
    },
  };
}

/**
 * Pure: one metric's runs before and after, each run a point, the medians as marks: the picture of
 * the samples the verdict was drawn from.
 */
export function buildRunsChart(
  service: ServiceName,
  metric: MetricValidation,
  simulated: boolean | undefined,
): ChartSpec {
  const labels = ['before', 'after'];
  const points = [
    ...metric.before.map((y) => ({ x: 'before', y })),
    ...metric.after.map((y) => ({ x: 'after', y })),
  ];
  const med = (v: readonly number[]) => {
    const s = [...v].sort((a, b) => a - b);
    const i = Math.floor(s.length / 2);
    return s.length === 0
      ? null
      : s.length % 2
        ? (s[i] as number)
        : ((s[i - 1] as number) + (s[i] as number)) / 2;
  };
  const title = `${service} validation${platformNote(simulated)}: ${metric.label}, every run`;
  return {
    title,
    altText: capAltText(
      `${title}. Before: ${metric.before.join(', ') || 'no runs'}. After: ${metric.after.join(', ') || 'no runs'} (${metric.unit}).`,
    ),
    filename: `${service}-validation-runs.png`,
    config: {
      type: 'bar',
      data: {
        labels,
        datasets: [
          {
            ...markerDataset('median', [med(metric.before), med(metric.after)], COLOR.median, 'line'),
            pointRadius: 30,
          },
          {
            type: 'scatter',
            label: 'runs',
            data: points,
            backgroundColor: COLOR.run,
            pointRadius: 5,
            order: 1,
          },
        ],
      },
      options: {
        plugins: titleAndLegend(title),
        scales: { x: { type: 'category', labels }, y: valueAxis(metric.unit, { beginAtZero: false }) },
      },
    },
  };
}
