import { max, median, medianAbsoluteDeviation, min } from 'simple-statistics';
import type { Target } from '../config/fields.js';
import type {
  Change,
  Comparison,
  Direction,
  MetricDef,
  MetricSummary,
  ProbeResult,
  Run,
} from '../results/schema.js';

/** Fewer samples than this give no target verdict: one run is mostly noise (DESIGN.md, "Trustworthy numbers"). */
export const MIN_SAMPLES = 2;

/**
 * Fewer samples than this on either side give no improved/regressed verdict. Two runs per side that
 * happen not to overlap is a coin toss away from chance (a 1-in-3 false verdict under no change).
 */
export const MIN_COMPARE_SAMPLES = 3;

/**
 * The smallest move of the medians, in percent of the previous one, that can be called a change:
 * below it, run-to-run drift of a shared cluster (a few percent) is more likely than a real effect.
 */
export const MIN_EFFECT_PCT = 5;

/**
 * The gap between the nearest runs of two results, as a share of the wider result's range, below which
 * non-overlapping runs are still called noise: with 3 runs a side, ranges miss each other by chance.
 */
export const MIN_GAP_RATIO = 0.5;

/**
 * Pure: the runs' samples → one summary per metric (median, spread, target check, change against the
 * previous baseline). A target is checked against every run (`checkTarget`), from two samples on; the
 * change gets a verdict from both results' runs (`compareRuns`), not from the medians alone.
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
      met: target ? checkTarget(values, target.op, target.value) : null,
      previous: before,
      comparison:
        previous && earlier
          ? compareSamples(values, samplesOf(metric.key, cleanRuns(previous)), metric.direction)
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

/**
 * The target verdict from the runs: true when every run meets it, false when every run misses it,
 * null (inconclusive) when the runs fall on both sides or there are fewer than `MIN_SAMPLES`. A median
 * that meets the target while some runs miss it is luck of the draw, not a pass.
 */
export function checkTarget(values: readonly number[], op: '>=' | '<=', target: number): boolean | null {
  if (values.length < MIN_SAMPLES) return null;
  const hits = values.filter((v) => meets(v, op, target)).length;
  if (hits === values.length) return true;
  return hits === 0 ? false : null;
}

/** Relative change in percent; null without both values or against a zero baseline (undefined ratio). */
export function changePct(current: number | null, previous: number | null): number | null {
  if (current === null || previous === null || previous === 0) return null;
  return ((current - previous) / Math.abs(previous)) * 100;
}

/**
 * The verdict on a change, conservative and simple enough to defend. Improved or regressed needs all of:
 * - at least `MIN_COMPARE_SAMPLES` runs on each side (else inconclusive);
 * - the two results' ranges apart, with a gap between the nearest runs of at least `MIN_GAP_RATIO` of
 *   the wider range (no overlap alone is luck 1 time in 10 at n=3; the gap scales the bar to the noise);
 * - the medians moved by at least `MIN_EFFECT_PCT` in that direction.
 * Anything less is within noise; a zero previous median (no ratio) is inconclusive. Under no change
 * with 4% run-to-run noise and n=3 this errs about 1.5% of the time (the gap-less rule about 5%).
 */
export function compareRuns(
  current: readonly number[],
  previous: readonly number[],
  direction: Direction,
): Change {
  if (current.length < MIN_COMPARE_SAMPLES || previous.length < MIN_COMPARE_SAMPLES) return 'inconclusive';
  const pct = changePct(median(current as number[]), median(previous as number[]));
  if (pct === null) return 'inconclusive';
  const now = range(current);
  const before = range(previous);
  const needed = MIN_GAP_RATIO * Math.max(now.high - now.low, before.high - before.low);
  const higher = direction === 'higher_is_better';
  const up = now.low - before.high;
  const down = before.low - now.high;
  if (up > 0 && up >= needed && pct >= MIN_EFFECT_PCT) return higher ? 'improved' : 'regressed';
  if (down > 0 && down >= needed && pct <= -MIN_EFFECT_PCT) return higher ? 'regressed' : 'improved';
  return 'within_noise';
}

function range(values: readonly number[]): { low: number; high: number } {
  return { low: Math.min(...values), high: Math.max(...values) };
}

/**
 * The comparison of one metric's samples with the previous baseline's: the medians' move, the verdict
 * of `compareRuns` and how many samples each side had. The one place a `Comparison` is made.
 */
export function compareSamples(
  current: readonly number[],
  previous: readonly number[],
  direction: Direction,
): Comparison {
  const mid = (values: readonly number[]) => (values.length === 0 ? null : median(values as number[]));
  return {
    changePct: changePct(mid(current), mid(previous)),
    verdict: compareRuns(current, previous, direction),
    method: 'runs-apart',
    nBefore: previous.length,
    nAfter: current.length,
  };
}

/**
 * One metric of two stored results compared the way `summarize` does; undefined when either result
 * lacks the metric. For views that compare two stored results after the fact (history, trends).
 */
export function compareResults(
  metric: MetricDef,
  current: ProbeResult,
  previous: ProbeResult,
): Comparison | undefined {
  const now = current.summary.find((s) => s.key === metric.key);
  const before = previous.summary.find((s) => s.key === metric.key);
  if (!now || !before) return undefined;
  return compareSamples(
    samplesOf(metric.key, cleanRuns(current)),
    samplesOf(metric.key, cleanRuns(previous)),
    metric.direction,
  );
}

/** The runs a stored summary was made of: a run marked invalid is kept, but is not a sample. */
function cleanRuns(result: ProbeResult): Run[] {
  return result.runs.filter((r) => r.invalid === undefined);
}
