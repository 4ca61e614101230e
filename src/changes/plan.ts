import { z } from 'zod';
import { ComponentNameSchema } from '../domain/components.js';

/**
 * A change's plan: everything the card shows and the engine does, computed once by the knob set's
 * `propose` (live objects read, patch computed, preflight and server-side dry run made) and stored in
 * the change record (`record.plan`). JSON only: it crosses Redis, BullMQ and processes.
 */

/** A field inside an object: keys, and `{ name }` for the element of a list merged by name (containers, env). */
export const FieldPathSchema = z.array(z.union([z.string(), z.strictObject({ name: z.string() })])).min(1);
export type FieldPath = z.infer<typeof FieldPathSchema>;

export const ObjectRefSchema = z.strictObject({
  apiVersion: z.string().min(1),
  kind: z.string().min(1),
  namespace: z.string().min(1),
  name: z.string().min(1),
});

/**
 * One object the change touches, bound to the version the card showed: `paths` are the fields it
 * writes, `before`/`after` their values (undefined → `null`: the field is absent) in the same order.
 * The engine reads the live object and classifies it: every path equal to `before` (not applied yet),
 * to `after` (applied: a retry resumes), or neither (moved: refused, nothing written).
 */
export const PlanTargetSchema = z.strictObject({
  ref: ObjectRefSchema,
  resourceVersion: z.string(),
  paths: z.array(FieldPathSchema).min(1),
  before: z.array(z.unknown()),
  after: z.array(z.unknown()),
});
export type PlanTarget = z.infer<typeof PlanTargetSchema>;

/** One PATCH the change sends (strategic merge of one env var, merge of one ConfigMap key, …). */
export const KubeWriteSchema = z.strictObject({
  ref: ObjectRefSchema,
  type: z.enum(['merge', 'strategic', 'json']),
  patch: z.unknown(),
});
export type KubeWrite = z.infer<typeof KubeWriteSchema>;

/** One line of the exact diff on the card: `Deployment dolphinscheduler/dolphinscheduler-api`, `env JAVA_OPTS`. */
export const DiffLineSchema = z.strictObject({
  object: z.string(),
  field: z.string(),
  before: z.string().nullable(),
  after: z.string().nullable(),
});
export type DiffLine = z.infer<typeof DiffLineSchema>;

/** A preflight's or the dry run's verdict on one point; any `fail` means no Approve button. */
export const CheckSchema = z.strictObject({
  name: z.string(),
  outcome: z.enum(['pass', 'warn', 'fail']),
  detail: z.string(),
  /** The corrected value, where one is known (`-XX:G1MaxNewSizePercent=40`, after unlocking). */
  suggestion: z.string().optional(),
});
export type Check = z.infer<typeof CheckSchema>;

/** The restart a change needs, in the order the engine rolls the workloads, and what it costs users. */
export const RestartSchema = z.strictObject({
  workloads: z.array(ObjectRefSchema),
  /** "rolling restart of 2 trino workers, the coordinator last: queries in flight fail". */
  cost: z.string(),
});
export type Restart = z.infer<typeof RestartSchema>;

export const RiskTierSchema = z.enum(['low', 'high']);
export type RiskTier = z.infer<typeof RiskTierSchema>;

export const ChangePlanSchema = z.strictObject({
  component: ComponentNameSchema,
  /** `jvm`, `pool`, `limits`, `cache`, `analyze`. */
  knobSet: z.string().min(1),
  /** The values proposed, after the knob set's recommended values filled what the user left out. */
  settings: z.record(z.string(), z.string()),
  /** Said on the card: recommended values, where the runbook was corrected and why. */
  notes: z.array(z.string()),
  targets: z.array(PlanTargetSchema),
  writes: z.array(KubeWriteSchema),
  /** The writes that put the snapshot back (the `before` values), in order. */
  restores: z.array(KubeWriteSchema),
  /**
   * Knob-specific actions outside Kubernetes objects (`ALTER SYSTEM`, `CONFIG SET`, `ANALYZE`), run by
   * the knob set's `live`: `apply` on apply, `restore` on a restore. Absent: the change is only writes.
   */
  live: z.strictObject({ apply: z.unknown(), restore: z.unknown().optional() }).optional(),
  diff: z.array(DiffLineSchema),
  restart: RestartSchema.optional(),
  checks: z.array(CheckSchema),
  risk: RiskTierSchema,
  /** Why the tier: "memory settings", "restarts the stateful postgresql". */
  riskReason: z.string(),
  /** False when nothing can restore it (`ANALYZE`): `/perf rollback` refuses. */
  undoable: z.boolean(),
  /** The change this one undoes (`/perf rollback <id>`). */
  rollbackOf: z.string().optional(),
});
export type ChangePlan = z.infer<typeof ChangePlanSchema>;

/** The preflight and dry run passed: the card may offer Approve. */
export const planAccepted = (plan: ChangePlan): boolean => plan.checks.every((c) => c.outcome !== 'fail');

/**
 * The plan that undoes an applied one: the restores become the writes, `before` and `after` swap, and
 * the live action's restore becomes its apply. Only for an undoable plan.
 *
 * @example invertPlan(applied.plan, applied.id)
 */
export function invertPlan(plan: ChangePlan, changeId: string): ChangePlan {
  return {
    ...plan,
    notes: [`restores the snapshot taken before ${changeId}`],
    targets: plan.targets.map((t) => ({ ...t, before: t.after, after: t.before })),
    writes: plan.restores,
    restores: plan.writes,
    ...(plan.live ? { live: { apply: plan.live.restore, restore: plan.live.apply } } : {}),
    diff: plan.diff.map((d) => ({ ...d, before: d.after, after: d.before })),
    rollbackOf: changeId,
  };
}

/** The plan a stored change record carries (`record.plan`), parsed. @example const plan = planOf(record) */
export const planOf = (record: { plan: unknown }): ChangePlan => ChangePlanSchema.parse(record.plan);

/** `Deployment dolphinscheduler/dolphinscheduler-api`, as cards and logs name an object. */
export const describeRef = (ref: { kind: string; namespace: string; name: string }): string =>
  `${ref.kind} ${ref.namespace}/${ref.name}`;
