import type { ComponentName } from '../../domain/components.js';
import { throwIfAborted } from '../../errors.js';
import { JournalStep, type LockScope } from '../../store/keys.js';
import type { JobContext, JobDeps } from '../deps.js';

/**
 * One measurement per job, however often BullMQ hands the job out. With Redis away longer than the
 * job lock, BullMQ puts a running job back in the queue and a second attempt starts beside the first.
 * The measurement lock tells them apart: it carries the first attempt's fencing token, and that
 * attempt beats a heartbeat while it measures. A later attempt that finds the lock in its own job's
 * name waits while the heartbeat lives, then for the first attempt's posts; a lock whose heartbeat
 * stayed silent for a whole job lock (its worker died) is freed, and this attempt measures.
 */
export async function awaitEarlierAttempt(
  service: ComponentName,
  deps: JobDeps,
  ctx: JobContext,
  scope: LockScope = 'measure',
): Promise<void> {
  const { locks, journal } = deps.store;
  const graceMs = deps.platform.jobs.lockDurationMs;
  const held = async () => (await locks.holder(scope, service)) === ctx.jobId;
  if (!(await held())) return;
  deps.log.warn({ service }, 'an earlier attempt of this job holds its lock: waiting for it');
  let lastAlive = deps.clock.now();
  while (await held()) {
    throwIfAborted(ctx.signal, 'waiting for an earlier attempt');
    if (await locks.alive(scope, service)) lastAlive = deps.clock.now();
    else if (
      deps.clock.now() - lastAlive >= graceMs &&
      (await locks.releaseDead(scope, service, ctx.jobId))
    ) {
      deps.log.warn({ service }, 'the earlier attempt is gone (no heartbeat): its lock was freed');
      return;
    }
    await deps.clock.delay(POLL_MS);
  }
  // Released: it measured (or failed). Give its posts time to be recorded, so that this attempt
  // resumes after them rather than beside them.
  for (let waited = 0; waited < POSTING_GRACE_MS; waited += POLL_MS) {
    if ((await journal.read(JournalStep.measured(ctx.jobId))) === undefined) return;
    if ((await journal.read(JournalStep.posted(ctx.jobId))) !== undefined) return;
    await deps.clock.delay(POLL_MS);
  }
}

/** How often a later attempt looks whether the earlier one is done. */
const POLL_MS = 250;
/** How long posting a summary and its charts may take an attempt once it has measured. */
const POSTING_GRACE_MS = 30_000;

/**
 * Beats the heartbeat of a measurement lock until stopped: three beats per job lock, each alive for
 * a whole one, so that a beat delayed by a short outage still lands in time. On the wall clock, with
 * an unref'd timer: a heartbeat never keeps a finished CLI process alive.
 */
export function keepAlive(
  service: ComponentName,
  token: string,
  deps: JobDeps,
  scope: LockScope = 'measure',
): { stop(): void } {
  const ttlMs = deps.platform.jobs.lockDurationMs;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const beat = async () => {
    const held = await deps.store.locks.heartbeat(scope, service, token, ttlMs).catch((error: unknown) => {
      deps.log.warn({ err: error, service, scope }, 'lock heartbeat failed');
      return true;
    });
    if (!held) deps.log.warn({ service, scope }, 'the lock was lost while its job ran');
    if (!stopped) timer = setTimeout(() => void beat(), ttlMs / 3).unref();
  };
  void beat();
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
