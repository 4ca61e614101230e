import { applyPlan } from '../../changes/engine.js';
import type { EngineOutcome } from '../../changes/knob.js';
import type { ChangePlan } from '../../changes/plan.js';
import { planOf } from '../../changes/plan.js';
import type { ChangeRecord } from '../../changes/record.js';
import { asPerfError, PerfError } from '../../errors.js';
import { buildChangeCard, buildChangeOutcome } from '../../present/change-card.js';
import { JournalStep } from '../../store/keys.js';
import type { ChangeApplyPayload, Origin } from '../contracts.js';
import type { JobContext, JobDeps } from '../deps.js';
import { awaitEarlierAttempt, keepAlive } from '../workers/attempts.js';
import { type FinalStatus, type Thread, withStatus } from '../workers/deliver.js';
import { findKnobSet, knobContext } from './context.js';
import { validateAfterApply } from './follow-ups.js';
import { cardView } from './propose.js';
import { moveRecord } from './transition.js';

/** How an apply job ended: the change's state when it stopped. */
export interface ApplyReturn {
  changeId: string;
  state: ChangeRecord['state'];
}

/**
 * An approved change, applied once: the change lock taken (heartbeat while it runs), approved →
 * applying, the engine (bind, snapshot, write, rollout watched, verify, restore on failure), then
 * applied | rolled_back | failed with its outcome, the card updated in place and the outcome posted.
 * A retry that finds the change `applying` runs the engine again, which finds it written and resumes
 * watching (never writes twice); one that finds it ended only makes sure its outcome was posted.
 */
export async function runChangeApply(
  payload: ChangeApplyPayload,
  title: string,
  deps: JobDeps,
  ctx: JobContext,
): Promise<ApplyReturn> {
  const thread: Thread = { origin: payload.origin, title };
  return withStatus(
    thread,
    deps,
    ctx,
    async (inner, status) => {
      const record = await mustGet(payload.changeId, deps);
      const running = record.state === 'approved' || record.state === 'applying';
      const done = running ? await applyOnce(record, payload.origin, deps, inner) : { record };
      await status.results();
      await announce(done.record, done.outcome, payload.origin, deps);
      // Applied by this run (not found ended by a retry): its validation, when the config asks for it.
      if (running) await validateAfterApply(done.record, payload.origin, deps, inner);
      return { changeId: done.record.id, state: done.record.state };
    },
    (done): FinalStatus =>
      done.state === 'applied'
        ? { state: 'done', detail: `change ${done.changeId} applied and verified` }
        : { state: 'failed', detail: `change ${done.changeId} ${done.state.replace('_', ' ')}` },
  );
}

async function mustGet(id: string, deps: JobDeps): Promise<ChangeRecord> {
  const record = await deps.store.changes.get(id);
  if (record) return record;
  throw new PerfError('usage', `no change ${id}`, { userMessage: `There is no change ${id}.` });
}

/** The lock, the engine, the final transition; the lock is released whatever happens. */
async function applyOnce(
  record: ChangeRecord,
  origin: Origin,
  deps: JobDeps,
  ctx: JobContext,
): Promise<{ record: ChangeRecord; outcome?: EngineOutcome }> {
  const plan = planOf(record);
  const knob = findKnobSet(plan.component, plan.knobSet);
  await awaitEarlierAttempt(plan.component, deps, ctx, 'change');
  const lock = await deps.store.locks.acquireChange(plan.component, ctx.jobId, lockTtlMs(plan, deps));
  if (!lock.acquired && lock.holder === ctx.jobId) {
    // Another attempt of this very job took it after this one looked: this one waits and retries.
    throw new PerfError('conflict', `an earlier attempt of ${ctx.jobId} applies ${record.id}`, {
      userMessage: `An earlier attempt of this job is still applying ${record.id}.`,
      retryable: true,
    });
  }
  if (!lock.acquired) return { record: await refusedByLock(record, lock.holder, lock.scope, origin, deps) };
  const beat = keepAlive(plan.component, lock.token, deps, 'change');
  const at = () => new Date(deps.clock.now()).toISOString();
  try {
    const started = await moveRecord(deps.store.changes, record.id, ['approved'], 'applying', {
      actor: origin.userId,
      at: at(),
    });
    const current = started.record;
    if (current?.state !== 'applying') return { record: current ?? record };
    const outcome = await runEngine(current, plan, knob, deps, ctx).catch(async (error: unknown) => {
      const perf = asPerfError(error);
      // A retryable failure (the API server away) leaves it applying: the retry resumes it.
      if (perf.retryable) throw perf;
      return { state: 'failed', reason: perf.userMessage, evidence: [] } satisfies EngineOutcome;
    });
    return { record: await finish(current, plan, outcome, origin, at()), outcome };
  } finally {
    beat.stop();
    await deps.store.locks.release('change', plan.component, lock.token);
  }

  async function finish(
    current: ChangeRecord,
    p: ChangePlan,
    outcome: EngineOutcome,
    actor: Origin,
    when: string,
  ) {
    const to = outcome.state === 'moved' ? 'failed' : outcome.state;
    const moved = await moveRecord(deps.store.changes, current.id, ['applying'], to, {
      actor: actor.userId,
      at: when,
      patch: () => ({ outcome: outcomeOf(outcome) }),
    });
    if (moved.ok && to === 'applied' && p.rollbackOf !== undefined) {
      // A rollback applied: the change it undid is rolled back now, and its card says so.
      const undone = await moveRecord(deps.store.changes, p.rollbackOf, ['applied'], 'rolled_back', {
        actor: actor.userId,
        at: when,
        patch: () => ({ outcome: { summary: `rolled back by ${current.id}`, lines: [] } }),
      });
      if (undone.ok) await updateCard(undone.record, actor, deps);
    }
    return moved.record ?? current;
  }
}

