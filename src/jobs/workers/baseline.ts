import { chartsOf } from '../../domain/charts.js';
import { PerfError } from '../../errors.js';
import { buildStatus, threadDetail } from '../../present/status.js';
import { buildSummary } from '../../present/summary.js';
import type { ProbeResult } from '../../results/schema.js';
import { JournalStep } from '../../store/keys.js';
import type { LockOutcome } from '../../store/locks.js';
import { type BaselinePayload, type BaselineReturn, statusRefOf } from '../contracts.js';
import type { JobContext, JobDeps } from '../deps.js';
import { type AbandonedExecs, measure } from '../run-probe.js';
import { childOrigin, deliverCharts, markDone, type Thread, withStatus } from './deliver.js';

/**
 * `baseline <service>`: the same code for a worker and for the CLI. Refuses while a change is in
 * flight or another measurement of the service runs. A retry after the result was measured (Slack
 * failed, the worker died) posts the stored result instead of measuring again; one that finds it
 * posted does nothing. A crash between posting and recording it can post twice, never zero times.
 */
export async function runBaseline(
  payload: BaselinePayload,
  deps: JobDeps,
  ctx: JobContext,
): Promise<BaselineReturn> {
  const { service } = payload;
  const title = `baseline ${service}`;
  const origin = payload.partOf ? await childOrigin(payload.origin, title, deps, ctx.jobId) : payload.origin;
  if (payload.partOf) await markFlowRunning(payload, deps);
  const thread: Thread = { origin, title };
  const posted = await deps.store.journal.read(JournalStep.posted(ctx.jobId));
  if (posted !== undefined) {
    // Everything was posted but the final status may not have been (a crash in between): set it again.
    await markDone(thread, deps, ctx.jobId);
    return { service, resultId: posted };
  }
  return withStatus(thread, deps, ctx, async (inner) => {
    if (
      payload.partOf &&
      (await deps.store.journal.read(JournalStep.flowCancelled(payload.partOf))) !== undefined
    ) {
      throw new PerfError('cancelled', `${payload.partOf} was cancelled`, {
        userMessage: `Cancelled with the rest of \`${payload.partOf}\` before it started.`,
      });
    }
    const result = (await storedResult(deps, ctx.jobId)) ?? (await measureOnce(payload, deps, inner));
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
  await takeLocks(payload, deps, ctx.jobId);
  const abandoned: AbandonedExecs = { until: 0 };
  try {
    const result = await measure(deps.probes[payload.service], payload.options, deps, ctx, abandoned);
    await deps.store.results.save(result);
    await deps.store.journal.record(JournalStep.measured(ctx.jobId), result.id);
    return result;
  } finally {
    const stillBusyMs = abandoned.until - deps.clock.now();
    // A simulated platform's commands die with its process: only a real cluster's pods run on.
    if (stillBusyMs > 0 && !deps.simulated) {
      // A command left running in a pod keeps the service busy: the lock expires when it must be done.
      deps.log.warn(
        { service: payload.service, stillBusyMs },
        'holding the measurement lock for a command left running',
      );
      await deps.store.locks.acquireMeasure(payload.service, ctx.jobId, stillBusyMs);
    } else {
      await deps.store.locks.release('measure', payload.service, ctx.jobId);
    }
  }
}

/** Takes the measurement lock in one step that also checks no change is in flight. */
async function takeLocks(payload: BaselinePayload, deps: JobDeps, owner: string): Promise<void> {
  const { service } = payload;
  // Held at most as long as the runs may take, so that a lock left by a dead worker frees itself.
  const cfg = deps.platform.services[service];
  const perRunS = 'timeoutSeconds' in cfg ? cfg.timeoutSeconds : 120;
  // A run may make two commands wait their full timeout (Kafka's producer and consumer), plus a warm-up.
  const ttlMs = (deps.probes[service].runs(payload.options, deps.platform) + 1) * 2 * perRunS * 1000;
  const lock = await deps.store.locks.acquireMeasure(service, owner, ttlMs);
  if (!lock.acquired) {
    const held = (await deps.store.locks.list()).find((l) => l.service === service && l.scope === lock.scope);
    const until = held && untilText(held.expiresAt, deps.clock.now());
    throw lockRefused(service, lock, until, payload.origin.source === 'cli');
  }
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

/**
 * The parent of `baseline all` only runs when every service has ended: its thread's status says
 * "running" from the moment the first service starts (once, whichever it is).
 */
async function markFlowRunning(payload: BaselinePayload, deps: JobDeps): Promise<void> {
  const flowId = payload.partOf ?? '';
  if (!(await deps.store.journal.record(JournalStep.flowRunning(flowId), flowId))) return;
  const ref = statusRefOf(payload.origin);
  const view = {
    title: 'baseline all',
    state: 'running',
    requestedBy: payload.origin.userId,
    jobId: flowId,
  } as const;
  await deps.notifier
    .update(
      ref,
      buildStatus({
        ...view,
        detail: threadDetail(payload.origin.source, 'each service reports in this thread'),
      }),
    )
    .catch((error: unknown) => deps.log.warn({ err: error }, 'status update failed'));
}
