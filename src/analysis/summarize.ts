import { max, median, medianAbsoluteDeviation, min } from 'simple-statistics';
import type { Target } from '../config/platform.js';
import type { MetricDef, MetricSummary, ProbeResult, Run } from '../results/schema.js';

/**
 * Pure: the runs' samples → one summary per metric (median, spread, target check, change against the
 * previous baseline). The median is what targets are checked against: one run is mostly noise.
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
    const before = previous?.summary.find((s) => s.key === metric.key)?.median ?? null;
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
      met: target && mid !== null ? meets(mid, target.op, target.value) : null,
      previous: before,
      changePct: changePct(mid, before),
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
