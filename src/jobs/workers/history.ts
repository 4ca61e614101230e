import { buildHistoryChart, historyMarks } from '../../charts/history.js';
import { buildHistory } from '../../present/history.js';
import type { HistoryPayload } from '../contracts.js';
import type { JobContext, JobDeps } from '../deps.js';
import { deliverCharts, type Thread, withStatus } from './deliver.js';

/**
 * `history <service> [metric]`: the stored baselines as a table and a trend chart of the metric (the
 * headline one by default), with the changes the ledger has applied and rolled back marked on it.
 */
export async function runHistory(
  payload: HistoryPayload,
  title: string,
  deps: JobDeps,
  ctx: JobContext,
): Promise<number> {
  const thread: Thread = { origin: payload.origin, title };
  return withStatus(thread, deps, ctx, async (_inner, status) => {
    const [results, changes] = await Promise.all([
      deps.store.results.history(payload.service, payload.limit),
      deps.store.changes.list(payload.service),
    ]);
    const marks = historyMarks(changes);
    await status.results();
    await deps.notifier.postInThread(
      payload.origin.thread,
      buildHistory(payload.service, results, payload.origin.source, { metric: payload.metric, marks }),
    );
    const chart = buildHistoryChart(results, payload.metric, marks);
    if (chart) await deliverCharts(thread, [chart], deps, ctx.jobId);
    return results.length;
  });
}
