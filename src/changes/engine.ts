import { abortedError, asPerfError, SHUTDOWN_REASON, throwIfAborted } from '../errors.js';
import type { KubePort, ObjectRef } from '../kube/port.js';
import { collectEvidence } from './evidence.js';
import { formatPath, movedFields, type TargetState, targetState } from './fields.js';
import { forceRollback, updateRevision } from './forced-rollback.js';
import type { EngineOptions, EngineOutcome, KnobContext, KnobSet, Verification } from './knob.js';
import { type ChangePlan, invertPlan, type KubeWrite, type PlanTarget } from './plan.js';
import { canWatchRollout, type RolloutBaseline, rolloutBaseline, watchRollout } from './rollout.js';

/**
 * The generic part of every change (DESIGN.md, "Changes to the cluster"): bind the plan to the live
 * objects, run the knob's live action, send the writes in order, watch each restart's rollout, verify,
 * and on any failure put the snapshot back and verify that too. Kubernetes only through the port; the
 * knob set does what is its own (`live`, `verify`).
 */

const refKey = (ref: ObjectRef) => `${ref.apiVersion}/${ref.kind}/${ref.namespace}/${ref.name}`;
const describe = (ref: ObjectRef) => `${ref.kind} ${ref.namespace}/${ref.name}`;

/** A step that did not work, with what the thread should see of it. */
interface Failure {
  reason: string;
  evidence: string[];
}

/** The state of one run: what was touched (something to restore), which rollouts were watched. */
interface Run {
  ctx: KnobContext;
  knob: KnobSet;
  plan: ChangePlan;
  options: EngineOptions;
  touched: boolean;
  watched: Set<string>;
  baselines: Map<string, RolloutBaseline>;
  /**
   * Restoring: per StatefulSet of the restart, the revision it rolled out before the restore (the
   * change's), whose pods not ready are deleted after the restore's write (`forceRollback`).
   */
  failedRevisions: Map<string, string>;
}

/** Each target's state in the live object, in the plan's order. */
async function readStates(kube: KubePort, targets: readonly PlanTarget[]): Promise<TargetState[]> {
  const states: TargetState[] = [];
  for (const target of targets) states.push(targetState(await kube.getObject(target.ref), target));
  return states;
}

/** Binds the plan: each target's state in its live object, and the fields of those that moved. */
async function bind(kube: KubePort, plan: ChangePlan): Promise<{ states: TargetState[]; moved: string[] }> {
  const states: TargetState[] = [];
  const moved: string[] = [];
  for (const target of plan.targets) {
    const live = await kube.getObject(target.ref);
    const state = targetState(live, target);
    states.push(state);
    if (state === 'moved')
      moved.push(...movedFields(live, target).map((f) => `${describe(target.ref)} ${f}`));
  }
  return { states, moved };
}

/**
 * Whether a write is still to be sent, given the targets' states: a write to a target is done once
 * that target reads `after` (`before`, restoring); a write to an object with no target of its own (a
 * restart annotation) is done once every target is.
 */
function pending(write: KubeWrite, plan: ChangePlan, states: readonly TargetState[], done: TargetState) {
  const own = plan.targets.flatMap((t, i) => (refKey(t.ref) === refKey(write.ref) ? [states[i]] : []));
  return own.length > 0 ? own.some((s) => s !== done) : states.some((s) => s !== done);
}

const isRestartWorkload = (plan: ChangePlan, ref: ObjectRef) =>
  plan.restart?.workloads.some((w) => refKey(w) === refKey(ref)) ?? false;

/** Watches one restart workload's rollout (once per run); a failure carries its pods' evidence. */
async function watch(run: Run, ref: ObjectRef): Promise<Failure | undefined> {
  run.watched.add(refKey(ref));
  const { options } = run;
  const failedRevision = run.failedRevisions.get(refKey(ref));
  if (failedRevision !== undefined) {
    await forceRollback(run.ctx.kube, ref, failedRevision, {
      deadlineMs: options.rolloutDeadlineMs,
      pollMs: options.pollMs,
      progress: options.progress,
    });
  }
  const baseline = run.baselines.get(refKey(ref));
  const result = await watchRollout(run.ctx.kube, ref, {
    deadlineMs: options.rolloutDeadlineMs,
    pollMs: options.pollMs,
    progress: options.progress,
    ...(options.signal ? { signal: options.signal } : {}),
    ...(baseline ? { baseline } : {}),
  });
  if (result.ok) return undefined;
  return { reason: result.reason, evidence: await collectEvidence(run.ctx.kube, result.pods) };
}

