import type { Clock } from '../clock.js';
import { PerfError } from '../errors.js';
import type { ChartOutput, MessageRef, Notifier, ThreadRef } from '../present/notifier.js';
import type { Journal } from '../store/journal.js';
import { JournalStep } from '../store/keys.js';
import type { Origin } from './contracts.js';

/**
 * The root message of a Slack thread is posted while its job may already run: the bot queues the job
 * with the thread's `ts` pending (`pendingOrigin`), posts the root, then records its `ts` in the
 * journal (`recordRoot`). The worker's notifier (`awaitingRoot`) swaps a pending `ts` for the real one
 * the first time the job writes to the thread, waiting for it (bounded) if the bot has not recorded it
 * yet. Slack's `ts` are digits, so `pending:<jobId>` is never one.
 */
const PENDING = 'pending:';
/** Recorded instead of a `ts` when the root message could not be posted: the job is cancelled. */
const NOT_POSTED = 'not-posted';

/** How long a job waits for its thread's root message before giving up on it. */
export const ROOT_WAIT_MS = 30_000;
const POLL_MS = 20;

export const pendingTs = (jobId: string) => `${PENDING}${jobId}`;
export const isPendingTs = (ts: string) => ts.startsWith(PENDING);
const jobOfPending = (ts: string) => (ts.startsWith(PENDING) ? ts.slice(PENDING.length) : undefined);

/** A Slack origin whose thread is the root message not posted yet, of job `jobId`. */
export function pendingOrigin(userId: string, channel: string, jobId: string): Origin {
  const ts = pendingTs(jobId);
  return { userId, source: 'slack', thread: { channel, threadTs: ts }, statusTs: ts };
}

/** The bot, once the root message is posted (its ref) or could not be (undefined). */
export async function recordRoot(journal: Journal, jobId: string, root: MessageRef | undefined) {
  await journal.record(JournalStep.rootMessage(jobId), root?.ts ?? NOT_POSTED);
}

/** A `ts` as it is now: the real one once recorded, the pending one before (no wait). */
export async function currentTs(journal: Journal, ts: string): Promise<string> {
  const jobId = jobOfPending(ts);
  if (jobId === undefined) return ts;
  const recorded = await journal.read(JournalStep.rootMessage(jobId));
  return recorded === undefined || recorded === NOT_POSTED ? ts : recorded;
}

/** A `ts`, waiting (bounded) for the root message when it is pending. */
export async function resolveTs(
  journal: Journal,
  clock: Clock,
  ts: string,
  waitMs: number = ROOT_WAIT_MS,
): Promise<string> {
  const jobId = jobOfPending(ts);
  if (jobId === undefined) return ts;
  const until = clock.now() + waitMs;
  for (;;) {
    const recorded = await journal.read(JournalStep.rootMessage(jobId));
    if (recorded === NOT_POSTED) {
      throw new PerfError('cancelled', `the root message of ${jobId} could not be posted`, {
        userMessage: 'Cancelled: its thread could not be started in Slack.',
      });
    }
    if (recorded !== undefined) return recorded;
    if (clock.now() >= until) {
      throw new PerfError('slack_api', `no root message for ${jobId} after ${waitMs} ms`, {
        userMessage: 'Its Slack thread was not started in time.',
      });
    }
    await clock.delay(POLL_MS);
  }
}

/**
 * The worker's notifier: a message or thread whose `ts` is pending is written once its root message
 * is posted (a journal read per write while the origin says pending: nothing kept per job).
 */
export function awaitingRoot(
  inner: Notifier,
  journal: Journal,
  clock: Clock,
  waitMs: number = ROOT_WAIT_MS,
): Notifier {
  const ref = async (r: MessageRef): Promise<MessageRef> => ({
    ...r,
    ts: await resolveTs(journal, clock, r.ts, waitMs),
  });
  const thread = async (t: ThreadRef): Promise<ThreadRef> => ({
    ...t,
    threadTs: await resolveTs(journal, clock, t.threadTs, waitMs),
  });
  return {
    postRoot: (channel, doc) => inner.postRoot(channel, doc),
    postInThread: async (t, doc) => inner.postInThread(await thread(t), doc),
    update: async (r, doc, options) => inner.update(await ref(r), doc, options),
    postCharts: async (t, charts: readonly ChartOutput[]) => inner.postCharts(await thread(t), charts),
    postEphemeral: (channel, user, doc) => inner.postEphemeral(channel, user, doc),
  };
}
