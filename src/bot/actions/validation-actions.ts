import { createHash } from 'node:crypto';
import { validate } from '../../analysis/validation.js';
import { appliedAt } from '../../analysis/validation-baseline.js';
import { planOf } from '../../changes/plan.js';
import type { ChangeRecord } from '../../changes/record.js';
import type { CommandKind } from '../../commands/command.js';
import type { PlatformConfig } from '../../config/platform.js';
import { PerfError } from '../../errors.js';
import type { Origin } from '../../jobs/contracts.js';
import type { Dispatcher, JobCommand } from '../../jobs/dispatcher.js';
import type { Logger } from '../../log.js';
import { code, type Doc, icon, type Line, line, mention } from '../../present/document.js';
import type { Interaction, InteractionHandler, InteractionRegistry } from '../../present/interaction.js';
import type { Notifier } from '../../present/notifier.js';
import { buildStatus } from '../../present/status.js';
import { buildValidationMessage, ValidationAction } from '../../present/validation.js';
import type { ProbeResult, StoredValidation } from '../../results/schema.js';
import type { AuditLog } from '../../store/audit.js';
import type { ChangeRecords } from '../../store/changes.js';
import type { Results } from '../../store/port.js';
import { authorize, needsGroupLookup } from '../authorize.js';

/** What the Roll back and Run more handlers of a validation use. */
export interface ValidationActionDeps {
  platform: PlatformConfig;
  results: Results;
  changes: ChangeRecords;
  audit: AuditLog;
  dispatcher: Dispatcher;
  notifier: Notifier;
  /** The clicker's user groups; called only when the command's rule names a group. */
  resolveUserGroups(userId: string): Promise<string[]>;
  log: Logger;
}

const IN_FLIGHT: ReadonlySet<ChangeRecord['state']> = new Set(['proposed', 'approved', 'applying']);

/**
 * The buttons of a validation (`present/validation.ts`): **Roll back** queues exactly what
 * `/perf rollback <change-id>` queues (a rollback proposal, approved like any change), and **Run
 * more** a new `validate` of the service against the same before result with `validation.maxRuns`
 * runs. A button carries only the validation's result id: each click re-reads the stored result and
 * the ledger, is authorized as the command would be (`access.commands.rollback` / `.validate`), and
 * is refused, to the clicker only, when it is stale (the change is no longer applied, a rollback of
 * it is in flight, the cap is reached, the same click already queued its job). The job id comes from
 * the result (and the change), so that two clicks queue one job.
 *
 * @example registerInteractions(app, createValidationActions(deps), log)
 */
export function createValidationActions(deps: ValidationActionDeps): InteractionRegistry {
  return new Map<string, InteractionHandler>([
    [ValidationAction.rollback, (i) => rollBack(i, deps)],
    [ValidationAction.more, (i) => runMore(i, deps)],
  ]);
}

interface Stored {
  result: ProbeResult;
  validation: StoredValidation;
  thread: NonNullable<StoredValidation['thread']>;
}

async function load(i: Interaction, deps: ValidationActionDeps): Promise<Stored> {
  const result = await deps.results.get(i.recordId);
  const validation = result?.validation;
  if (!result || !validation)
    throw stale(
      `no validation ${i.recordId}`,
      'This validation is no longer stored: run `/perf validate` again.',
    );
  if (!validation.thread)
    throw stale(
      `validation ${result.id} has no thread`,
      'This validation does not know its thread: run `/perf validate` again.',
    );
  return { result, validation, thread: validation.thread };
}

async function rollBack(i: Interaction, deps: ValidationActionDeps): Promise<Doc> {
  const stored = await load(i, deps);
  await mayRun(i, 'rollback', deps);
  const { validation } = stored;
  if (!validation.metrics.some((m) => m.verdict === 'regressed'))
    throw stale(
      `${stored.result.id}: nothing regressed`,
      'No metric of this validation regressed: nothing to roll back.',
    );
  const lastId = validation.changeIds.at(-1);
  const change = lastId === undefined ? undefined : await deps.changes.get(lastId);
  if (!change)
    throw stale(`${stored.result.id}: no change`, 'No change was applied between these two results.');
  if (change.state !== 'applied')
    throw stale(
      `${change.id} is ${change.state}`,
      `${change.id} is ${change.state.replace('_', ' ')} now: nothing to roll back.`,
    );
  const others = (await deps.changes.list(change.service)).filter((r) => r.id !== change.id);
  const inFlight = others.find((r) => IN_FLIGHT.has(r.state) && planOf(r).rollbackOf === change.id);
  if (inFlight)
    throw stale(
      `a rollback of ${change.id} is in flight`,
      `A rollback of ${change.id} is already ${inFlight.state}: ${inFlight.id}, its card is in this thread.`,
    );
  const since = appliedAt(change) ?? '';
  const later = others.find((r) => r.state === 'applied' && (appliedAt(r) ?? '') > since);
  if (later)
    throw stale(
      `${later.id} applied after ${change.id}`,
      `${later.id} was applied on ${change.service} since ${change.id}: restoring ${change.id}'s snapshot would undo it too. Roll back ${later.id} first, or validate again.`,
    );
  const jobId = await freshJobId('rollback', `${stored.result.id} ${change.id}`, deps);
  await queue({ kind: 'rollback', changeId: change.id }, `rollback ${change.id}`, jobId, stored, i, deps);
  const acted = line(
    icon('arrows_counterclockwise'),
    ' Roll back of ',
    code(change.id),
    ' asked by ',
    mention(i.actor.id),
    ': job ',
    code(jobId),
    '. Its card follows in this thread; it is approved like any change.',
  );
  return rebuilt(stored, acted, deps);
}

