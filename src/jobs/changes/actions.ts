import { decideApproval, listed, mayReject, whoMayApprove } from '../../changes/approval.js';
import { movedFields, targetState } from '../../changes/fields.js';
import { type ChangePlan, planAccepted, planOf } from '../../changes/plan.js';
import type { ChangeRecord } from '../../changes/record.js';
import type { PlatformConfig } from '../../config/platform.js';
import { PerfError } from '../../errors.js';
import type { KubePort } from '../../kube/port.js';
import type { Logger } from '../../log.js';
import { buildChangeCard, ChangeAction } from '../../present/change-card.js';
import type { Doc } from '../../present/document.js';
import type { Interaction, InteractionHandler, InteractionRegistry } from '../../present/interaction.js';
import type { Notifier } from '../../present/notifier.js';
import type { Surface } from '../../present/surface.js';
import type { AuditLog } from '../../store/audit.js';
import type { ChangeRecords } from '../../store/changes.js';

/** What the Approve and Reject handlers use: the store, the policy's config, and a way to start the apply. */
export interface ChangeActionDeps {
  platform: PlatformConfig;
  changes: ChangeRecords;
  audit: AuditLog;
  /** Edits a card in place when a click ends it without a new card of its own (expired, stale). */
  notifier: Notifier;
  /** The cluster, built on the first click that needs it (the idle bot stays light). */
  kube(): Promise<KubePort>;
  /** The clicker's user groups; called only when `access.approvers` names a group. */
  resolveUserGroups(userId: string): Promise<string[]>;
  /** Queues (or, in the CLI, runs next) the apply of a change the last approval approved; idempotent. */
  startApply(record: ChangeRecord, by: Interaction['actor']): Promise<void>;
  now(): number;
  log: Logger;
}

/** How many times a click decides again after losing a compare-and-set to another click. */
const CLICK_ROUNDS = 25;

/**
 * The `perf:approve` and `perf:reject` handlers, for Slack's buttons and the CLI's prompt alike. Every
 * click is decided on the stored record (never on what the button carries), through its
 * compare-and-set: twenty concurrent clicks approve (and queue the apply) once, and the others hear
 * who approved it. An approval is bound to the live objects the card showed: a click re-reads them
 * and refuses (the record expires) if any field the change touches moved.
 *
 * @example registerInteractions(app, createChangeActions(deps), log)
 */
export function createChangeActions(deps: ChangeActionDeps): InteractionRegistry {
  return new Map<string, InteractionHandler>([
    [ChangeAction.approve, (i) => approve(i, deps)],
    [ChangeAction.reject, (i) => reject(i, deps)],
  ]);
}

const iso = (deps: ChangeActionDeps) => new Date(deps.now()).toISOString();

function cardOf(record: ChangeRecord, plan: ChangePlan, surface: Surface, deps: ChangeActionDeps): Doc {
  return buildChangeCard(record, plan, {
    surface,
    now: iso(deps),
    ...(surface === 'cli' ? { actingAs: record.requestedBy } : {}),
  });
}

async function load(id: string, deps: ChangeActionDeps): Promise<ChangeRecord> {
  const record = await deps.changes.get(id);
  if (record) return record;
  throw new PerfError('usage', `no change ${id}`, {
    userMessage: `There is no change ${id} (it may have been made by another perfbot).`,
  });
}

async function approve(i: Interaction, deps: ChangeActionDeps): Promise<Doc> {
  let checkedLive = false;
  for (let round = 0; round < CLICK_ROUNDS; round++) {
    const record = await load(i.recordId, deps);
    const plan = planOf(record);
    if (record.state === 'proposed' && deps.now() > Date.parse(record.expiresAt))
      return refuseExpired(record, plan, i, deps);
    const decision = await decide(record, plan, i, deps);
    if (decision.kind === 'refused') return refuseApproval(record, decision.message, i, deps);
    if (!checkedLive) {
      await refuseIfMoved(record, plan, i, deps);
      checkedLive = true;
    }
    const approvals = [...record.approvals, { by: i.actor.id, at: iso(deps) }];
    const to = decision.kind === 'approved' ? 'approved' : 'proposed';
    const moved = await deps.changes.transition(record.id, {
      expectedVersion: record.version,
      to,
      actor: i.actor.id,
      at: iso(deps),
      patch: { approvals },
    });
    if (!moved.ok && moved.reason === 'stale') continue;
    if (!moved.ok)
      return refuseApproval(record, `This change is ${record.state}: nothing to approve.`, i, deps);
    if (to === 'approved') await startOrLapse(moved.record, plan, i, deps);
    return cardOf(moved.record, plan, i.actor.source, deps);
  }
  throw new PerfError('conflict', `approve ${i.recordId}: too many concurrent clicks`, {
    userMessage: 'Many people are acting on this change at once: try again in a moment.',
  });
}

