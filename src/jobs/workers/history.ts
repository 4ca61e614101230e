import { buildHistoryChart } from '../../charts/history.js';
import { buildHistory } from '../../present/history.js';
import type { HistoryPayload } from '../contracts.js';
import type { JobContext, JobDeps } from '../deps.js';
import { deliverCharts, type Thread, withStatus } from './deliver.js';

/** `history <service>`: the stored baselines as a table and a trend chart. */
export async function runHistory(
  payload: HistoryPayload,
  title: string,
  deps: JobDeps,
  ctx: JobContext,
): Promise<number> {
  const thread: Thread = { origin: payload.origin, title };
  return withStatus(thread, deps, ctx, async (_inner, status) => {
    const results = await deps.store.results.history(payload.service, payload.limit);
    await status.results();
    await deps.notifier.postInThread(
      payload.origin.thread,
      buildHistory(payload.service, results, payload.origin.source),
    );
    const chart = buildHistoryChart(results);
    if (chart) await deliverCharts(thread, [chart], deps, ctx.jobId);
    return results.length;
  });
}
