import type { ChartSpec } from '../../charts/port.js';
import type { PerfError } from '../../errors.js';
import { buildError } from '../../present/error.js';
import { buildStatus, threadDetail } from '../../present/status.js';
import { JournalStep } from '../../store/keys.js';
import { type Origin, statusRefOf } from '../contracts.js';
import type { JobContext, JobDeps } from '../deps.js';
import { createPacedProgress } from '../progress.js';

/** A job's thread: where it answers and what its status message is called. */
export interface Thread {
  origin: Origin;
  title: string;
}

/**
 * Runs `body` with the thread's status message moving from running (with paced progress) to done.
 * A failure is rethrown untouched: only the last attempt reports it (`reportFailure`).
 */
export async function withStatus<T>(
  thread: Thread,
  deps: JobDeps,
  ctx: JobContext,
  body: (ctx: JobContext) => Promise<T>,
): Promise<T> {
  const view = { title: thread.title, requestedBy: thread.origin.userId, jobId: ctx.jobId };
  const ref = statusRefOf(thread.origin);
  const interval = deps.platform.slack.progressIntervalMs;
  const paced = createPacedProgress(
    async (progress) => {
      await deps.clock.delay(deps.channelPacer.reserve(ref.channel, interval));
      await deps.notifier.update(ref, buildStatus({ ...view, state: 'running', progress }));
    },
    deps.clock,
    deps.platform.slack.progressIntervalMs,
    (error) => deps.log.warn({ err: error }, 'progress update failed'),
  );
  paced.push({ step: 'start', message: ctx.attempt > 1 ? `attempt ${ctx.attempt}` : 'starting', pct: 0 });
  const inner: JobContext = {
    ...ctx,
    progress(update) {
      ctx.progress(update);
      paced.push(update);
    },
  };
  try {
    const value = await body(inner);
    await paced.flush();
    await markDone(thread, deps, ctx.jobId);
    return value;
  } catch (error) {
    await paced.flush();
    throw error;
  }
}

/** Sets a thread's status to done; safe to repeat. */
export async function markDone(thread: Thread, deps: JobDeps, jobId: string): Promise<void> {
  const view = { title: thread.title, requestedBy: thread.origin.userId, jobId, state: 'done' } as const;
  await deps.notifier.update(
    statusRefOf(thread.origin),
    buildStatus({ ...view, detail: threadDetail(thread.origin.source, 'results in this thread') }),
  );
}

/** Posts a job's final failure once: the error in the thread and the status as failed or cancelled. */
export async function reportFailure(
  thread: Thread,
  error: PerfError,
  deps: JobDeps,
  jobId: string,
): Promise<void> {
  const step = JournalStep.error(jobId);
  if ((await deps.store.journal.read(step)) !== undefined) return;
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
  for (const spec of specs) {
    const step = jobId === undefined ? undefined : JournalStep.chart(jobId, spec.filename);
    if (step !== undefined && (await deps.store.journal.read(step)) !== undefined) continue;
    const rendered = await deps.renderer.render(spec.config, size).catch((error: unknown) => {
      deps.log.warn({ err: error, chart: spec.filename }, 'chart render failed');
      return undefined;
    });
    if (!rendered) continue;
    const meta = { title: spec.title, altText: spec.altText };
    await deps.notifier.postChart(
      thread.origin.thread,
      rendered.kind === 'png'
        ? { kind: 'png', png: rendered.png, filename: spec.filename, ...meta }
        : { ...rendered, ...meta },
    );
    if (step !== undefined) await deps.store.journal.record(step, spec.filename);
  }
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
