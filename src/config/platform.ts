import { z } from 'zod';
import { BottlenecksSchema } from '../bottlenecks/config.js';
import { SERVICE_NAMES, SERVICES, type Service, ServiceNameSchema } from '../domain/services.js';
import { TuningSchema } from './tuning.js';
import { ValidationConfigSchema } from './validation.js';

/**
 * perfbot.yaml: the platform model (DESIGN.md, "The platform model"). Every field has a default that
 * describes the runbook's platform, so an empty file (or none) is valid. Pods are always found by
 * namespace + label selector, never by a hard-coded name. Each service's section is its descriptor's
 * `config` (`probes/<svc>/config.ts`).
 */

type ServicesShape = { [S in Service as S['name']]: z.ZodPrefault<S['config']> };
const servicesShape = Object.fromEntries(
  SERVICES.map((s) => [s.name, (s.config as z.ZodType).prefault({})]),
) as unknown as ServicesShape;

/** Who may run what: Slack user ids (U…/W…), user group ids (S…), or `*` for everyone. */
const Principal = z.string().regex(/^(\*|[UWS][A-Z0-9]{2,})$/, 'a Slack user id (U…/W…), group id (S…) or *');
const AccessSchema = z.strictObject({
  commands: z
    .strictObject({
      baseline: z.array(Principal).default(['*']),
      bottlenecks: z.array(Principal).default(['*']),
      validate: z.array(Principal).default(['*']),
      report: z.array(Principal).default(['*']),
      history: z.array(Principal).default(['*']),
      status: z.array(Principal).default(['*']),
      cancel: z.array(Principal).default(['*']),
      tune: z.array(Principal).default([]),
      rollback: z.array(Principal).default([]),
      /** `/perf changes [component]`: the ledger (who asked, who approved, what, when, outcome). */
      changes: z.array(Principal).default(['*']),
      help: z.array(Principal).default(['*']),
    })
    .prefault({}),
  /** Who may approve a change (`/perf tune`, `/perf rollback`): a high-risk one needs two of them, neither the requester. */
  approvers: z.array(Principal).default([]),
  /** Whether the requester of a low-risk change may approve it themself (a high-risk one: never). */
  requesterMayApprove: z.boolean().default(false),
  /** Who may cancel a job someone else asked for (anyone may cancel their own). */
  cancelAnyJob: z.array(Principal).default([]),
});

export const PlatformConfigSchema = z.strictObject({
  services: z.strictObject(servicesShape).prefault({}),
  access: AccessSchema.prefault({}),
  slack: z
    .strictObject({
      mode: z.enum(['auto', 'http', 'socket']).default('auto'),
      /**
       * The workspaces (team ids `T…`) or Enterprise Grid organizations (`E…`) whose requests the bot
       * serves; any other is refused and audited. Empty: the workspace of the bot token (auth.test).
       */
      teams: z
        .array(z.string().regex(/^[TE][A-Z0-9]{2,30}$/, 'a Slack team id (T…) or enterprise id (E…)'))
        .max(100)
        .default([]),
      /** Slack allows about one message per second per channel: progress edits are paced to this. */
      progressIntervalMs: z.number().int().min(250).max(60_000).default(1000),
    })
    .prefault({}),
  jobs: z
    .strictObject({
      /** Jobs one worker runs at once: probes mostly wait on the cluster, and `baseline all` runs its groups side by side. */
      concurrency: z.number().int().min(1).max(64).default(5),
      attempts: z.number().int().min(1).max(10).default(3),
      backoffMs: z.number().int().min(100).max(600_000).default(5000),
      /** A worker that dies holds its job this long before another takes it (BullMQ lock). */
      lockDurationMs: z.number().int().min(1000).max(600_000).default(30_000),
      stalledIntervalMs: z.number().int().min(500).max(600_000).default(30_000),
      /** On SIGTERM, jobs in hand may finish for this long; then they go back to the queue (keep it under the pod's grace period). */
      shutdownGraceMs: z.number().int().min(0).max(3_600_000).default(25_000),
      keepCompleted: z.number().int().min(0).max(100_000).default(1000),
      keepFailed: z.number().int().min(0).max(100_000).default(1000),
      /**
       * `baseline all`: services in one group run one after another; groups run in parallel. A service
       * measured apart (resources) is taken out of its group and runs alone, before the others start.
       */
      groups: z
        .array(z.array(ServiceNameSchema).min(1))
        // A service listed twice would run twice; one not listed is left out of `baseline all`.
        .refine(
          (groups) => new Set(groups.flat()).size === groups.flat().length,
          'a service appears in two groups',
        )
        .default(SERVICE_NAMES.map((name) => [name])),
    })
    .prefault({}),
  /** `/perf bottlenecks`: thresholds, the per-source timeout, volumes, heaps and pools to check. */
  bottlenecks: BottlenecksSchema.prefault({}),
  store: z
    .strictObject({
      /** Results kept per service; older ones are trimmed. */
      keepResults: z.number().int().min(1).max(10_000).default(200),
    })
    .prefault({}),
  charts: z
    .strictObject({
      /** `png`: rendered in-process and uploaded (default); `quickchart`: a link to a QuickChart server. */
      mode: z.enum(['png', 'quickchart']).default('png'),
      /** A self-hosted QuickChart server (host[:port]); required with `mode: quickchart`, never the public one by default. */
      quickchartHost: z.string().min(1).optional(),
      quickchartScheme: z.enum(['http', 'https']).default('https'),
      width: z.number().int().min(200).max(2000).default(800),
      height: z.number().int().min(150).max(1500).default(400),
    })
    .refine((c) => c.mode !== 'quickchart' || c.quickchartHost !== undefined, {
      message: 'charts.mode quickchart needs charts.quickchartHost (a self-hosted QuickChart server)',
      path: ['quickchartHost'],
    })
    .prefault({}),
  /** `/perf tune`: approvals, rollouts, and the only objects a change may touch (config/tuning.ts). */
  tuning: TuningSchema.prefault({}),
  /** `/perf validate`: runs, looks, α, thresholds and improvement targets (config/validation.ts). */
  validation: ValidationConfigSchema.prefault({}),
});
export type PlatformConfig = z.infer<typeof PlatformConfigSchema>;