function runEngine(
  record: ChangeRecord,
  plan: ChangePlan,
  knob: ReturnType<typeof findKnobSet>,
  deps: JobDeps,
  ctx: JobContext,
): Promise<EngineOutcome> {
  const { tuning } = deps.platform;
  return applyPlan(knobContext(deps, ctx.signal), knob, plan, {
    changeId: record.id,
    rolloutDeadlineMs: tuning.rolloutTimeoutSeconds * 1000,
    pollMs: tuning.rolloutPollMs,
    progress: (text) => ctx.progress({ step: 'rollout', message: text, pct: 50 }),
    signal: ctx.signal,
  });
}

/** Held past the longest rollout the plan may take (each workload's deadline), so a dead worker's lock frees itself. */
function lockTtlMs(plan: ChangePlan, deps: JobDeps): number {
  const workloads = plan.restart?.workloads.length ?? 0;
  return (workloads + 1) * deps.platform.tuning.rolloutTimeoutSeconds * 2000 + 60_000;
}

/** The ledger's line of an engine outcome. */
export function outcomeOf(outcome: EngineOutcome): { summary: string; lines: string[] } {
  switch (outcome.state) {
    case 'applied':
      return {
        summary: `applied and verified${outcome.resumed ? ' (resumed after a retry)' : ''}`,
        lines: outcome.verification.lines,
      };
    case 'rolled_back':
      return {
        summary: `rolled back: ${outcome.reason}`,
        lines: [...outcome.evidence, ...outcome.restore.lines],
      };
    case 'failed':
      return { summary: `failed: ${outcome.reason}`, lines: outcome.evidence };
    case 'moved':
      return {
        summary: 'not applied: the object changed since the card: propose again',
        lines: outcome.fields.map((f) => `moved: ${f}`),
      };
  }
}

/** The component is being measured (or changed by another job): not applied, the approval lapses. */
async function refusedByLock(
  record: ChangeRecord,
  holder: string,
  scope: 'measure' | 'change',
  origin: Origin,
  deps: JobDeps,
): Promise<ChangeRecord> {
  const what = scope === 'measure' ? `being measured by job ${holder}` : `being changed by job ${holder}`;
  const summary = `not applied: ${record.service} was ${what}; propose again when it is done`;
  const moved = await moveRecord(deps.store.changes, record.id, ['approved'], 'expired', {
    actor: origin.userId,
    at: new Date(deps.clock.now()).toISOString(),
    patch: () => ({ outcome: { summary, lines: [] } }),
  });
  return moved.record ?? record;
}

/** The card updated in place (every time: an edit is idempotent), then the outcome posted once. */
async function announce(
  record: ChangeRecord,
  outcome: EngineOutcome | undefined,
  origin: Origin,
  deps: JobDeps,
): Promise<void> {
  const plan = planOf(record);
  await updateCard(record, origin, deps);
  const step = JournalStep.changeOutcome(record.id);
  if ((await deps.store.journal.read(step)) !== undefined) return;
  await deps.notifier.postInThread(
    origin.thread,
    buildChangeOutcome(record, plan, outcome ?? engineView(record), origin.source),
  );
  await deps.store.journal.record(step, record.state);
}

/** A change's card edited in place to its current state (an edit is idempotent: safe to repeat). */
async function updateCard(record: ChangeRecord, origin: Origin, deps: JobDeps): Promise<void> {
  if (!record.card) return;
  const ref = { channel: record.card.channel, ts: record.card.ts };
  await deps.notifier
    .update(ref, buildChangeCard(record, planOf(record), cardView(origin, deps)))
    .catch((error: unknown) =>
      deps.log.warn({ err: error, change: record.id }, 'could not update the change card'),
    );
}

/**
 * The outcome as the outcome document takes it, rebuilt from the record (a retry that finds the
 * change ended has no engine outcome of its own in hand).
 */
function engineView(record: ChangeRecord): EngineOutcome {
  const outcome = record.outcome ?? { summary: record.state, lines: [] };
  switch (record.state) {
    case 'applied':
      return { state: 'applied', verification: { ok: true, lines: outcome.lines }, resumed: false };
    case 'rolled_back':
      return {
        state: 'rolled_back',
        reason: outcome.summary,
        evidence: outcome.lines,
        restore: { ok: true, lines: [] },
      };
    default:
      return { state: 'failed', reason: outcome.summary, evidence: outcome.lines };
  }
}
