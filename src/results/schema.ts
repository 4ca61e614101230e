import { z } from 'zod';
import { BaselineTargetSchema } from '../commands/command.js';
import { ServiceNameSchema } from '../domain/services.js';

/**
 * A stored measurement. Every number perfbot reports is in `runs[].samples`, parsed from the tool's
 * output kept in `runs[].raw`; `summary` is derived from the samples by `analysis/summarize.ts`.
 */
export const DirectionSchema = z.enum(['higher_is_better', 'lower_is_better']);
export type Direction = z.infer<typeof DirectionSchema>;

/**
 * What a metric is: its key (`producer.records_per_sec`), label, unit and which way is better. Which
 * chart it goes on is its service's (`charts` in `probes/<svc>/index.ts`).
 */
export const MetricDefSchema = z.object({
  key: z.string().min(1),
  label: z.string().min(1),
  unit: z.string(),
  direction: DirectionSchema,
});
export type MetricDef = z.infer<typeof MetricDefSchema>;

/** One run of a probe: its samples (metric key → value) and the raw tool output they came from. */
export const RunSchema = z.object({
  index: z.number().int().min(0),
  startedAt: z.iso.datetime(),
  durationMs: z.number().min(0),
  samples: z.record(z.string(), z.number()),
  /** The tool's output, kept (capped in size) so that every figure can be traced back. */
  raw: z.string(),
  /** Why the run is not a clean sample (it is then left out of the summary); absent when it is. */
  invalid: z.string().optional(),
});
export type Run = z.infer<typeof RunSchema>;

/**
 * The verdict on a change against the previous baseline, from both results' runs (not their medians
 * alone): `improved`/`regressed` only when the two sets of runs are apart (`compareRuns`),
 * `within_noise` when they are not, `inconclusive` when either side has too few samples (or none).
 */
export const ChangeSchema = z.enum(['improved', 'regressed', 'within_noise', 'inconclusive']);
export type Change = z.infer<typeof ChangeSchema>;

/** How a comparison reached its verdict; views say what the method means (`present/summary.ts`). */
export const ComparisonMethodSchema = z.enum([
  /** Both results' runs apart by a gap scaled to their spread, medians ≥ 5% apart (`compareRuns`). */
  'runs-apart',
  /** Stored before verdicts existed: a median move with no method behind it. */
  'unrecorded',
]);
export type ComparisonMethod = z.infer<typeof ComparisonMethodSchema>;

/**
 * One metric against the previous like-for-like baseline, computed once by the analysis
 * (`analysis/summarize.ts`) and stored with the result; views only format it.
 *
 * @example { changePct: 4.3, verdict: 'within_noise', method: 'runs-apart', nBefore: 3, nAfter: 3 }
 */
export const ComparisonSchema = z.object({
  /** The median's move against the previous baseline's, in percent; null without a ratio (zero or no data). */
  changePct: z.number().nullable(),
  verdict: ChangeSchema,
  method: ComparisonMethodSchema,
  /** Samples on each side; `nBefore` is null when not recorded (results stored before comparisons were). */
  nBefore: z.number().int().min(0).nullable(),
  nAfter: z.number().int().min(0),
  /** Room for a confidence interval of the change, in percent (the validate issue): `level` 0.95 for 95%. */
  interval: z.object({ low: z.number(), high: z.number(), level: z.number().gt(0).lt(1) }).optional(),
});
export type Comparison = z.infer<typeof ComparisonSchema>;

const MetricSummaryObject = z.object({
  key: z.string(),
  n: z.number().int().min(0),
  median: z.number().nullable(),
  min: z.number().nullable(),
  max: z.number().nullable(),
  /** Median absolute deviation, in the metric's unit. */
  mad: z.number().nullable(),
  target: z.object({ op: z.enum(['>=', '<=']), value: z.number() }).nullable(),
  /**
   * null when there is no target, no data or a single sample: "no data" and one run are inconclusive,
   * never a pass (a target is met only when every run meets it, missed when every run misses it).
   */
  met: z.boolean().nullable(),
  /** The previous baseline's median. */
  previous: z.number().nullable(),
  /** Against the previous baseline; null without one measuring this metric. */
  comparison: ComparisonSchema.nullable(),
});

/**
 * Results stored before the comparison was recorded have `changePct` and `change` instead: read
 * them as a comparison with `nBefore` unknown (a bare median move, without a verdict, reads as an
 * inconclusive comparison of method `unrecorded`).
 */
function fromLegacy(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || 'comparison' in value) return value;
  const { changePct, change, ...rest } = value as Record<string, unknown>;
  const pct = typeof changePct === 'number' ? changePct : null;
  const verdict = ChangeSchema.safeParse(change);
  if (pct === null && !verdict.success) return { ...rest, comparison: null };
  const nAfter = typeof rest.n === 'number' ? rest.n : 0;
  return {
    ...rest,
    comparison: {
      changePct: pct,
      verdict: verdict.success ? verdict.data : 'inconclusive',
      // A stored verdict came from the runs-apart rule; a bare move predates verdicts.
      method: verdict.success ? 'runs-apart' : 'unrecorded',
      nBefore: null,
      nAfter,
    },
  };
}

