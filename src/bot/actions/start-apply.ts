import type { ChangeRecord } from '../../changes/record.js';
import { asPerfError } from '../../errors.js';
import type { Origin } from '../../jobs/contracts.js';
import { applyJobId, type Dispatcher } from '../../jobs/dispatcher.js';
import type { Logger } from '../../log.js';
import type { Actor } from '../../present/interaction.js';
import type { Notifier } from '../../present/notifier.js';
import { buildStatus } from '../../present/status.js';

/**
 * How the bot starts applying a change its last Approve click approved: a status message in the
 * card's thread (the apply job's progress edits it), then the `change-apply` job, queued under the id
 * derived from the change (`apply-<hex>`): BullMQ keeps one job per id, so it is queued once.
 */
export function createStartApply(dispatcher: Dispatcher, notifier: Notifier, log: Logger) {
  return async (record: ChangeRecord, by: Actor): Promise<void> => {
    const card = record.card;
    if (!card) {
      log.error({ change: record.id }, 'an approved change has no card: its thread is unknown');
      return;
    }
    const jobId = applyJobId(record.id);
    const thread = { channel: card.channel, threadTs: card.threadTs };
    const title = `apply ${record.id}`;
    const status = await notifier
      .postInThread(thread, buildStatus({ title, state: 'queued', requestedBy: by.id, jobId }))
      .catch((error: unknown) => {
        // The apply goes ahead without its own status line: its progress edits the card's thread root.
        log.warn({ err: asPerfError(error), change: record.id }, 'could not post the apply status');
        return { ts: card.threadTs };
      });
    const origin: Origin = { userId: by.id, source: 'slack', thread, statusTs: status.ts };
    await dispatcher.enqueue({ kind: 'change-apply', changeId: record.id }, origin, jobId);
  };
}
