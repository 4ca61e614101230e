import type { ChangeRecord } from '../../changes/record.js';
import { JobIdSchema } from '../../commands/command.js';
import { ServiceNameSchema } from '../../domain/services.js';
import { asPerfError } from '../../errors.js';
import { buildStatus } from '../../present/status.js';
import type { Origin } from '../contracts.js';
import type { JobContext, JobDeps } from '../deps.js';
import type { QueuedCommand } from '../dispatcher.js';

/**
 * What perfbot does by itself, as the config asks (`validation.autoValidate`, `validation.autoRollback`):
 * the actor its ledger steps, proposals and approvals are written by, never a person's id.
 */
export const AUTO_ACTOR = 'perfbot/auto';

/**
 * A job id derived from a record's 8 hex digits (`chg-1a2b3c4d` → `validate-1a2b3c4d`): the same
 * follow-up asked twice (a retry) is one job.
 */
export function followUpJobId(kind: string, recordId: string): string {
  const hex = /([0-9a-f]{8})$/.exec(recordId)?.[1];
  return JobIdSchema.parse(`${kind}-${hex ?? '00000000'}`);
}

/**
 * Queues `command` after this job, in its thread, as perfbot/auto: a status line of its own first
 * (its progress edits it), as the apply of an approved change gets one.
 */
export async function followUp(
  command: QueuedCommand,
  title: string,
  jobId: string,
  origin: Origin,
  deps: JobDeps,
  ctx: JobContext,
): Promise<boolean> {
  if (!ctx.followUp) return false;
  const status = await deps.notifier.postInThread(
    origin.thread,
    buildStatus({ title, state: 'queued', requestedBy: AUTO_ACTOR, jobId, surface: origin.source }),
  );
  const auto: Origin = { ...origin, userId: AUTO_ACTOR, statusTs: status.ts };
  await ctx.followUp(command, auto, jobId);
  return true;
}

/**
 * `validation.autoValidate`: once a change of a measured service is applied and verified, its
 * validation is queued in the change's thread (against the last result before the change, as
 * `validate` picks by default). A rollback is not validated by itself (its own rollback would undo
 * the undo). A failure to queue is logged: the change stays applied, `validate` can be run by hand.
 */
export async function validateAfterApply(
  record: ChangeRecord,
  origin: Origin,
  deps: JobDeps,
  ctx: JobContext,
): Promise<void> {
  if (!deps.platform.validation.autoValidate || record.state !== 'applied') return;
  if ((record.plan as { rollbackOf?: unknown } | null)?.rollbackOf !== undefined) return;
  const service = ServiceNameSchema.safeParse(record.service);
  if (!service.success) {
    deps.log.info({ change: record.id }, `${record.service} is not measured: no validation by itself`);
    return;
  }
  const jobId = followUpJobId('validate', record.id);
  const command = { kind: 'validate', target: service.data } as const;
  await followUp(command, `validate ${service.data}`, jobId, origin, deps, ctx).catch((error: unknown) =>
    deps.log.warn({ err: asPerfError(error), change: record.id }, 'could not queue the validation'),
  );
}
