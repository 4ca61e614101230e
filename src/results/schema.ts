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
 * alone): `improved`/`regressed` only when the two sets of runs do not overlap, `within_noise` when
 * they do, `inconclusive` when either side has fewer than two samples (or none).
 */
export const ChangeSchema = z.enum(['improved', 'regressed', 'within_noise', 'inconclusive']);
export type Change = z.infer<typeof ChangeSchema>;

/** Median and spread of one metric over the runs, checked against its target and the last baseline. */
export const MetricSummarySchema = z.object({
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
   * never a pass (targets are checked against the median of several samples).
   */
  met: z.boolean().nullable(),
  previous: z.number().nullable(),
  /** Relative change of the median against the previous baseline, in percent. */
  changePct: z.number().nullable(),
  /** The noise-aware verdict on that change; null without a previous baseline measuring this metric. */
  change: ChangeSchema.nullable().default(null),
});
export type MetricSummary = z.infer<typeof MetricSummarySchema>;

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
export const ComparisonSchema = z.object({
  /** The like-for-like baseline compared with; null when no stored result had the same params. */
  previousId: z.string().nullable(),
  /** What differs, in words (`node count 3 → 4`, `skipped 2 newer result(s) with other params: …`). */
  differences: z.array(z.string()),
});
export type Comparison = z.infer<typeof ComparisonSchema>;

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
  comparison: ComparisonSchema.optional(),
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