/** Median and spread of one metric over the runs, checked against its target and the last baseline. */
export const MetricSummarySchema = z.preprocess(fromLegacy, MetricSummaryObject);
export type MetricSummary = z.infer<typeof MetricSummaryObject>;

/** The environment a result was measured in, so that comparisons can say when it differs. */
export const ContextSchema = z.object({
  pod: z.string().optional(),
  namespace: z.string().optional(),
  nodeCount: z.number().int().optional(),
  images: z.array(z.string()).optional(),
  settings: z.record(z.string(), z.string()).optional(),
  simulated: z.boolean().optional(),
  /**
   * On the simulated platform: the factor on the time its tools take against the time they report
   * (0.05: 20× faster, 0: at once), so that the summary can say how the run's time and its figures relate.
   */
  timeScale: z.number().min(0).optional(),
});

/**
 * How the previous baseline was chosen, when that needs saying: it is not the newest stored result
 * (newer ones had other params or platform), its environment differs, or there is none like-for-like.
 */
export const BaselineChoiceSchema = z.object({
  /** The like-for-like baseline compared with; null when no stored result had the same params. */
  previousId: z.string().nullable(),
  /** What differs, in words (`node count 3 → 4`, `skipped 2 newer result(s) with other params: …`). */
  differences: z.array(z.string()),
});
export type BaselineChoice = z.infer<typeof BaselineChoiceSchema>;

/** One metric's verdict of a validation, as `judgeShift` gave it (`analysis/shift.ts`). */
export const StoredShiftSchema = z.object({
  key: z.string(),
  verdict: z.enum(['improved', 'regressed', 'no_change', 'inconclusive']),
  reason: z.string().optional(),
  test: z
    .object({
      method: z.enum(['mann-whitney-hodges-lehmann-log', 'mann-whitney-hodges-lehmann']),
      nBefore: z.number(),
      nAfter: z.number(),
      medianBefore: z.number(),
      medianAfter: z.number(),
      change: z.number(),
      low: z.number(),
      high: z.number(),
      level: z.number(),
      p: z.number(),
      threshold: z.number(),
    })
    .optional(),
});

/**
 * A result measured by `/perf validate` keeps its comparison (issue #16): the before result's id,
 * the looks taken with their α, each metric's verdict with its test, and the targets' outcome. The
 * samples are the runs of the two results, both stored: a report is rebuilt from the store alone.
 */
export const StoredValidationSchema = z.object({
  beforeId: z.string(),
  /** How the before result was chosen ("--against …", "the last result before change chg-… was applied"). */
  chosen: z.string(),
  /** The α of the look that gave these verdicts, and every look planned (runs a side, α each). */
  alpha: z.number(),
  looks: z.array(z.object({ runs: z.number(), alpha: z.number() })),
  metrics: z.array(StoredShiftSchema),
  targets: z.array(
    z.object({ metric: z.string(), change: z.number(), met: z.boolean().nullable(), reason: z.string() }),
  ),
  differences: z.array(z.string()),
  /** Change ids applied between the two results. */
  changeIds: z.array(z.string()),
  /**
   * The Slack thread the validation was posted in: its Roll back and Run more buttons carry only the
   * result id, and the bot answers a click in this thread.
   */
  thread: z.object({ channel: z.string().min(1), threadTs: z.string().min(1) }).optional(),
  /** Set when `validation.autoRollback` rolled the change back: the rollback's change id. */
  autoRollback: z.string().optional(),
});
export type StoredValidation = z.infer<typeof StoredValidationSchema>;

export const ProbeResultSchema = z.object({
  id: z.string().min(1),
  service: ServiceNameSchema,
  startedAt: z.iso.datetime(),
  finishedAt: z.iso.datetime(),
  params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
  metrics: z.array(MetricDefSchema),
  runs: z.array(RunSchema),
  summary: z.array(MetricSummarySchema),
  context: ContextSchema,
  /** Service-specific detail for views (resources: top nodes and pods); validated by its own view. */
  details: z.unknown().optional(),
  /** The id of the baseline compared against, when there was one. */
  previousId: z.string().nullable(),
  /** Distinct warnings the tools printed over the runs (capped), shown under the summary. */
  warnings: z.array(z.string()).optional(),
  /** Why the comparison is not plainly "the same test, the run before"; absent when it is. */
  comparison: BaselineChoiceSchema.optional(),
  /** Set on a result measured by `/perf validate`: its comparison with the before result. */
  validation: StoredValidationSchema.optional(),
});
export type ProbeResult = z.infer<typeof ProbeResultSchema>;

/** The overview of `baseline all`: each child's result id, or the error that stopped it. */
export const OverviewSchema = z.object({
  target: BaselineTargetSchema,
  children: z.array(
    z.object({
      service: ServiceNameSchema,
      resultId: z.string().nullable(),
      error: z.string().nullable(),
    }),
  ),
});
export type Overview = z.infer<typeof OverviewSchema>;
