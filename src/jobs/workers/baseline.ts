import { renderSummary } from '../../bot/views/summary.js';
import { buildBaselineCharts } from '../../charts/baseline.js';
import type { ChartSpec } from '../../charts/port.js';
import { buildResourcesChart } from '../../charts/resources.js';
import { PerfError } from '../../errors.js';
import { ResourcesDetailsSchema } from '../../probes/resources/schema.js';
import type { ProbeResult } from '../../results/schema.js';
import type { BaselinePayload, BaselineReturn } from '../contracts.js';
import type { JobContext, JobDeps } from '../deps.js';
import { measure } from '../run-probe.js';
import { childOrigin, deliverCharts, type Thread, withStatus } from './deliver.js';

/**
 * `baseline <service>`: the same code for a worker and for the CLI. Refuses while a change is in
 * flight or another measurement of the service runs; posts the result once even when retried.
 */
export async function runBaseline(
  payload: BaselinePayload,
  deps: JobDeps,
  ctx: JobContext,
): Promise<BaselineReturn> {
  const { service } = payload;
  const deliveryKey = `baseline:${ctx.jobId}`;
  const already = await deps.store.delivered(deliveryKey);
  if (already !== undefined) return { service, resultId: already };

  const title = `baseline ${service}`;
  const origin = payload.partOf ? await childOrigin(payload.origin, title, deps, ctx.jobId) : payload.origin;
  const thread: Thread = { origin, title };
  return withStatus(thread, deps, ctx, async (inner) => {
    await takeLocks(payload, deps, ctx.jobId);
    try {
      const result = await measure(deps.probes[service], payload.options, deps, inner);
      await deps.store.saveResult(result);
      if (await deps.store.markDelivered(deliveryKey, result.id)) {
        await postResult(thread, result, deps);
      }
      return { service, resultId: result.id };
    } finally {
      await deps.store.releaseLock('measure', service, ctx.jobId);
    }
  });
}

async function takeLocks(payload: BaselinePayload, deps: JobDeps, owner: string): Promise<void> {
  const { service } = payload;
  const change = await deps.store.lockHolder('change', service);
  if (change !== undefined) {
    throw new PerfError('conflict', `change ${change} is in flight on ${service}`, {
      userMessage: `A change (${change}) is in flight on ${service}: no baseline until it is applied or rolled back.`,
      context: { service },
    });
  }
  // Held at most as long as the runs may take, so that a lock left by a dead worker frees itself.
  const cfg = deps.platform.services[service];
  const perRunS = 'timeoutSeconds' in cfg ? cfg.timeoutSeconds : 120;
  const ttlMs = (deps.probes[service].runs(payload.options, deps.platform) + 2) * perRunS * 1000;
  const lock = await deps.store.acquireLock('measure', service, owner, ttlMs);
  if (!lock.acquired) {
    throw new PerfError('conflict', `${service} is being measured by job ${lock.holder}`, {
      userMessage: `${service} is already being measured (job ${lock.holder}); run it again when that ends.`,
      context: { service },
    });
  }
}

async function postResult(thread: Thread, result: ProbeResult, deps: JobDeps): Promise<void> {
  await deps.notifier.postInThread(thread.origin.thread, renderSummary(result));
  await deliverCharts(thread, chartsFor(result), deps);
}

function chartsFor(result: ProbeResult): ChartSpec[] {
  const details = ResourcesDetailsSchema.safeParse(result.details);
  if (result.service === 'resources' && details.success) return [buildResourcesChart(details.data)];
  return buildBaselineCharts(result);
}
