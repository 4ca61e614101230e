import type { SlashCommand } from '@slack/bolt';
import { asPerfError, type PerfError } from '../../errors.js';
import { type JobCommand, newJobId } from '../../jobs/dispatcher.js';
import { pendingOrigin, recordRoot } from '../../jobs/root-message.js';
import type { MessageRef } from '../../present/notifier.js';
import { buildAccepted, buildFailure } from '../../present/replies.js';
import { buildStatus } from '../../present/status.js';
import { formatCommand } from '../grammar.js';
import { type CommandOutcome, detailOf, type PerfCommandDeps, type Replier, record } from './perf-context.js';

/**
 * baseline / history: ack, enqueue with the thread's `ts` pending, then post the root status message
 * (already naming the job id) and record its `ts` for the job (`jobs/root-message.ts`): the job may
 * start during the root message's round trip and waits for its `ts` only when it first writes to the
 * thread. A root message that cannot be posted cancels the job, and the user is told.
 */
export async function enqueue(
  slash: SlashCommand,
  command: JobCommand,
  reply: Replier,
  deps: PerfCommandDeps,
): Promise<CommandOutcome> {
  const title = formatCommand(command);
  const userId = slash.user_id;
  const channel = slash.channel_id;
  const detail = detailOf(slash, command);
  await reply.ack(buildAccepted(title));
  const jobId = newJobId(command);
  const failed = async (error: unknown, root?: MessageRef) => {
    const perfError = asPerfError(error);
    await reportFailure({ title, userId, jobId, root, perfError }, reply, deps);
    await record(deps, {
      actor: userId,
      action: 'command',
      outcome: 'failed',
      detail: { ...detail, code: perfError.code },
    });
    return 'failed' as const;
  };
  try {
    await deps.dispatcher.enqueue(command, pendingOrigin(userId, channel, jobId), jobId);
  } catch (error) {
    return failed(error);
  }
  deps.log.info({ jobId, title }, 'job queued');
  let root: MessageRef;
  try {
    root = await deps.notifier.postRoot(
      channel,
      buildStatus({ title, state: 'queued', requestedBy: userId, jobId }),
    );
  } catch (error) {
    // The job must not run without a thread: it is told (the journal) and cancelled.
    await recordRoot(deps.journal, jobId, undefined).catch((e: unknown) =>
      deps.log.warn({ err: asPerfError(e), jobId }, 'could not record the missing root message'),
    );
    await deps.dispatcher
      .cancel(jobId, userId)
      .catch((e: unknown) => deps.log.warn({ err: asPerfError(e), jobId }, 'could not cancel the job'));
    return failed(error);
  }
  try {
    await recordRoot(deps.journal, jobId, root);
  } catch (error) {
    // The worker waits for the ts (bounded), then fails the job; its root says so now.
    await deps.dispatcher.cancel(jobId, userId).catch(() => undefined);
    return failed(error, root);
  }
  await record(deps, { actor: userId, action: 'command', outcome: 'ok', detail: { ...detail, jobId } });
  return 'ok';
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
