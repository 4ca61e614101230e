import { PREVIOUS_SEARCH_DEPTH } from '../../analysis/previous.js';
import { adaptiveLooks } from '../../analysis/shift.js';
import { summarize } from '../../analysis/summarize.js';
import { type ImprovementTarget, type Validation, validate } from '../../analysis/validation.js';
import { changesBetween, optionsFromParams, pickBaseline } from '../../analysis/validation-baseline.js';
import type { ChangeRecord } from '../../changes/record.js';
import { buildRunsChart, buildValidationChart } from '../../charts/validation.js';
import type { BaselineOptions } from '../../commands/options.js';
import { criticalMetrics } from '../../config/validation.js';
import { SERVICE_NAMES, type ServiceName, serviceOf } from '../../domain/services.js';
import { PerfError } from '../../errors.js';
import { line } from '../../present/document.js';
import { buildValidationMessage } from '../../present/validation.js';
import type { ProbeResult, StoredValidation } from '../../results/schema.js';
import type { ValidateOutcome, ValidatePayload } from '../contracts.js';
import type { JobContext, JobDeps } from '../deps.js';
import { currentTs } from '../root-message.js';
import { type AbandonedExecs, measure } from '../run-probe.js';
import { keepAlive } from './attempts.js';
import { takeLocks } from './baseline.js';
import { deliverCharts, type Thread, withStatus } from './deliver.js';

/** BaselineOptions' bound on runs: a look past it is measured in several goes. */
const RUNS_PER_MEASURE = 10;

/**
 * `validate <service|all>`: for each service, the before result (`pickBaseline`), the same probe
 * re-run with the same params under the measurement lock, adaptive looks (`adaptiveLooks`: the
 * after side measured up to the next look while a target's verdict is inconclusive), then the
 * validation and its charts posted in the thread and the after result stored with its comparison
 * (`ProbeResult.validation`). A service that cannot be validated (no baseline, not like for like)
 * is said in the thread; with `all` the others go on.
 */
export async function runValidate(
  payload: ValidatePayload,
  title: string,
  deps: JobDeps,
  ctx: JobContext,
): Promise<ValidateOutcome[]> {
  const thread: Thread = { origin: payload.origin, title };
  const services: ServiceName[] = payload.target === 'all' ? [...SERVICE_NAMES] : [payload.target];
  return withStatus(thread, deps, ctx, async (inner, status) => {
    const outcomes: ValidateOutcome[] = [];
    for (const service of services) {
      const pick = await chooseBaseline(service, payload, deps);
      if (!pick.ok) {
        if (payload.target !== 'all') throw refusal(service, pick.reason, payload.origin.source === 'cli');
        await say(thread, deps, `validate ${service}: skipped, ${pick.reason}.`);
        outcomes.push({ service, beforeId: null, resultId: null, missed: false, refused: pick.reason });
        continue;
      }
      outcomes.push(await validateOne(service, pick.before, pick.why, payload, thread, deps, inner));
    }
    await status.results();
    return outcomes;
  });
}

async function chooseBaseline(service: ServiceName, payload: ValidatePayload, deps: JobDeps) {
  const [history, changes, against] = await Promise.all([
    deps.store.results.history(service, PREVIOUS_SEARCH_DEPTH),
    deps.store.changes.list(service),
    payload.against === undefined ? undefined : deps.store.results.get(payload.against),
  ]);
  return pickBaseline({ service, history, changes, against, againstId: payload.against });
}