/**
 * Starts the apply of an approved change. If it cannot even be queued (Redis away), the approval
 * lapses (approved → expired) rather than leave an approved change nobody applies, which would hold
 * the component: the clicker hears why and proposes again.
 */
async function startOrLapse(
  record: ChangeRecord,
  plan: ChangePlan,
  i: Interaction,
  deps: ChangeActionDeps,
): Promise<void> {
  try {
    await deps.startApply(record, i.actor);
  } catch (error) {
    const why = error instanceof PerfError ? error.userMessage : String(error);
    deps.log.error({ err: error, change: record.id }, 'could not start applying an approved change');
    await deps.changes
      .transition(record.id, {
        expectedVersion: record.version,
        to: 'expired',
        actor: i.actor.id,
        at: iso(deps),
        patch: { outcome: { summary: `not applied: it could not be queued (${why})`, lines: [] } },
      })
      .catch(() => undefined);
    throw new PerfError('internal', `could not queue the apply of ${record.id}`, {
      userMessage: `Approved, but the change could not be queued (${why}): nothing was changed. Run \`${retune(plan)}\` again.`,
      retryable: false,
      cause: error,
    });
  }
}

type Decision = ReturnType<typeof decideApproval>;

/**
 * The policy's verdict on this click. In the terminal, the kubeconfig's identity acts alone: the
 * rules that need other people (two approvers, none the requester) are Slack's, and the card says so.
 */
async function decide(
  record: ChangeRecord,
  plan: ChangePlan,
  i: Interaction,
  deps: ChangeActionDeps,
): Promise<Decision> {
  if (record.state !== 'proposed') return { kind: 'refused', message: alreadyDecided(record), allowed: [] };
  if (!planAccepted(plan))
    return { kind: 'refused', message: 'Its checks refused this change: nothing to approve.', allowed: [] };
  if (i.actor.source === 'cli') return { kind: 'approved' };
  const access = deps.platform.access;
  const groups =
    access.approvers.some((p) => p.startsWith('S')) && !listed(access.approvers, i.actor.id, [])
      ? await deps.resolveUserGroups(i.actor.id)
      : [];
  return decideApproval(record, plan, i.actor.id, groups, access);
}

/** "Already approved by <@U1> and <@U2> (applying)." */
function alreadyDecided(record: ChangeRecord): string {
  const by = record.approvals.map((a) => `<@${a.by}>`).join(' and ');
  const state = record.state.replace('_', ' ');
  if (by && record.state !== 'rejected' && record.state !== 'expired')
    return `Already approved by ${by} (now ${state}): nothing more to approve.`;
  return `This change is ${state}: nothing to approve.`;
}

async function refuseApproval(
  record: ChangeRecord,
  message: string,
  i: Interaction,
  deps: ChangeActionDeps,
): Promise<never> {
  await deps.audit
    .append({
      actor: i.actor.id,
      action: 'change.approve',
      outcome: 'refused',
      detail: { change: record.id, service: record.service, state: record.state, source: i.actor.source },
    })
    .catch((error: unknown) => deps.log.error({ err: error }, 'audit append failed'));
  const who = message.includes('access.approvers') ? '' : ` ${whoMayApprove(deps.platform.access)}`;
  throw new PerfError('not_authorized', `approve ${record.id} refused: ${message}`, {
    userMessage: record.state === 'proposed' ? `${message}${who}` : message,
  });
}