async function runMore(i: Interaction, deps: ValidationActionDeps): Promise<Doc> {
  const stored = await load(i, deps);
  await mayRun(i, 'validate', deps);
  const { result, validation } = stored;
  if (!validation.metrics.some((m) => m.verdict === 'inconclusive'))
    throw stale(
      `${result.id}: nothing inconclusive`,
      'Every metric of this validation is decided: no more runs needed.',
    );
  const cap = deps.platform.validation.maxRuns;
  if (result.runs.length >= cap)
    throw stale(
      `${result.id}: at the cap`,
      `This validation has ${result.runs.length} runs already, \`validation.maxRuns\` (${cap}): more are not allowed.`,
    );
  const jobId = await freshJobId('validate', `${result.id} more`, deps);
  const command = {
    kind: 'validate',
    target: result.service,
    against: validation.beforeId,
    runs: cap,
  } as const;
  await queue(command, `validate ${result.service}`, jobId, stored, i, deps);
  const acted = line(
    icon('hourglass_flowing_sand'),
    ` Run more asked by `,
    mention(i.actor.id),
    `: job `,
    code(jobId),
    ` validates ${result.service} again against `,
    code(validation.beforeId),
    ` with ${cap} runs.`,
  );
  return rebuilt(stored, acted, deps);
}

/** Authorized as the command would be: a refusal is audited and told to the clicker only. */
async function mayRun(i: Interaction, kind: CommandKind, deps: ValidationActionDeps): Promise<void> {
  const access = deps.platform.access;
  const groups = needsGroupLookup(i.actor.id, kind, access) ? await deps.resolveUserGroups(i.actor.id) : [];
  const decision = authorize(i.actor.id, groups, kind, access);
  if (decision.ok) return;
  await audit(deps, i, `validation.${kind}`, 'refused', {});
  throw new PerfError('not_authorized', `${i.actionId} refused for ${i.actor.id}`, {
    userMessage: decision.error.message,
  });
}

/** `<kind>-<8 hex of the key>`: the same click twice names one job, and the second is refused. */
async function freshJobId(kind: string, key: string, deps: ValidationActionDeps): Promise<string> {
  const jobId = `${kind}-${createHash('sha256').update(key).digest('hex').slice(0, 8)}`;
  const existing = await deps.dispatcher.get(jobId);
  if (existing)
    throw stale(
      `${jobId} exists`,
      `Already asked by <@${existing.requestedBy}>: job ${jobId} (${existing.state}), in this thread.`,
    );
  return jobId;
}

/** A status line in the validation's thread (the job's progress edits it), then the job. */
async function queue(
  command: JobCommand,
  title: string,
  jobId: string,
  stored: Stored,
  i: Interaction,
  deps: ValidationActionDeps,
): Promise<void> {
  const status = await deps.notifier.postInThread(
    stored.thread,
    buildStatus({ title, state: 'queued', requestedBy: i.actor.id, jobId }),
  );
  const origin: Origin = { userId: i.actor.id, source: 'slack', thread: stored.thread, statusTs: status.ts };
  try {
    await deps.dispatcher.enqueue(command, origin, jobId);
  } catch (error) {
    // Not queued (Redis away): the status line says so rather than wait as queued for ever.
    const failed = buildStatus({
      title,
      state: 'failed',
      requestedBy: i.actor.id,
      jobId,
      detail: 'it could not be queued',
    });
    await deps.notifier
      .update({ channel: stored.thread.channel, ts: status.ts }, failed)
      .catch(() => undefined);
    throw error;
  }
  await audit(deps, i, `validation.${command.kind}`, 'ok', { jobId });
  deps.log.info({ jobId, result: stored.result.id, actionId: i.actionId }, 'queued from a validation');
}

/**
 * The validation again, from the stored before and after results (the same pure comparison at the
 * α it was judged at), without its buttons and with what the click did.
 */
async function rebuilt(stored: Stored, acted: Line, deps: ValidationActionDeps): Promise<Doc> {
  const { result, validation } = stored;
  const cfg = deps.platform.validation;
  const before = await deps.results.get(validation.beforeId);
  const verdict =
    before &&
    validate(before, result, {
      alpha: validation.alpha,
      defaultThreshold: cfg.threshold,
      thresholds: cfg.thresholds,
      targets: validation.targets.map((t) => ({ metric: t.metric, change: t.change })),
    });
  const changes = (await Promise.all(validation.changeIds.map((id) => deps.changes.get(id)))).filter(
    (c): c is ChangeRecord => c !== undefined,
  );
  if (!verdict?.ok)
    return {
      summary: acted,
      blocks: [{ kind: 'paragraph', lines: [line(`Validation ${result.id}.`), acted] }],
    };
  return buildValidationMessage({
    service: result.service,
    surface: 'slack',
    validation: verdict,
    changes,
    chosen: validation.chosen,
    moreRunsAllowed: false,
    acted,
  });
}

const stale = (message: string, userMessage: string) => new PerfError('conflict', message, { userMessage });

async function audit(
  deps: ValidationActionDeps,
  i: Interaction,
  action: string,
  outcome: 'ok' | 'refused',
  detail: Record<string, unknown>,
): Promise<void> {
  await deps.audit
    .append({ actor: i.actor.id, action, outcome, detail: { result: i.recordId, ...detail } })
    .catch((error: unknown) => deps.log.error({ err: error }, 'audit append failed'));
}
