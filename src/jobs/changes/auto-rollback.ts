import { createHash } from 'node:crypto';
import type { ChangeRecord } from '../../changes/record.js';
import { PerfError } from '../../errors.js';
import { buildChangeCard } from '../../present/change-card.js';
import { bold, code, type Doc, icon, line } from '../../present/document.js';
import { asCommand } from '../../present/surface.js';
import type { Origin } from '../contracts.js';
import type { JobContext, JobDeps } from '../deps.js';
import { applyJobId } from '../dispatcher.js';
import { AUTO_ACTOR, followUp } from './follow-ups.js';
import { cardView, publishProposal } from './propose.js';
import { rollbackPlan } from './rollback.js';
import { moveRecord } from './transition.js';

/**
 * `validation.autoRollback`: a critical metric of a change still applied regressed, so the change is
 * rolled back by itself, on the path `/perf rollback` takes: the same rollback plan (refused unless
 * applied, undoable and untouched since), its card in the thread, stored as proposed, then approved
 * by perfbot/auto (the config is the approval) and applied by the `change-apply` job, which moves the
 * original to rolled back. The thread is told each step; the ledger has perfbot/auto as the actor.
 * The rollback's change id is derived from the change and the validation job (`rollbackIdOf`): a
 * retry finds it and proposes nothing again. Its change id, or undefined when it could not (said).
 */
export async function rollBackByItself(
  change: ChangeRecord,
  regressed: readonly string[],
  origin: Origin,
  deps: JobDeps,
  ctx: JobContext,
): Promise<string | undefined> {
  const at = () => new Date(deps.clock.now()).toISOString();
  const auto: Origin = { ...origin, userId: AUTO_ACTOR };
  const why = `${regressed.join(', ')} regressed (critical, \`validation.autoRollback\`)`;
  let changeId: string;
  try {
    const plan = await rollbackPlan(change, change.id, deps, ctx);
    if (plan.checks.some((c) => c.outcome === 'fail'))
      throw new PerfError('usage', `rollback ${change.id}: its checks refused it`, {
        userMessage: `the restore's checks refused it (${plan.checks
          .filter((c) => c.outcome === 'fail')
          .map((c) => `${c.name}: ${c.detail}`)
          .join('; ')})`,
      });
    changeId = rollbackIdOf(change.id, ctx.jobId);
    await say(origin, deps, rolling(change.id, why));
    await publishProposal(changeId, plan, auto, deps, false);
    const approved = await moveRecord(deps.store.changes, changeId, ['proposed'], 'approved', {
      actor: AUTO_ACTOR,
      at: at(),
      patch: () => ({ approvals: [{ by: AUTO_ACTOR, at: at() }] }),
    });
    // Its card shows it approved (no buttons) until the apply edits it with the outcome.
    const card = approved.record?.card;
    if (approved.ok && card)
      await deps.notifier
        .update(
          { channel: card.channel, ts: card.ts },
          buildChangeCard(approved.record, plan, cardView(auto, deps)),
        )
        .catch((error: unknown) =>
          deps.log.warn({ err: error, change: changeId }, 'could not update the card'),
        );
  } catch (error) {
    const reason = error instanceof PerfError ? error.userMessage : String(error);
    deps.log.warn({ err: error, change: change.id }, 'automatic rollback refused');
    await say(origin, deps, notRolled(change.id, why, reason, origin));
    return undefined;
  }
  const apply = { kind: 'change-apply', changeId } as const;
  const queued = await followUp(apply, `apply ${changeId}`, applyJobId(changeId), origin, deps, ctx);
  if (!queued) throw new PerfError('internal', `no way to queue the apply of ${changeId} here`);
  return changeId;
}

/** `chg-<8 hex>` of the change and the job that rolls it back (never the change's own id). */
function rollbackIdOf(changeId: string, jobId: string): string {
  return `chg-${createHash('sha256').update(`rollback ${changeId} ${jobId}`).digest('hex').slice(0, 8)}`;
}

const rolling = (id: string, why: string): Doc => ({
  summary: line(`rolling back ${id} by itself: ${why}`),
  blocks: [
    {
      kind: 'paragraph',
      lines: [line(icon('arrows_counterclockwise'), ' ', bold(`Rolling back ${id} by itself`), `: ${why}.`)],
    },
  ],
});

const notRolled = (id: string, why: string, reason: string, origin: Origin): Doc => ({
  summary: line(`${id} not rolled back by itself: ${reason}`),
  blocks: [
    {
      kind: 'paragraph',
      lines: [
        line(icon('warning'), ' ', bold(`${id} was not rolled back by itself`), `: ${why}, but ${reason}.`),
        line('To undo it by hand: ', code(asCommand(origin.source, `rollback ${id}`))),
      ],
    },
  ],
});

async function say(origin: Origin, deps: JobDeps, doc: Doc): Promise<void> {
  await deps.notifier.postInThread(origin.thread, doc);
}
