import type { SlashCommand } from '@slack/bolt';
import { asPerfError, type PerfError } from '../../errors.js';
import { newJobId, type QueuedCommand } from '../../jobs/dispatcher.js';
import type { MessageRef } from '../../present/notifier.js';
import { buildAccepted, buildFailure } from '../../present/replies.js';
import { buildStatus } from '../../present/status.js';
import { formatCommand } from '../grammar.js';
import { type CommandOutcome, detailOf, type PerfCommandDeps, type Replier, record } from './perf-context.js';

/**
 * baseline / history: ack, root status message (already naming the job id, so that no later edit of
 * the bot can race the worker's), enqueue.
 */
export async function enqueue(
  slash: SlashCommand,
  command: QueuedCommand,
  reply: Replier,
  deps: PerfCommandDeps,
): Promise<CommandOutcome> {
  const title = formatCommand(command);
  const userId = slash.user_id;
  const channel = slash.channel_id;
  const detail = detailOf(slash, command);
  await reply.ack(buildAccepted(title));
  const jobId = newJobId(command);
  let root: MessageRef | undefined;
  try {
    root = await deps.notifier.postRoot(
      channel,
      buildStatus({ title, state: 'queued', requestedBy: userId, jobId }),
    );
    const thread = { channel, threadTs: root.ts };
    await deps.dispatcher.enqueue(command, { userId, source: 'slack', thread, statusTs: root.ts }, jobId);
    deps.log.info({ jobId, title }, 'job queued');
    await record(deps, { actor: userId, action: 'command', outcome: 'ok', detail: { ...detail, jobId } });
    return 'ok';
  } catch (error) {
    const perfError = asPerfError(error);
    await reportFailure({ title, userId, jobId, root, perfError }, reply, deps);
    await record(deps, {
      actor: userId,
      action: 'command',
      outcome: 'failed',
      detail: { ...detail, code: perfError.code },
    });
    return 'failed';
  }
}

interface Failed {
  title: string;
  userId: string;
  jobId: string;
  /** The root status message, when it was posted before the failure. */
  root: MessageRef | undefined;
  perfError: PerfError;
}

/** The job could not start: mark its root message failed, log, and tell the user ephemerally. */
async function reportFailure(f: Failed, reply: Replier, deps: PerfCommandDeps): Promise<void> {
  const { title, perfError } = f;
  if (f.root) {
    const failed = buildStatus({
      title,
      state: 'failed',
      requestedBy: f.userId,
      jobId: f.jobId,
      detail: perfError.userMessage,
    });
    await deps.notifier.update(f.root, failed).catch(() => undefined);
  }
  deps.log.error({ err: perfError, code: perfError.code, title }, 'could not start the job');
  await reply
    .answer(buildFailure(title, perfError.userMessage))
    .catch((e: unknown) => deps.log.warn({ err: asPerfError(e) }, 'could not tell the user'));
}
