import type { ProbeResult } from '../results/schema.js';
import { comparable, contextDifferences, paramDifferences } from './previous.js';
import { judgeShift, type ShiftJudgement } from './shift.js';

/**
 * Validation's comparison of two results of one service (issue #16), pure: per metric, the runs
 * before and after judged by `judgeShift`; per service, its improvement targets (the runbook's:
 * Kafka throughput +20%, Trino latency −30%, …) judged on the interval, never on one run; and what
 * differs between the two environments. A pair measured with other parameters or on another kind
 * of platform is refused, not compared.
 */

/** "`producer.records_per_sec` improves by at least 20%": `change` is a fraction, signed as better. */
export interface ImprovementTarget {
  metric: string;
  /** 0.2 for +20% better (for a lower-is-better metric, 20% lower). */
  change: number;
}

export interface ValidationOptions {
  /** A meaningful change per metric key (fraction); others get `defaultThreshold`. */
  thresholds?: Readonly<Record<string, number>>;
  defaultThreshold: number;
  /** This look's α (validation splits its α over its looks: `adaptiveLooks`). */
  alpha: number;
  targets: readonly ImprovementTarget[];
  /**
   * Metrics judged on the look's α alone besides the targets (the critical ones that may roll a
   * change back). Every other metric is one of many: its verdict stands only when Holm's step-down
   * over all of them keeps it (`holmSecondary`).
   */
  primary?: readonly string[];
}

export interface MetricValidation {
  key: string;
  label: string;
  unit: string;
  direction: 'higher_is_better' | 'lower_is_better';
  before: number[];
  after: number[];
  judgement: ShiftJudgement;
}

export interface TargetValidation extends ImprovementTarget {
  /** Met when the whole interval is at or beyond the target, missed when it is wholly short of it. */
  met: boolean | null;
  reason: string;
}

export type Validation =
  | {
      ok: true;
      beforeId: string;
      afterId: string;
      metrics: MetricValidation[];
      targets: TargetValidation[];
      /** Node count, images, settings that differ between the two environments. */
      differences: string[];
    }
  | { ok: false; reason: string };

const samplesOf = (result: ProbeResult, key: string): number[] =>
  result.runs
    .filter((r) => r.invalid === undefined)
    .flatMap((r) => (key in r.samples ? [r.samples[key] as number] : []));

const pct = (v: number) => `${v >= 0 ? '+' : ''}${(v * 100).toFixed(1)}%`;

/**
 * Compares `after` with `before`, metric by metric.
 *
 * @example validate(baseline, rerun, { defaultThreshold: 0.03, alpha: 0.025, targets: [{ metric: 'producer.records_per_sec', change: 0.2 }] })
 */
export function validate(before: ProbeResult, after: ProbeResult, options: ValidationOptions): Validation {
  if (before.service !== after.service)
    return { ok: false, reason: `${before.id} measured ${before.service}, ${after.id} ${after.service}` };
  if (!comparable(after, before)) {
    const why = paramDifferences(before.params, after.params);
    const kind = Boolean(before.context.simulated) !== Boolean(after.context.simulated);
    return {
      ok: false,
      reason: `not like for like: ${[...why, ...(kind ? ['one was measured on the simulated platform, the other on a cluster'] : [])].join(', ')}`,
    };
  }
  const metrics = after.metrics.map((def): MetricValidation => {
    const b = samplesOf(before, def.key);
    const a = samplesOf(after, def.key);
    const threshold = options.thresholds?.[def.key] ?? options.defaultThreshold;
    return {
      ...def,
      before: b,
      after: a,
      judgement: judgeShift(b, a, { direction: def.direction, threshold, alpha: options.alpha }),
    };
  });
  const primary = new Set([...options.targets.map((t) => t.metric), ...(options.primary ?? [])]);
  holmSecondary(metrics, primary, options.alpha);
  const targets = options.targets.map((target): TargetValidation => {
    const m = metrics.find((x) => x.key === target.metric);
    const test = m?.judgement.test;
    if (!m || !test)
      return { ...target, met: null, reason: m?.judgement.reason ?? `${target.metric} was not measured` };
    const better = m.direction === 'higher_is_better' ? [test.low, test.high] : [-test.high, -test.low];
    const [lo, hi] = better as [number, number];
    const want = `${m.direction === 'higher_is_better' ? '+' : '−'}${(target.change * 100).toFixed(0)}%`;
    const got = `${pct(test.change)} [${pct(test.low)}, ${pct(test.high)}]`;
    if (lo >= target.change)
      return { ...target, met: true, reason: `${got}: the whole interval reaches ${want}` };
    if (hi < target.change) return { ...target, met: false, reason: `${got}: short of ${want}` };
    return { ...target, met: null, reason: `${got} straddles ${want}: more runs would decide` };
  });
  return {
    ok: true,
    beforeId: before.id,
    afterId: after.id,
    metrics,
    targets,
    differences: contextDifferences(before.context, after.context),
  };
}

/**
 * A validation judges many metrics at once (Trino: about 20); at α each, an unchanged platform would
 * show a stray "improved" or "regressed" on one of them far more often than α. The targets and the
 * critical metrics keep the look's α (they are what the verdict, the report and a rollback read);
 * the others are a family: Holm's step-down over their p (the i-th smallest of k against α/(k − i))
 * keeps a verdict only while every smaller p was kept too. One not kept becomes inconclusive, saying
 * why. Mutates `metrics`' judgements.
 */
function holmSecondary(metrics: MetricValidation[], primary: ReadonlySet<string>, alpha: number): void {
  const family = metrics
    .filter((m) => !primary.has(m.key) && m.judgement.test !== undefined)
    .sort((a, b) => (a.judgement.test?.p ?? 1) - (b.judgement.test?.p ?? 1));
  const k = family.length;
  let rejecting = true;
  family.forEach((m, i) => {
    const p = m.judgement.test?.p ?? 1;
    if (rejecting && p > alpha / (k - i)) rejecting = false;
    const decided = m.judgement.verdict === 'improved' || m.judgement.verdict === 'regressed';
    if (rejecting || !decided) return;
    m.judgement = {
      ...m.judgement,
      verdict: 'inconclusive',
      reason: `moved (${pct(m.judgement.test?.change ?? 0)}, p = ${p.toPrecision(2)}), but not beyond chance among the ${k} metrics judged besides the targets (Holm, α = ${alpha}): more runs would decide`,
    };
  });
}