async function validateOne(
  service: ServiceName,
  before: ProbeResult,
  chosen: string,
  payload: ValidatePayload,
  thread: Thread,
  deps: JobDeps,
  ctx: JobContext,
): Promise<ValidateOutcome> {
  const cfg = deps.platform.validation;
  const first = payload.runs ?? cfg.runs;
  const looks = adaptiveLooks(first, Math.max(first, cfg.maxRuns), cfg.alpha);
  const targets: ImprovementTarget[] = [...(cfg.targets[service] ?? [])];
  const options = optionsFromParams(before.params, serviceOf(service).options);
  const primary = criticalMetrics(cfg, service);
  const judge = (after: ProbeResult, alpha: number) =>
    validate(before, after, {
      alpha,
      defaultThreshold: cfg.threshold,
      thresholds: cfg.thresholds,
      targets,
      primary,
    });

  let after: ProbeResult | undefined;
  let verdict: Validation | undefined;
  let look = looks[0] as { runs: number; alpha: number };
  const token = await takeLocks(
    { service, options, origin: payload.origin, requestedAt: payload.requestedAt },
    deps,
    ctx.jobId,
  );
  const beat = keepAlive(service, token, deps);
  const abandoned: AbandonedExecs = { until: 0 };
  try {
    for (const next of looks) {
      look = next;
      const have = after?.runs.length ?? 0;
      after = await measureMore(service, options, next.runs - have, after, before, deps, ctx, abandoned);
      verdict = judge(after, next.alpha);
      // Refused (not like for like) or decided: no more runs would change the answer.
      if (!verdict.ok || !undecided(verdict, targets)) break;
    }
  } finally {
    beat.stop();
    const stillBusyMs = abandoned.until - deps.clock.now();
    if (stillBusyMs > 0 && !deps.simulated)
      await deps.store.locks.refresh('measure', service, token, stillBusyMs);
    else await deps.store.locks.release('measure', service, token);
  }
  if (!after || !verdict) throw new PerfError('internal', `validate ${service} measured nothing`);
  if (!verdict.ok) {
    // The after result is a baseline all the same: kept, without a validation.
    await deps.store.results.save(after);
    throw refusal(
      service,
      `${verdict.reason} (before ${before.id}, after ${after.id})`,
      thread.origin.source === 'cli',
    );
  }
  const changes = changesBetween(
    await deps.store.changes.list(service),
    service,
    before.finishedAt,
    after.startedAt,
  );
  const stored: StoredValidation = {
    beforeId: before.id,
    chosen,
    alpha: look.alpha,
    looks,
    metrics: verdict.metrics.map((m) => ({ key: m.key, ...m.judgement })),
    targets: verdict.targets,
    differences: verdict.differences,
    changeIds: changes.map((c) => c.id),
    // The thread's root may have been pending when the job was queued: the record keeps the real ts.
    thread: {
      channel: thread.origin.thread.channel,
      threadTs: await currentTs(deps.store.journal, thread.origin.thread.threadTs),
    },
  };
  await deps.store.results.save({ ...after, validation: stored });
  const surface = thread.origin.source === 'cli' ? 'cli' : 'slack';
  const doc = buildValidationMessage({
    service,
    surface,
    validation: verdict,
    changes,
    chosen,
    moreRunsAllowed: after.runs.length < Math.max(looks.at(-1)?.runs ?? 0, cfg.maxRuns),
    // The buttons carry the result's id only: a click re-reads it (`jobs/validation-actions.ts`).
    record: { recordId: after.id, version: 0 },
  });
  await deps.notifier.postInThread(thread.origin.thread, doc);
  const simulated = Boolean(after.context.simulated);
  const chart = buildValidationChart(service, verdict, simulated);
  const runCharts = verdict.metrics
    .filter((m) => targets.some((t) => t.metric === m.key) && m.before.length + m.after.length > 0)
    .map((m) => buildRunsChart(service, m, simulated));
  await deliverCharts(thread, [...(chart ? [chart] : []), ...runCharts], deps, ctx.jobId);
  const rolledBy = await autoRollback(service, verdict, changes, thread, deps, ctx);
  if (rolledBy !== undefined)
    await deps.store.results.save({ ...after, validation: { ...stored, autoRollback: rolledBy } });
  return {
    service,
    beforeId: before.id,
    resultId: after.id,
    missed: verdict.targets.some((t) => t.met === false),
    refused: null,
  };
}

/**
 * `validation.autoRollback`: when the last change applied between the two results is still applied
 * and a critical metric (`criticalMetrics`) regressed, the change is rolled back by itself
 * (`changes/auto-rollback.ts`, loaded only then: it brings the knob sets). The rollback's change id.
 */
