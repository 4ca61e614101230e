import { max, median, medianAbsoluteDeviation, min } from 'simple-statistics';
import type { Target } from '../config/platform.js';
import type { Change, Direction, MetricDef, MetricSummary, ProbeResult, Run } from '../results/schema.js';

/** Fewer samples than this give no verdict: one run is mostly noise (DESIGN.md, "Trustworthy numbers"). */
export const MIN_SAMPLES = 2;

/**
 * Pure: the runs' samples → one summary per metric (median, spread, target check, change against the
 * previous baseline). The median is what targets are checked against, and only from two samples on;
 * the change gets a verdict from both results' runs (`compareRuns`), not from the medians alone.
 *
 * @example summarize(probe.metrics, result.runs, platform.services.kafka.targets, lastBaseline)
 */
export function summarize(
  metrics: readonly MetricDef[],
  runs: readonly Run[],
  targets: readonly Target[],
  previous?: ProbeResult,
): MetricSummary[] {
  return metrics.map((metric) => {
    const values = samplesOf(metric.key, runs);
    const target = targets.find((t) => t.metric === metric.key);
    const earlier = previous?.summary.find((s) => s.key === metric.key);
    const before = earlier?.median ?? null;
    const stats = values.length === 0 ? undefined : describe(values);
    const mid = stats?.median ?? null;
    return {
      key: metric.key,
      n: values.length,
      median: mid,
      min: stats?.min ?? null,
      max: stats?.max ?? null,
      mad: stats?.mad ?? null,
      target: target ? { op: target.op, value: target.value } : null,
      met:
        target && mid !== null && values.length >= MIN_SAMPLES ? meets(mid, target.op, target.value) : null,
      previous: before,
      changePct: changePct(mid, before),
      change:
        previous && earlier
          ? compareRuns(values, samplesOf(metric.key, previous.runs), metric.direction)
          : null,
    };
  });
}

/** The finite values a metric has across runs; a run that lacks it (tool printed nothing) is skipped. */
export function samplesOf(key: string, runs: readonly Run[]): number[] {
  return runs
    .map((run) => run.samples[key])
    .filter((v): v is number => v !== undefined && Number.isFinite(v));
}

function describe(values: readonly number[]): { median: number; min: number; max: number; mad: number } {
  return {
    median: median(values as number[]),
    min: min(values as number[]),
    max: max(values as number[]),
    mad: medianAbsoluteDeviation(values),
  };
}

/** True when `value` satisfies `op target`. */
export function meets(value: number, op: '>=' | '<=', target: number): boolean {
  return op === '>=' ? value >= target : value <= target;
}

/** Relative change in percent; null without both values or against a zero baseline (undefined ratio). */
export function changePct(current: number | null, previous: number | null): number | null {
  if (current === null || previous === null || previous === 0) return null;
  return ((current - previous) / Math.abs(previous)) * 100;
}

/**
 * The verdict on a change, kept simple enough to defend: it improved or regressed only when every run
 * of one result beats every run of the other (the ranges do not overlap); overlapping runs are within
 * noise; fewer than two samples on either side prove nothing.
 */
export function compareRuns(
  current: readonly number[],
  previous: readonly number[],
  direction: Direction,
): Change {
  if (current.length < MIN_SAMPLES || previous.length < MIN_SAMPLES) return 'inconclusive';
  const [curLow, curHigh] = [Math.min(...current), Math.max(...current)];
  const [prevLow, prevHigh] = [Math.min(...previous), Math.max(...previous)];
  const higher = direction === 'higher_is_better';
  if (curLow > prevHigh) return higher ? 'improved' : 'regressed';
  if (curHigh < prevLow) return higher ? 'regressed' : 'improved';
  return 'within_noise';
}

/**
 * One metric of two stored results compared the way `summarize` does (median move and verdict from
 * the runs); undefined when either result lacks the metric. For views that compare after the fact.
 */
export function compareResults(
  metric: MetricDef,
  current: ProbeResult,
  previous: ProbeResult,
): { changePct: number | null; change: Change } | undefined {
  const now = current.summary.find((s) => s.key === metric.key);
  const before = previous.summary.find((s) => s.key === metric.key);
  if (!now || !before) return undefined;
  return {
    changePct: changePct(now.median, before.median),
    change: compareRuns(
      samplesOf(metric.key, current.runs),
      samplesOf(metric.key, previous.runs),
      metric.direction,
    ),
  };
}
