import type { ChartSpec } from '../../charts/port.js';
import { asPerfError, type PerfError } from '../../errors.js';
import { buildError } from '../../present/error.js';
import type { ChartOutput } from '../../present/notifier.js';
import { buildStatus, threadDetail } from '../../present/status.js';
import { JournalStep } from '../../store/keys.js';
import { type Origin, statusRefOf } from '../contracts.js';
import type { JobContext, JobDeps } from '../deps.js';
import { createPacedProgress, type PacedProgress } from '../progress.js';

/** A job's thread: where it answers and what its status message is called. */
export interface Thread {
  origin: Origin;
  title: string;
}

/** Given to a job's body: call `results()` when the work has ended, before posting what it found. */
export interface StatusControl {
  /** Ends the progress line (pending edits dropped), so that no progress appears after the result. */
  results(): Promise<void>;
}

/**
 * Runs `body` with the thread's status message moving from running (with paced, best-effort
 * progress) to done. Progress never holds the job up: edits are coalesced, tried once, dropped when
 * Slack refuses them, and ended (`results()`, or at the latest when `body` returns) before the result
 * and the final status are posted. A failure is rethrown untouched: only the last attempt reports it
 * (`reportFailure`).
 */
export async function withStatus<T>(
  thread: Thread,
  deps: JobDeps,
  ctx: JobContext,
  body: (ctx: JobContext, status: StatusControl) => Promise<T>,
  /** The final status a value calls for (a proposal refused by its checks is `failed`), else done. */
  final?: (value: T) => FinalStatus | undefined,
): Promise<T> {
  const paced = pacedStatus(thread, deps, ctx.jobId);
  paced.push({ step: 'start', message: ctx.attempt > 1 ? `attempt ${ctx.attempt}` : 'starting', pct: 0 });
  const inner: JobContext = {
    ...ctx,
    progress(update) {
      ctx.progress(update);
      paced.push(update);
    },
  };
  try {
    const value = await body(inner, { results: () => paced.stop() });
    await paced.stop();
    const end = final?.(value);
    if (end === undefined) await markDone(thread, deps, ctx.jobId);
    else await markFinal(thread, deps, ctx.jobId, end);
    return value;
  } catch (error) {
    await paced.stop();
    throw error;
  }
}

/** The status message's progress edits: paced per channel, best effort, backing off on a rate limit. */
function pacedStatus(thread: Thread, deps: JobDeps, jobId: string): PacedProgress {
  const view = { title: thread.title, requestedBy: thread.origin.userId, jobId };
  const ref = statusRefOf(thread.origin);
  const interval = deps.platform.slack.progressIntervalMs;
  return createPacedProgress(
    (progress) =>
      deps.notifier.update(ref, buildStatus({ ...view, state: 'running', progress }), { bestEffort: true }),
    deps.clock,
    interval,
    (error) => {
      const retryAfterMs = asPerfError(error).context.retryAfterMs;
      if (typeof retryAfterMs === 'number') deps.channelPacer.backOff(ref.channel, retryAfterMs);
      deps.log.warn({ err: error, retryAfterMs }, 'progress update dropped');
    },
    () => deps.channelPacer.reserve(ref.channel, interval),
  );
}

/** A job's last status other than plain done: its state and the line that says why. */
export interface FinalStatus {
  state: 'done' | 'failed';
  detail: string;
}

/** Sets a thread's final status with its reason; safe to repeat. */
export async function markFinal(thread: Thread, deps: JobDeps, jobId: string, end: FinalStatus) {
  const view = { title: thread.title, requestedBy: thread.origin.userId, jobId, ...end };
  await deps.notifier.update(
    statusRefOf(thread.origin),
    buildStatus({ ...view, surface: thread.origin.source }),
  );
}

/** Sets a thread's status to done; safe to repeat. */
export async function markDone(thread: Thread, deps: JobDeps, jobId: string): Promise<void> {
  const view = { title: thread.title, requestedBy: thread.origin.userId, jobId, state: 'done' } as const;
  await deps.notifier.update(
    statusRefOf(thread.origin),
    buildStatus({ ...view, detail: threadDetail(thread.origin.source, 'results in this thread') }),
  );
}