async function autoRollback(
  service: ServiceName,
  verdict: Extract<Validation, { ok: true }>,
  changes: readonly ChangeRecord[],
  thread: Thread,
  deps: JobDeps,
  ctx: JobContext,
): Promise<string | undefined> {
  const cfg = deps.platform.validation;
  const last = changes.at(-1);
  if (!cfg.autoRollback || last?.state !== 'applied') return undefined;
  const critical = new Set(criticalMetrics(cfg, service));
  const regressed = verdict.metrics.filter((m) => critical.has(m.key) && m.judgement.verdict === 'regressed');
  if (regressed.length === 0) return undefined;
  // The ledger may have moved since the validation read it (someone rolled it back by hand).
  const current = await deps.store.changes.get(last.id);
  if (current?.state !== 'applied') return undefined;
  const { rollBackByItself } = await import('../changes/auto-rollback.js');
  return rollBackByItself(
    current,
    regressed.map((m) => m.key),
    thread.origin,
    deps,
    ctx,
  );
}

/** A target still undecided, or (with no target) any metric inconclusive with a test. */
function undecided(v: Extract<Validation, { ok: true }>, targets: readonly ImprovementTarget[]): boolean {
  if (targets.length > 0) return v.targets.some((t) => t.met === null && hasTest(v, t.metric));
  return v.metrics.some((m) => m.judgement.verdict === 'inconclusive' && m.judgement.test !== undefined);
}

const hasTest = (v: Extract<Validation, { ok: true }>, key: string) =>
  v.metrics.some((m) => m.key === key && m.judgement.test !== undefined);

/**
 * Measures `count` more runs of the after side (in goes of at most `RUNS_PER_MEASURE`) and joins
 * them to the runs so far: one result, summarised against the before result.
 */
async function measureMore(
  service: ServiceName,
  options: BaselineOptions,
  count: number,
  so: ProbeResult | undefined,
  before: ProbeResult,
  deps: JobDeps,
  ctx: JobContext,
  abandoned: AbandonedExecs,
): Promise<ProbeResult> {
  let joined = so;
  for (let left = count; left > 0; left -= RUNS_PER_MEASURE) {
    const runs = Math.min(left, RUNS_PER_MEASURE);
    const more = await measure(deps.probes[service], { ...options, runs }, deps, ctx, abandoned);
    joined = joined === undefined ? more : join(joined, more);
  }
  if (!joined) throw new PerfError('internal', `validate ${service}: no runs asked`);
  const valid = joined.runs.filter((r) => r.invalid === undefined);
  const targets = deps.platform.services[service].targets;
  // Compared with the before result, not with the one `measure` picked: its note goes with it (the
  // validation says what differs between the two environments).
  const { comparison: _picked, ...rest } = joined;
  return { ...rest, summary: summarize(joined.metrics, valid, targets, before), previousId: before.id };
}

/** Two goes of the same probe as one result: the first's id and start, every run, the last's end. */
function join(a: ProbeResult, b: ProbeResult): ProbeResult {
  const runs = [...a.runs, ...b.runs.map((r, i) => ({ ...r, index: a.runs.length + i }))];
  return {
    ...a,
    finishedAt: b.finishedAt,
    runs,
    params: { ...a.params, runs: runs.length },
    ...(a.warnings || b.warnings
      ? { warnings: [...new Set([...(a.warnings ?? []), ...(b.warnings ?? [])])] }
      : {}),
  };
}

async function say(thread: Thread, deps: JobDeps, text: string): Promise<void> {
  await deps.notifier.postInThread(thread.origin.thread, {
    summary: line(text),
    blocks: [{ kind: 'paragraph', lines: [line(text)] }],
  });
}

function refusal(service: ServiceName, reason: string, cli: boolean): PerfError {
  const baseline = cli ? `perfbot baseline ${service}` : `/perf baseline ${service}`;
  return new PerfError('usage', `validate ${service} refused: ${reason}`, {
    userMessage: `Cannot validate ${service}: ${reason}. Take a baseline with \`${baseline}\` (or pass \`--against <result-id>\` with a result measured with the same parameters).`,
    retryable: false,
    context: { service },
  });
}
