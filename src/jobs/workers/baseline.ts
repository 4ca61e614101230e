import { chartsOf } from '../../domain/charts.js';
import { serviceOf } from '../../domain/services.js';
import { PerfError } from '../../errors.js';
import { buildSummary } from '../../present/summary.js';
import type { ProbeResult } from '../../results/schema.js';
import { JournalStep } from '../../store/keys.js';
import type { LockOutcome } from '../../store/locks.js';
import type { BaselinePayload, BaselineReturn } from '../contracts.js';
import type { JobContext, JobDeps } from '../deps.js';
import { markFlowRunning, throwIfFlowCancelled } from '../flows.js';
import { type AbandonedExecs, measure } from '../run-probe.js';
import { awaitEarlierAttempt, keepAlive } from './attempts.js';
import { childOrigin, deliverCharts, markDone, type Thread, withStatus } from './deliver.js';

/**
 * `baseline <service>`: the same code for a worker and for the CLI. Refuses while a change is in
 * flight or another measurement of the service runs. A retry after the result was measured (Slack
 * failed, the worker died) posts the stored result instead of measuring again; one that finds it
 * posted does nothing. A crash between posting and recording it can post twice, never zero times.
 */
export async function runBaseline(
  payload: BaselinePayload,
  title: string,
  deps: JobDeps,
  ctx: JobContext,
): Promise<BaselineReturn> {
  const { service } = payload;
  const origin = payload.partOf ? await childOrigin(payload.origin, title, deps, ctx.jobId) : payload.origin;
  if (payload.partOf) await markFlowRunning(payload, deps);
  const thread: Thread = { origin, title };
  // BullMQ may hand out a job again while an earlier attempt still runs (Redis away longer than the
  // job lock): this attempt waits for that one and measures nothing while it lives.
  await awaitEarlierAttempt(service, deps, ctx);
  const posted = await deps.store.journal.read(JournalStep.posted(ctx.jobId));
  if (posted !== undefined) {
    // Everything was posted but the final status may not have been (a crash in between): set it again.
    await markDone(thread, deps, ctx.jobId);
    return { service, resultId: posted };
  }
  return withStatus(thread, deps, ctx, async (inner, status) => {
    await throwIfFlowCancelled(payload, deps);
    const result = (await storedResult(deps, ctx.jobId)) ?? (await measureOnce(payload, deps, inner));
    // Measured apart (resources): the flow's other probes may start now, while this result is posted.
    if (payload.partOf !== undefined && serviceOf(service).measuredApart === true)
      await ctx.startNextStage?.().catch((error: unknown) => {
        deps.log.warn({ err: error }, 'could not queue the next stage: the parent will');
      });
    await status.results();
    await postResult(thread, result, deps, ctx.jobId);
    await deps.store.journal.record(JournalStep.posted(ctx.jobId), result.id);
    return { service, resultId: result.id };
  });
}

async function storedResult(deps: JobDeps, jobId: string): Promise<ProbeResult | undefined> {
  const id = await deps.store.journal.read(JournalStep.measured(jobId));
  return id === undefined ? undefined : deps.store.results.get(id);
}

async function measureOnce(payload: BaselinePayload, deps: JobDeps, ctx: JobContext): Promise<ProbeResult> {
  const token = await takeLocks(payload, deps, ctx.jobId);
  const beat = keepAlive(payload.service, token, deps);
  const abandoned: AbandonedExecs = { until: 0 };
  try {
    const result = await measure(deps.probes[payload.service], payload.options, deps, ctx, abandoned);
    await deps.store.results.save(result);
    await deps.store.journal.record(JournalStep.measured(ctx.jobId), result.id);
    return result;
  } finally {
    beat.stop();
    const stillBusyMs = abandoned.until - deps.clock.now();
    // A simulated platform's commands die with its process: only a real cluster's pods run on.
    if (stillBusyMs > 0 && !deps.simulated) {
      // A command left running in a pod keeps the service busy: the lock expires when it must be done.
      deps.log.warn(
        { service: payload.service, stillBusyMs },
        'holding the measurement lock for a command left running',
      );
      await deps.store.locks.refresh('measure', payload.service, token, stillBusyMs);
    } else {
      await deps.store.locks.release('measure', payload.service, token);
    }
  }
}

/** Takes the measurement lock in one step that also checks no change is in flight; returns its token. */
export async function takeLocks(payload: BaselinePayload, deps: JobDeps, owner: string): Promise<string> {
  const { service } = payload;
  // Held at most as long as the runs may take, so that a lock left by a dead worker frees itself.
  const cfg = deps.platform.services[service];
  const perRunS = 'timeoutSeconds' in cfg ? cfg.timeoutSeconds : 120;
  // A run may make two commands wait their full timeout (Kafka's producer and consumer), plus a warm-up.
  const ttlMs = (deps.probes[service].runs(payload.options, deps.platform) + 1) * 2 * perRunS * 1000;
  const lock = await deps.store.locks.acquireMeasure(service, owner, ttlMs);
  if (!lock.acquired && lock.holder === owner && lock.scope === 'measure') {
    // An earlier attempt took it after this one looked: a later attempt waits for it.
    throw new PerfError('conflict', `an earlier attempt of ${owner} measures ${service}`, {
      userMessage: `An earlier attempt of this job still measures ${service}.`,
      retryable: true,
      context: { service },
    });
  }
  if (!lock.acquired) {
    const held = (await deps.store.locks.list()).find((l) => l.service === service && l.scope === lock.scope);
    const until = held && untilText(held.expiresAt, deps.clock.now());
    throw lockRefused(service, lock, until, payload.origin.source === 'cli');
  }
  return lock.token;
}

/** `until 14:05:12 UTC (in 9 min)`: when a lock frees itself at the latest. */
function untilText(expiresAt: number, now: number): string {
  const s = Math.max(1, Math.round((expiresAt - now) / 1000));
  const left = s < 90 ? `${s} s` : `${Math.round(s / 60)} min`;
  return `until ${new Date(expiresAt).toISOString().slice(11, 19)} UTC (in ${left})`;
}

function lockRefused(
  service: string,
  lock: Extract<LockOutcome, { acquired: false }>,
  until = 'until its lock expires',
  cli = false,
): PerfError {
  if (lock.scope === 'change') {
    return new PerfError('conflict', `change ${lock.holder} is in flight on ${service}`, {
      userMessage: `A change (${lock.holder}) is in flight on ${service}: no baseline until it is applied or rolled back.`,
      context: { service },
    });
  }
  return new PerfError('conflict', `${service} is being measured by job ${lock.holder}`, {
    userMessage:
      `${service} is busy with job ${lock.holder} ${until}: it is being measured, or a stopped run's commands may ` +
      `still be finishing in its pods. Run it again then.${cli ? ` \`perfbot status\` shows the locks; \`perfbot unlock ${service}\` frees one whose owner is gone.` : ''}`,
    context: { service },
  });
}

/** The summary, then the charts; each step recorded, so that a retry resumes after the last one done. */
async function postResult(thread: Thread, result: ProbeResult, deps: JobDeps, jobId: string): Promise<void> {
  const summary = JournalStep.summary(jobId);
  if ((await deps.store.journal.read(summary)) === undefined) {
    await deps.notifier.postInThread(thread.origin.thread, buildSummary(result));
    await deps.store.journal.record(summary, result.id);
  }
  await deliverCharts(thread, chartsOf(result), deps, jobId);
}
