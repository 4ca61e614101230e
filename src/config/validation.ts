import { z } from 'zod';
import { ServiceNameSchema } from '../domain/services.js';

/**
 * perfbot.yaml's `validation` section (`/perf validate`, issue #16): how many runs the after side
 * gets first and at most, the error rate split over the looks (`adaptiveLooks`), the threshold of a
 * meaningful change (per metric when one needs another), and each service's improvement targets.
 * The defaults are the runbook's targets, with the metric keys the probes define: Kafka throughput
 * +20%, Trino latency −30%, Ray task throughput +15%, PostgreSQL query speed +25% (read as its p95
 * latency 25% lower); overall +30%.
 *
 * @example validation: { runs: 5, maxRuns: 10, autoValidate: true, autoRollback: true, critical: { trino: [join.elapsed_ms] } }
 */
const Fraction = z.number().positive().max(10);

const TargetSchema = z.strictObject({
  metric: z.string().min(1).max(100),
  /** Better by at least this fraction (0.2 = 20% more throughput, or 20% less latency). */
  change: Fraction,
});

/** The runbook's targets per service (a function: each config gets its own arrays). */
export const defaultValidationTargets = () => ({
  kafka: [{ metric: 'producer.records_per_sec', change: 0.2 }],
  trino: [{ metric: 'join.elapsed_ms', change: 0.3 }],
  ray: [{ metric: 'tiny_tasks_per_sec', change: 0.15 }],
  postgres: [{ metric: 'query.p95_ms', change: 0.25 }],
});

export const ValidationConfigSchema = z
  .strictObject({
    /**
     * Runs of the after side at the first look. 5, not 3: with 3 runs a side no rank test reaches
     * α = 0.05, and 5 a side is the least that decides at the first look's share of α (α/4 = 0.0125).
     */
    runs: z.number().int().min(2).max(20).default(5),
    /** The cap: validation measures more (up to here) only while a target's verdict is inconclusive. */
    maxRuns: z.number().int().min(2).max(20).default(10),
    /** The error rate of the whole validation, split over its looks. */
    alpha: z.number().gt(0).max(0.2).default(0.05),
    /** A meaningful change (fraction of before); cluster probes need 3–5%. */
    threshold: z.number().gt(0).max(1).default(0.03),
    /** Per metric key, when one metric is noisier than the rest. */
    thresholds: z.record(z.string(), z.number().gt(0).max(1)).default({}),
    /** Improvement targets per service, judged on the interval. */
    targets: z.partialRecord(ServiceNameSchema, z.array(TargetSchema)).default(defaultValidationTargets),
    /**
     * The runbook's overall success criterion ("30%+ improvement verified"), read by `/perf report`:
     * met when every target above was validated with its whole interval at least this much better.
     */
    overall: Fraction.default(0.3),
    /**
     * Once an applied change's rollout is verified, validate its service by itself (a `validate` job
     * in the change's thread, against the last result before the change). Off by default.
     */
    autoValidate: z.boolean().default(false),
    /**
     * When a validation judges a change still applied (the last one applied between its two results)
     * and a critical metric's verdict is "regressed", roll that change back by itself: the rollback
     * is proposed and approved by `perfbot/auto`, applied, and the thread and the ledger say so.
     * Off by default; it acts on automatic and asked-for validations alike.
     */
    autoRollback: z.boolean().default(false),
    /**
     * The metric keys whose regression rolls a change back (`autoRollback`), per service; a service
     * not listed: the metrics of its targets.
     */
    critical: z.partialRecord(ServiceNameSchema, z.array(z.string().min(1).max(100))).default({}),
  })
  .refine((v) => v.runs <= v.maxRuns, {
    message: 'validation.runs exceeds validation.maxRuns',
    path: ['runs'],
  });
export type ValidationConfig = z.infer<typeof ValidationConfigSchema>;

/** The metrics whose regression rolls a change back by itself (`autoRollback`): `critical`, else the targets'. */
export function criticalMetrics(cfg: ValidationConfig, service: string): string[] {
  const listed = cfg.critical[service as keyof ValidationConfig['critical']];
  if (listed !== undefined) return [...listed];
  return (cfg.targets[service as keyof ValidationConfig['targets']] ?? []).map((t) => t.metric);
}
