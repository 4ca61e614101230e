import { type BottleneckAnswer, storable } from '../../bottlenecks/answer.js';
import { collectFacts } from '../../bottlenecks/collect.js';
import type { Facts } from '../../bottlenecks/facts.js';
import { findBottlenecks } from '../../bottlenecks/rules.js';
import { throwIfAborted } from '../../errors.js';
import { buildBottlenecks } from '../../present/bottlenecks.js';
import type { BottlenecksPayload, BottlenecksReturn } from '../contracts.js';
import type { JobContext, JobDeps } from '../deps.js';
import { currentTs } from '../root-message.js';
import { type Thread, withStatus } from './deliver.js';

/**
 * `bottlenecks [service]` (issue #17): every source read once, in parallel, each under
 * `bottlenecks.timeoutSeconds` (one that does not answer is a finding); the rules ranked; the answer
 * stored (a Propose fix click reads its finding back from the store) and then posted in the thread.
 */
export async function runBottlenecks(
  payload: BottlenecksPayload,
  title: string,
  deps: JobDeps,
  ctx: JobContext,
): Promise<BottlenecksReturn> {
  const thread: Thread = { origin: payload.origin, title };
  const { origin } = payload;
  return withStatus(
    thread,
    deps,
    ctx,
    async (inner, status) => {
      inner.progress({ step: 'collect', message: 'reading the cluster', pct: 10 });
      const answer = await answerNow(payload, deps, ctx);
      await status.results();
      // Stored before it is shown: a click on its buttons always finds it.
      await deps.store.bottlenecks.save(answer);
      await deps.notifier.postInThread(
        origin.thread,
        buildBottlenecks({ ...answer, surface: origin.source, answerId: answer.id }),
      );
      return { answerId: answer.id, findings: answer.findings.length };
    },
    (done) => ({
      state: 'done',
      detail: done.findings === 0 ? 'no findings' : `${done.findings} finding(s), ranked, in this thread`,
    }),
  );
}

async function answerNow(
  payload: BottlenecksPayload,
  deps: JobDeps,
  ctx: JobContext,
): Promise<BottleneckAnswer> {
  const iso = () => new Date(deps.clock.now()).toISOString();
  const started = deps.clock.now();
  const at = iso();
  const cfg = deps.platform.bottlenecks;
  const facts = await collectFacts(
    {
      kube: deps.kube,
      platform: deps.platform,
      env: deps.env,
      signal: ctx.signal,
      now: iso,
      fetch: deps.fetch,
      results: deps.store.results,
    },
    { timeoutMs: cfg.timeoutSeconds * 1000, ...(payload.service ? { service: payload.service } : {}) },
  );
  throwIfAborted(ctx.signal, 'reading the cluster');
  const findings = findBottlenecks(facts, cfg.thresholds, deps.clock.now()).map(storable);
  const { origin } = payload;
  return {
    id: ctx.jobId,
    ...(payload.service ? { service: payload.service } : {}),
    requestedBy: origin.userId,
    // The root may have been pending when the job was queued: the answer keeps the real ts.
    thread: {
      channel: origin.thread.channel,
      threadTs: await currentTs(deps.store.journal, origin.thread.threadTs),
    },
    at,
    tookMs: deps.clock.now() - started,
    checked: checkedSources(facts),
    findings,
  };
}

/** "What was checked": each source read, where it came from (heaps and pools share one read). */
export function checkedSources(facts: Facts): string[] {
  return [...new Set(Object.values(facts).map((s) => s.from))];
}
