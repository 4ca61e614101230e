import { buildOverviewChart } from '../../charts/overview.js';
import { buildOverview } from '../../present/overview.js';
import type { ProbeResult } from '../../results/schema.js';
import { JournalStep } from '../../store/keys.js';
import type { BaselineAllPayload, ChildOutcome } from '../contracts.js';
import type { JobContext, JobDeps } from '../deps.js';
import { deliverCharts, type Thread, withStatus } from './deliver.js';

/**
 * The parent of `baseline all`: runs when every child has ended (failed ones included) and posts
 * one overview, a table across services and one chart. Each child has posted its own result.
 */
export async function runBaselineAll(
  payload: BaselineAllPayload,
  outcomes: readonly ChildOutcome[],
  deps: JobDeps,
  ctx: JobContext,
): Promise<ChildOutcome[]> {
  const thread: Thread = { origin: payload.origin, title: 'baseline all' };
  return withStatus(thread, deps, ctx, async () => {
    const rows = await Promise.all(
      outcomes.map(async (o) => {
        const result = o.resultId ? await deps.store.results.get(o.resultId) : undefined;
        return { service: o.service, ...(result ? { result } : {}), ...(o.error ? { error: o.error } : {}) };
      }),
    );
    const step = JournalStep.overview(ctx.jobId);
    if ((await deps.store.journal.read(step)) === undefined) {
      await deps.notifier.postInThread(payload.origin.thread, buildOverview(rows));
      await deps.store.journal.record(step, ctx.jobId);
    }
    const entries = rows.flatMap((row) => (row.result ? headline(row.result) : []));
    if (entries.length > 0)
      await deliverCharts(thread, [buildOverviewChart(entries, ctx.jobId)], deps, ctx.jobId);
    return [...outcomes];
  });
}

/** A service's headline: the metric of its first target (else its first metric). */
function headline(result: ProbeResult) {
  const withTarget = result.summary.find((s) => s.target !== null && s.median !== null);
  const summary = withTarget ?? result.summary.find((s) => s.median !== null);
  const metric = result.metrics.find((m) => m.key === summary?.key);
  return summary && metric
    ? [{ service: result.service, metric, summary, simulated: result.context.simulated }]
    : [];
}