/** The pods' revisions of every restart workload before its first write (see `RolloutBaseline`). */
async function takeBaselines(kube: KubePort, plan: ChangePlan): Promise<Map<string, RolloutBaseline>> {
  const baselines = new Map<string, RolloutBaseline>();
  for (const ref of plan.restart?.workloads ?? [])
    baselines.set(refKey(ref), await rolloutBaseline(kube, ref));
  return baselines;
}

/** Each StatefulSet of the restart's revision now (`updateRevision`): read before the restore's writes. */
async function takeFailedRevisions(kube: KubePort, plan: ChangePlan): Promise<Map<string, string>> {
  const revisions = new Map<string, string>();
  for (const ref of plan.restart?.workloads ?? []) {
    if (ref.kind !== 'StatefulSet') continue;
    const revision = updateRevision(await kube.getObject(ref));
    if (revision !== undefined) revisions.set(refKey(ref), revision);
  }
  return revisions;
}

/** One PATCH; a refusal (4xx) wrote nothing, any other failure may have (the answer was lost). */
async function send(run: Run, write: KubeWrite): Promise<void> {
  try {
    await run.ctx.kube.patchObject(write.ref, write.patch, { type: write.type });
    run.touched = true;
  } catch (error) {
    const status = asPerfError(error).context.httpCode;
    if (!(typeof status === 'number' && status >= 400 && status < 500)) run.touched = true;
    throw error;
  }
}

/** Sends `writes` still pending, watching a restart workload's rollout right after its write. */
async function sendWrites(
  run: Run,
  writes: readonly KubeWrite[],
  states: readonly TargetState[],
  done: TargetState,
): Promise<Failure | undefined> {
  for (const write of writes) {
    const signal = run.options.signal;
    if (signal) throwIfAborted(signal, `applying ${describe(write.ref)}`);
    if (pending(write, run.plan, states, done)) await send(run, write);
    if (isRestartWorkload(run.plan, write.ref) && !run.watched.has(refKey(write.ref))) {
      const failure = await watch(run, write.ref);
      if (failure) return failure;
    }
  }
  for (const ref of run.plan.restart?.workloads ?? []) {
    if (run.watched.has(refKey(ref))) continue;
    const failure = await watch(run, ref);
    if (failure) return failure;
  }
  return undefined;
}

const verificationFailure = (what: string, v: Verification): Failure => ({
  reason: `${what} failed: ${v.lines.join('; ') || 'no detail'}`,
  evidence: v.lines,
});

/** Live action, writes, rollouts, verification; a Failure when one of them says no. */
async function forward(run: Run, states: readonly TargetState[]): Promise<Failure | Verification> {
  const { ctx, knob, plan } = run;
  if (plan.live && knob.live) {
    run.touched = true;
    await knob.live(ctx, plan.live.apply, plan);
  }
  const failure = await sendWrites(run, plan.writes, states, 'after');
  if (failure) return failure;
  const verification = await knob.verify(ctx, plan);
  return verification.ok ? verification : verificationFailure('verification', verification);
}

/**
 * Puts the snapshot back: the live restore, the restores still pending, their rollouts (a
 * StatefulSet's pods stuck on the change's revision deleted first: `forceRollback`), then checks.
 */
async function restore(run: Run): Promise<Failure | Verification> {
  const { ctx, knob, plan, options } = run;
  await options.progress('restoring the snapshot taken before the change');
  if (plan.live?.restore !== undefined && knob.live) await knob.live(ctx, plan.live.restore, plan);
  const states = await readStates(ctx.kube, plan.targets);
  run.watched.clear();
  run.baselines = await takeBaselines(ctx.kube, plan);
  run.failedRevisions = await takeFailedRevisions(ctx.kube, plan);
  const failure = await sendWrites(run, plan.restores, states, 'before');
  if (failure) return failure;
  const after = await readStates(ctx.kube, plan.targets);
  const left = plan.targets.filter((_, i) => after[i] !== 'before');
  if (left.length > 0) {
    const fields = left.flatMap((t) => t.paths.map((p) => `${describe(t.ref)} ${formatPath(p)}`));
    return { reason: `the snapshot is not back: ${fields.join(', ')}`, evidence: [] };
  }
  const verification = await knob.verify(ctx, invertPlan(plan, options.changeId));
  return verification.ok ? verification : verificationFailure('the restore verification', verification);
}

const isFailure = (x: Failure | Verification): x is Failure => 'reason' in x;

function failureOf(error: unknown): Failure {
  return { reason: asPerfError(error).userMessage, evidence: [] };
}

