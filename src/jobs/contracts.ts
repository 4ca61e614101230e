import { z } from 'zod';
import { BaselineTargetSchema } from '../commands/command.js';
import { BaselineOptionsSchema } from '../commands/options.js';
import { ComponentNameSchema } from '../domain/components.js';
import { ServiceNameSchema } from '../domain/services.js';
import type { MessageRef } from '../present/notifier.js';

/** The one queue perfbot uses; job names below. */
export const QUEUE_NAME = 'perf';

export const JobName = {
  baseline: 'baseline',
  /** Parent of a `baseline all` flow: runs when every child has ended, posts the overview. */
  baselineAll: 'baseline-all',
  history: 'history',
  /** `tune <component> <knob-set>`: proposes a change (its card in the thread). */
  tune: 'tune',
  /** `rollback <change-id>`: proposes undoing an applied change. */
  rollback: 'rollback',
  /** An approved change applied, rolled out, verified (queued by the last Approve click). */
  changeApply: 'change-apply',
  /** `validate <service|all>`: the same probe re-run and judged against a stored result. */
  validate: 'validate',
  /** `report [--since Nd]`: the performance report from the store, as a Markdown file with its charts. */
  report: 'report',
  /** `bottlenecks [service]`: what constrains the platform now, ranked; reads only, starts nothing. */
  bottlenecks: 'bottlenecks',
} as const;
export type JobName = (typeof JobName)[keyof typeof JobName];

export const ThreadRefSchema = z.object({ channel: z.string().min(1), threadTs: z.string().min(1) });

/** Who asked, and where answers go (for the CLI, a thread of its console notifier). */
export const OriginSchema = z.object({
  userId: z.string().min(1),
  source: z.enum(['slack', 'cli']),
  thread: ThreadRefSchema,
  /** The status message edited as the job moves (queued → running → done): the thread's root. */
  statusTs: z.string().min(1),
});
export type Origin = z.infer<typeof OriginSchema>;

/** The thread's status message of an origin. */
export const statusRefOf = (origin: Origin): MessageRef => ({
  channel: origin.thread.channel,
  ts: origin.statusTs,
});

/**
 * `baseline <service>`. Parsed in the bot before `Queue.add` and again in the worker from `job.data`.
 * @example BaselinePayloadSchema.parse({ service: 'kafka', options: {}, origin, requestedAt })
 */
export const BaselinePayloadSchema = z.object({
  service: ServiceNameSchema,
  options: BaselineOptionsSchema,
  origin: OriginSchema,
  requestedAt: z.iso.datetime(),
  /** Set on the children of `baseline all`: the parent posts the overview, children post their own result. */
  partOf: z.string().optional(),
});
export type BaselinePayload = z.infer<typeof BaselinePayloadSchema>;

export const BaselineAllPayloadSchema = z.object({
  target: BaselineTargetSchema,
  options: BaselineOptionsSchema,
  origin: OriginSchema,
  requestedAt: z.iso.datetime(),
});
export type BaselineAllPayload = z.infer<typeof BaselineAllPayloadSchema>;

/** What a baseline job returns (BullMQ stores it; the `baseline all` parent reads its children's). */
export const BaselineReturnSchema = z.object({ service: ServiceNameSchema, resultId: z.string() });
export type BaselineReturn = z.infer<typeof BaselineReturnSchema>;

/** Progress reported with `job.updateProgress` and mirrored into the thread's status message. */
export const ProgressSchema = z.object({
  step: z.string(),
  message: z.string(),
  /** 0..100 */
  pct: z.number().min(0).max(100),
});
export type Progress = z.infer<typeof ProgressSchema>;

/** `history <service>`: a trend chart of the stored baselines, rendered in a worker. */
export const HistoryPayloadSchema = z.object({
  service: ServiceNameSchema,
  /** The metric key drawn; the headline metric when absent. */
  metric: z.string().min(1).max(100).optional(),
  limit: z.number().int().min(1).max(100),
  origin: OriginSchema,
  requestedAt: z.iso.datetime(),
});
export type HistoryPayload = z.infer<typeof HistoryPayloadSchema>;

/** How one child of `baseline all` ended: its result id, or the user message of its error. */
export const ChildOutcomeSchema = z.object({
  service: ServiceNameSchema,
  resultId: z.string().nullable(),
  error: z.string().nullable(),
});
export type ChildOutcome = z.infer<typeof ChildOutcomeSchema>;