/** Too late: the record expires, its card loses its buttons, and the click is refused. */
async function refuseExpired(
  record: ChangeRecord,
  plan: ChangePlan,
  i: Interaction,
  deps: ChangeActionDeps,
): Promise<never> {
  await expire(record, plan, i, deps, `approval window ended at ${record.expiresAt}`);
  throw new PerfError('conflict', `change ${record.id} expired`, {
    userMessage: `This proposal expired at ${record.expiresAt}: run \`${retune(plan)}\` again for a fresh one.`,
  });
}

/** Every target must still read the card's `before`: else the record expires and the click is refused. */
async function refuseIfMoved(
  record: ChangeRecord,
  plan: ChangePlan,
  i: Interaction,
  deps: ChangeActionDeps,
): Promise<void> {
  const kube = await deps.kube();
  const moved: string[] = [];
  for (const target of plan.targets) {
    const live = await kube.getObject(target.ref);
    if (targetState(live, target) === 'before') continue;
    const fields = movedFields(live, target);
    const where = `${target.ref.kind} ${target.ref.namespace}/${target.ref.name}`;
    moved.push(`${where}: ${fields.length > 0 ? fields.join(', ') : 'already carries the new values'}`);
  }
  if (moved.length === 0) return;
  await expire(record, plan, i, deps, `the objects changed since the card (${moved.join('; ')})`);
  throw new PerfError('conflict', `change ${record.id}: the objects moved since the card`, {
    userMessage: `The object changed since this card (fields ${moved.join('; ')}): run \`${retune(plan)}\` again.`,
  });
}

async function expire(
  record: ChangeRecord,
  plan: ChangePlan,
  i: Interaction,
  deps: ChangeActionDeps,
  why: string,
): Promise<void> {
  const moved = await deps.changes.transition(record.id, {
    expectedVersion: record.version,
    to: 'expired',
    actor: i.actor.id,
    at: iso(deps),
    patch: { outcome: { summary: `expired: ${why}`, lines: [] } },
  });
  if (!moved.ok || !record.card) return;
  await deps.notifier
    .update(
      { channel: record.card.channel, ts: record.card.ts },
      cardOf(moved.record, plan, i.actor.source, deps),
    )
    .catch((error: unknown) => deps.log.warn({ err: error }, 'could not update the expired card'));
}

/** The command that proposes this change again, as typed (`tune trino jvm`; a rollback: `rollback chg-…`). */
const retune = (plan: ChangePlan) =>
  plan.rollbackOf ? `rollback ${plan.rollbackOf}` : `tune ${plan.component} ${plan.knobSet}`;

async function reject(i: Interaction, deps: ChangeActionDeps): Promise<Doc> {
  for (let round = 0; round < CLICK_ROUNDS; round++) {
    const record = await load(i.recordId, deps);
    const plan = planOf(record);
    const access = deps.platform.access;
    const groups =
      i.actor.source === 'slack' && access.approvers.some((p) => p.startsWith('S'))
        ? await deps.resolveUserGroups(i.actor.id)
        : [];
    const allowed =
      i.actor.source === 'cli' ? mayRejectHere(record) : mayReject(record, i.actor.id, groups, access);
    if (!allowed.ok) {
      await deps.audit
        .append({
          actor: i.actor.id,
          action: 'change.reject',
          outcome: 'refused',
          detail: { change: record.id },
        })
        .catch(() => undefined);
      throw new PerfError('not_authorized', `reject ${record.id} refused`, { userMessage: allowed.message });
    }
    const moved = await deps.changes.transition(record.id, {
      expectedVersion: record.version,
      to: 'rejected',
      actor: i.actor.id,
      at: iso(deps),
      patch: { outcome: { summary: `rejected by ${i.actor.id}`, lines: [] } },
    });
    if (!moved.ok && moved.reason === 'stale') continue;
    if (!moved.ok) throw new PerfError('conflict', 'reject refused', { userMessage: alreadyDecided(record) });
    return cardOf(moved.record, plan, i.actor.source, deps);
  }
  throw new PerfError('conflict', `reject ${i.recordId}: too many concurrent clicks`, {
    userMessage: 'Many people are acting on this change at once: try again in a moment.',
  });
}

/** The terminal's own user may decline what they just proposed. */
function mayRejectHere(record: ChangeRecord): { ok: true } | { ok: false; message: string } {
  return record.state === 'proposed' || record.state === 'approved'
    ? { ok: true }
    : { ok: false, message: alreadyDecided(record) };
}