async function restoreAfter(run: Run, failure: Failure): Promise<EngineOutcome> {
  let restored: Failure | Verification;
  try {
    restored = await restore(run);
  } catch (error) {
    restored = failureOf(error);
  }
  if (isFailure(restored)) {
    return {
      state: 'failed',
      reason: `${failure.reason}; restoring the snapshot failed too: ${restored.reason}`,
      evidence: [...failure.evidence, ...restored.evidence],
    };
  }
  return { state: 'rolled_back', reason: failure.reason, evidence: failure.evidence, restore: restored };
}

/**
 * Applies an approved plan: `moved` (nothing written) when a target changed since the card;
 * `applied` when written, rolled out and verified (`resumed` when a retry found part of it done);
 * `rolled_back` when a step failed and the snapshot was put back and verified; `failed` when that
 * restore failed too, or when a step failed before anything was written. Throws only a PerfError:
 * for a transient error before anything was written (a retry is safe). Aborted by the worker's
 * shutdown, it throws and restores nothing (the change stays applying: the next attempt resumes it);
 * aborted by a cancel, it restores the snapshot (`rolled_back`, the reason says cancelled).
 *
 * @example const outcome = await applyPlan(ctx, knob, record.plan, { changeId, rolloutDeadlineMs, pollMs, progress })
 */
export async function applyPlan(
  ctx: KnobContext,
  knob: KnobSet,
  plan: ChangePlan,
  options: EngineOptions,
): Promise<EngineOutcome> {
  const refusal = planRefusal(knob, plan);
  if (refusal) return { state: 'failed', reason: refusal, evidence: [] };
  const run: Run = {
    ctx,
    knob,
    plan,
    options,
    touched: false,
    watched: new Set(),
    baselines: new Map(),
    failedRevisions: new Map(),
  };
  let states: TargetState[];
  try {
    const bound = await bind(ctx.kube, plan);
    if (bound.moved.length > 0) return { state: 'moved', fields: bound.moved };
    states = bound.states;
    run.baselines = await takeBaselines(ctx.kube, plan);
  } catch (error) {
    return beforeAnyWrite(error);
  }
  const resumed = states.some((s) => s === 'after');
  run.touched = resumed;
  const result = await forwardOrFailure(run, states);
  if (!isFailure(result)) return { state: 'applied', verification: result, resumed };
  if (!run.touched) return { state: 'failed', ...result };
  // The restore runs to its end even when the signal was aborted (a cancel asked for it).
  const { signal: _cancelled, ...unsignalled } = options;
  return restoreAfter({ ...run, options: unsignalled }, result);
}

/**
 * `forward`, its throws made failures: before anything was written they are thrown on (see
 * `beforeAnyWrite`); a worker's shutdown is thrown on too, to leave the change to the next attempt,
 * which resumes it; a cancel is a failure, so the snapshot is restored.
 */
async function forwardOrFailure(run: Run, states: readonly TargetState[]): Promise<Failure | Verification> {
  try {
    return await forward(run, states);
  } catch (error) {
    if (!run.touched) {
      const outcome = beforeAnyWrite(error);
      return { reason: outcome.state === 'failed' ? outcome.reason : 'failed', evidence: [] };
    }
    const signal = run.options.signal;
    if (signal?.aborted && signal.reason === SHUTDOWN_REASON)
      throw abortedError(signal, 'applying the change');
    if (signal?.aborted)
      return { reason: abortedError(signal, 'applying the change').userMessage, evidence: [] };
    return failureOf(error);
  }
}

/** What makes a plan impossible to run as it is, found before anything is read or written. */
function planRefusal(knob: KnobSet, plan: ChangePlan): string | undefined {
  if (plan.live && !knob.live)
    return `the ${knob.component} ${knob.name} knob set has no live action for this plan`;
  const unwatchable = (plan.restart?.workloads ?? []).filter((w) => !canWatchRollout(w.kind));
  if (unwatchable.length > 0) {
    return `the plan restarts ${unwatchable.map(describe).join(', ')}, whose rollout cannot be watched (only a Deployment's or a StatefulSet's)`;
  }
  return undefined;
}

/** Nothing was written: a transient error or an abort is thrown (a retry is safe), anything else is `failed`. */
function beforeAnyWrite(error: unknown): Extract<EngineOutcome, { state: 'failed' }> {
  const e = asPerfError(error);
  if (e.retryable || e.code === 'cancelled') throw e;
  return { state: 'failed', reason: e.userMessage, evidence: [] };
}