/** Published by the bot on the cancel channel; every worker checks whether it holds the job. */
export const CancelMessageSchema = z.object({ jobId: z.string().min(1), byUser: z.string().min(1) });
export type CancelMessage = z.infer<typeof CancelMessageSchema>;

/** A change id as the `tune` and `rollback` jobs mint it: `chg-<8 hex digits>`. */
export const ChangeIdSchema = z.string().regex(/^chg-[0-9a-f]{8}$/, 'a change id such as `chg-1a2b3c4d`');

/** `tune <component> <knob-set> [key=value …] [--dry-run]`: the knob set proposes, the card is posted. */
export const TunePayloadSchema = z.object({
  component: ComponentNameSchema,
  knobSet: z.string().regex(/^[a-z][a-z0-9_.-]{0,60}$/),
  settings: z.record(z.string(), z.string().max(500)),
  dryRun: z.boolean(),
  origin: OriginSchema,
  requestedAt: z.iso.datetime(),
});
export type TunePayload = z.infer<typeof TunePayloadSchema>;

/** `rollback <change-id>`: a proposal that restores an applied change's snapshot. */
export const RollbackPayloadSchema = z.object({
  changeId: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/),
  origin: OriginSchema,
  requestedAt: z.iso.datetime(),
});
export type RollbackPayload = z.infer<typeof RollbackPayloadSchema>;

/** An approved change to apply: its record says everything else. */
export const ChangeApplyPayloadSchema = z.object({
  changeId: ChangeIdSchema,
  origin: OriginSchema,
  requestedAt: z.iso.datetime(),
});
export type ChangeApplyPayload = z.infer<typeof ChangeApplyPayloadSchema>;

/** How a proposal ended: the change it stored (none for a dry run), and the checks that refused it. */
export const ProposalReturnSchema = z.object({
  changeId: z.string(),
  stored: z.boolean(),
  /** The failed checks (`name: detail`): no Approve button. */
  refused: z.array(z.string()),
});
export type ProposalReturn = z.infer<typeof ProposalReturnSchema>;

/** `validate <service|all> [--against <result-id>] [--runs N]`. */
export const ValidatePayloadSchema = z.object({
  target: BaselineTargetSchema,
  against: z
    .string()
    .regex(/^[A-Za-z0-9_.:-]{1,120}$/)
    .optional(),
  runs: z.number().int().min(2).max(20).optional(),
  origin: OriginSchema,
  requestedAt: z.iso.datetime(),
});
export type ValidatePayload = z.infer<typeof ValidatePayloadSchema>;

/** What a validation of one service ended with: its after result, and whether a target was missed. */
export const ValidateOutcomeSchema = z.object({
  service: ServiceNameSchema,
  beforeId: z.string().nullable(),
  resultId: z.string().nullable(),
  /** A target whose whole interval fell short of it (`--fail-on-miss`). */
  missed: z.boolean(),
  /** Why this service was not validated (no baseline, not like for like); null when it was. */
  refused: z.string().nullable(),
});
export type ValidateOutcome = z.infer<typeof ValidateOutcomeSchema>;

/** `report [--since Nd]`: the performance report, built from the results store and the ledger only. */
export const ReportPayloadSchema = z.object({
  sinceDays: z.number().int().min(1).max(365),
  origin: OriginSchema,
  requestedAt: z.iso.datetime(),
});
export type ReportPayload = z.infer<typeof ReportPayloadSchema>;

/** What a report job returns: where its file went (a Slack file id, or a path) and its criteria met. */
export const ReportOutcomeSchema = z.object({
  file: z.string(),
  criteriaMet: z.number().int().min(0),
  criteria: z.number().int().min(0),
});
export type ReportOutcome = z.infer<typeof ReportOutcomeSchema>;
/** `bottlenecks [service]`: the cluster read once, the rules ranked, the answer stored and posted. */
export const BottlenecksPayloadSchema = z.object({
  service: ServiceNameSchema.optional(),
  origin: OriginSchema,
  requestedAt: z.iso.datetime(),
});
export type BottlenecksPayload = z.infer<typeof BottlenecksPayloadSchema>;

/** What a bottlenecks job returns: the stored answer and how many findings it has. */
export const BottlenecksReturnSchema = z.object({ answerId: z.string(), findings: z.number().int() });
export type BottlenecksReturn = z.infer<typeof BottlenecksReturnSchema>;
