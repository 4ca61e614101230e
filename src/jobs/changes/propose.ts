import type { ChangePlan } from '../../changes/plan.js';
import type { ChangeRecord } from '../../changes/record.js';
import { PerfError } from '../../errors.js';
import { buildChangeCard } from '../../present/change-card.js';
import type { Origin, ProposalReturn } from '../contracts.js';
import type { JobDeps } from '../deps.js';
import { currentTs } from '../root-message.js';
import type { FinalStatus } from '../workers/deliver.js';
import { proposedRecord, refusedChecks } from './context.js';

/** The card's view for a thread: the terminal says whose kubeconfig acts. */
export function cardView(origin: Origin, deps: JobDeps, dryRun = false) {
  return {
    surface: origin.source,
    now: new Date(deps.clock.now()).toISOString(),
    ...(dryRun ? { dryRun } : {}),
    ...(origin.source === 'cli' ? { actingAs: origin.userId } : {}),
  };
}

/**
 * Posts a proposal's card in its thread and stores its record (proposed, with where the card is);
 * a dry run posts the card without buttons and stores nothing. A plan its checks refused is stored
 * too (its card offers only Reject; no click can approve it). A retry of the job finds the record
 * its first attempt stored (same id) and posts nothing again. The card goes out before the record is
 * stored, so that the record knows its card from its first version: a crash between the two posts a
 * second card on the retry (both act on the one record), never none.
 */
export async function publishProposal(
  changeId: string,
  plan: ChangePlan,
  origin: Origin,
  deps: JobDeps,
  dryRun: boolean,
): Promise<ProposalReturn> {
  const refused = refusedChecks(plan);
  const keep = !dryRun;
  if (keep && (await deps.store.changes.get(changeId))) return { changeId, stored: true, refused };
  const record = proposedRecord(changeId, plan, origin.userId, deps);
  const card = buildChangeCard(record, plan, cardView(origin, deps, dryRun));
  const posted = await deps.notifier.postInThread(origin.thread, card);
  if (!keep) return { changeId, stored: false, refused };
  // The thread's root may have been pending when the job was queued: the record keeps the real ts.
  const threadTs = await currentTs(deps.store.journal, origin.thread.threadTs);
  const withCard: ChangeRecord = { ...record, card: { channel: posted.channel, ts: posted.ts, threadTs } };
  const created = await deps.store.changes.create(withCard);
  if (!created.ok && !(await deps.store.changes.get(changeId)))
    throw new PerfError('internal', `change ${changeId} could not be stored`, { retryable: true });
  return { changeId, stored: true, refused };
}

/** The status a proposal ends with: what to do next, or why there is nothing to approve. */
export function proposalStatus(result: ProposalReturn): FinalStatus {
  if (result.refused.length > 0)
    return {
      state: 'failed',
      detail: `refused by its checks, nothing to approve: ${result.refused.join('; ')}`,
    };
  if (!result.stored)
    return { state: 'done', detail: 'dry run: the card shows the change; nothing was stored' };
  return { state: 'done', detail: `change ${result.changeId} proposed: its card is in this thread` };
}
