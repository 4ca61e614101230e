import { z } from 'zod';
import { ComponentNameSchema } from '../domain/components.js';
import { ServiceNameSchema } from '../domain/services.js';
import { BaselineOptionsSchema } from './options.js';

/**
 * A parsed `/perf` command, shared by the bot (grammar), the job payloads and the CLI.
 * `bot/grammar.ts` turns text into this; workers re-parse it from the job's data.
 */
export const BaselineTargetSchema = z.union([ServiceNameSchema, z.literal('all')]);
export type BaselineTarget = z.infer<typeof BaselineTargetSchema>;

/**
 * The one shape of a job id, as `newJobId` (jobs/dispatcher.ts) mints it: `<kind>-<8 hex digits>`,
 * and a child of `baseline all` is `<parent>-<service>`. Job ids become BullMQ keys
 * (`<prefix>:perf:<id>`), so nothing else may pass for one: BullMQ's own keys of the queue
 * (`meta`, `id`, `wait`, `events`, …) never match.
 *
 * @example JOB_ID_PATTERN.test('baseline-1a2b3c4d') // true; 'meta', 'id' → false
 */
export const JOB_ID_PATTERN = /^[a-z]{2,20}-[0-9a-f]{8}(?:-[a-z]{2,20})?$/;
export const JobIdSchema = z.string().regex(JOB_ID_PATTERN, 'a job id such as `baseline-1a2b3c4d`');
export const isJobId = (id: string): boolean => JOB_ID_PATTERN.test(id);
const ChangeId = z.string().regex(/^[A-Za-z0-9_-]{1,40}$/, 'a change id');
/** A stored result's id (`2026-12-01T17:00:00.000Z-kafka-…`): letters, digits, `-`, `_`, `.`, `:`. */
const ResultId = z.string().regex(/^[A-Za-z0-9_.:-]{1,120}$/, 'a result id');
/** A metric key as the probes define them: `join.elapsed_ms`, `producer.records_per_sec`. */
const MetricKey = z.string().regex(/^[a-z][a-z0-9_.]{0,80}$/, 'a metric key such as `join.elapsed_ms`');
const KnobName = z.string().regex(/^[a-z][a-z0-9_.-]{0,60}$/, 'a knob name');

export const CommandSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('baseline'),
    target: BaselineTargetSchema,
    options: BaselineOptionsSchema,
  }),
  z.strictObject({ kind: z.literal('bottlenecks'), service: ServiceNameSchema.optional() }),
  z.strictObject({
    kind: z.literal('tune'),
    /** A measured service or another part of the platform (`dolphinscheduler`, `redis`, `superset`). */
    component: ComponentNameSchema,
    /** The knob set (`jvm`, `pool`, `limits`, `cache`, `analyze`), checked against the component's in the job. */
    knob: KnobName,
    /** `key=value` settings, validated by the knob set's schema when it proposes. */
    settings: z.record(z.string(), z.string().max(500)),
    /** `--dry-run`: the card without buttons, nothing stored. */
    dryRun: z.boolean().optional(),
  }),
  z.strictObject({
    kind: z.literal('validate'),
    target: BaselineTargetSchema,
    /** `--against <result-id>`: the result compared with, instead of the one validation picks. */
    against: ResultId.optional(),
    /** `--runs N`: runs of the after side at the first look (config `validation.runs` else). */
    runs: z.number().int().min(2).max(20).optional(),
  }),
  z.strictObject({ kind: z.literal('report'), sinceDays: z.number().int().min(1).max(365).optional() }),
  z.strictObject({
    kind: z.literal('history'),
    target: ServiceNameSchema,
    /** The metric key drawn (`join.elapsed_ms`); the service's headline metric when absent. */
    metric: MetricKey.optional(),
    limit: z.number().int().min(1).max(100).optional(),
  }),
  z.strictObject({ kind: z.literal('status'), jobId: JobIdSchema.optional() }),
  z.strictObject({ kind: z.literal('cancel'), jobId: JobIdSchema }),
  z.strictObject({ kind: z.literal('rollback'), changeId: ChangeId }),
  z.strictObject({ kind: z.literal('changes'), component: ComponentNameSchema.optional() }),
  z.strictObject({ kind: z.literal('help'), topic: z.string().max(40).optional() }),
]);
export type Command = z.infer<typeof CommandSchema>;
export type CommandKind = Command['kind'];
export const COMMAND_KINDS = CommandSchema.options.map((o) => o.shape.kind.value);

/** Commands whose features later work builds: they parse, and answer that they are not available yet. */
export const NOT_YET_AVAILABLE: ReadonlySet<CommandKind> = new Set([]);