/**
 * Posts a job's final failure once: the error in the thread and the status as failed or cancelled.
 * Never after its result: once `posted` is recorded the job succeeded, whatever a stale attempt or
 * BullMQ's stalled check says later, and nothing is posted. (The other way round, a result measured
 * by an attempt still running when the error was posted is posted after it: the result wins.)
 */
export async function reportFailure(
  thread: Thread,
  error: PerfError,
  deps: JobDeps,
  jobId: string,
): Promise<void> {
  const step = JournalStep.error(jobId);
  if ((await deps.store.journal.read(step)) !== undefined) return;
  if ((await deps.store.journal.read(JournalStep.posted(jobId))) !== undefined) {
    deps.log.warn({ jobId, code: error.code }, 'not reporting a failure after the result was posted');
    return;
  }
  const state = error.code === 'cancelled' ? 'cancelled' : 'failed';
  const view = {
    title: thread.title,
    requestedBy: thread.origin.userId,
    jobId,
    state,
    detail: error.userMessage,
  } as const;
  // The error first, then the final status: whoever watches the status finds the reason already there.
  if (state === 'failed') {
    await deps.notifier.postInThread(thread.origin.thread, buildError(thread.title, error.toJSON()));
  }
  await deps.notifier.update(statusRefOf(thread.origin), buildStatus(view));
  await deps.store.journal.record(step, error.code);
}

/**
 * Renders and posts charts; a chart that fails to render is logged and skipped, not fatal. With a
 * `jobId`, each posted chart is recorded, so that a retried job posts only the ones still missing.
 */
export async function deliverCharts(
  thread: Thread,
  specs: readonly ChartSpec[],
  deps: JobDeps,
  jobId?: string,
): Promise<void> {
  const size = { width: deps.platform.charts.width, height: deps.platform.charts.height };
  const ready: { chart: ChartOutput; step: JournalStep | undefined; filename: string }[] = [];
  for (const spec of specs) {
    const step = jobId === undefined ? undefined : JournalStep.chart(jobId, spec.filename);
    if (step !== undefined && (await deps.store.journal.read(step)) !== undefined) continue;
    const rendered = await deps.renderer.render(spec.config, size).catch((error: unknown) => {
      deps.log.warn({ err: error, chart: spec.filename }, 'chart render failed');
      return undefined;
    });
    if (!rendered) continue;
    const meta = { title: spec.title, altText: spec.altText };
    const chart: ChartOutput =
      rendered.kind === 'png'
        ? { kind: 'png', png: rendered.png, filename: spec.filename, ...meta }
        : { ...rendered, ...meta };
    ready.push({ chart, step, filename: spec.filename });
  }
  if (ready.length === 0) return;
  // One post for all of them (one round trip, in order); each is journalled once it is posted.
  await deps.notifier.postCharts(
    thread.origin.thread,
    ready.map((r) => r.chart),
  );
  for (const { step, filename } of ready)
    if (step !== undefined) await deps.store.journal.record(step, filename);
}

/**
 * A child of `baseline all` reports in its own status message inside the parent's thread (the root
 * belongs to the parent). Created once per job, even across retries.
 */
export async function childOrigin(
  origin: Origin,
  title: string,
  deps: JobDeps,
  jobId: string,
): Promise<Origin> {
  const step = JournalStep.childStatus(jobId);
  const existing = await deps.store.journal.read(step);
  if (existing !== undefined) return { ...origin, statusTs: existing };
  const posted = await deps.notifier.postInThread(
    origin.thread,
    buildStatus({ title, state: 'queued', requestedBy: origin.userId, jobId, surface: origin.source }),
  );
  await deps.store.journal.record(step, posted.ts);
  return { ...origin, statusTs: (await deps.store.journal.read(step)) ?? posted.ts };
}
