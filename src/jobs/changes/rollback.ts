import { dryRunWrites } from '../../changes/dry-run.js';
import { formatPath, readField } from '../../changes/fields.js';
import { type ChangePlan, type Check, invertPlan, planOf } from '../../changes/plan.js';
import type { ChangeRecord } from '../../changes/record.js';
import { PerfError } from '../../errors.js';
import type { KubePort } from '../../kube/port.js';
import type { ProposalReturn, RollbackPayload } from '../contracts.js';
import type { JobContext, JobDeps } from '../deps.js';
import { changeIdOf } from '../dispatcher.js';
import { type Thread, withStatus } from '../workers/deliver.js';
import { refuseWhenBusy } from './context.js';
import { proposalStatus, publishProposal } from './propose.js';

/**
 * `rollback <change-id>`: a proposal that puts an applied change's snapshot back, approved like any
 * other (its risk is the original's). Refused unless the change is applied and undoable, and unless
 * every field it wrote still reads what it wrote (someone changed it since: restoring would undo
 * their change too). The inverted plan is bound to the live objects' versions and dry-run again.
 */
export async function runRollbackProposal(
  payload: RollbackPayload,
  title: string,
  deps: JobDeps,
  ctx: JobContext,
): Promise<ProposalReturn> {
  const thread: Thread = { origin: payload.origin, title };
  const changeId = changeIdOf(ctx.jobId);
  return withStatus(
    thread,
    deps,
    ctx,
    async (inner, status) => {
      const original = await deps.store.changes.get(payload.changeId);
      const stored = await deps.store.changes.get(changeId);
      const plan = stored ? planOf(stored) : await rollbackPlan(original, payload.changeId, deps, inner);
      await status.results();
      return publishProposal(changeId, plan, payload.origin, deps, false);
    },
    proposalStatus,
  );
}

export async function rollbackPlan(
  original: ChangeRecord | undefined,
  id: string,
  deps: JobDeps,
  ctx: JobContext,
): Promise<ChangePlan> {
  const refuse = (why: string) =>
    new PerfError('usage', `rollback ${id} refused: ${why}`, {
      userMessage: `${id} cannot be rolled back: ${why}.`,
      retryable: false,
    });
  if (!original) throw refuse('there is no such change (`changes` lists them)');
  if (original.state !== 'applied') throw refuse(`it is ${original.state.replace('_', ' ')}, not applied`);
  const plan = planOf(original);
  if (!plan.undoable) throw refuse(`${plan.component} ${plan.knobSet} keeps no snapshot to restore`);
  await refuseWhenBusy(plan.component, deps);
  ctx.progress({ step: 'read', message: 'reading the live objects', pct: 20 });
  const versions = await liveVersions(plan, deps.kube, refuse);
  const inverted = invertPlan(plan, id);
  const bound: ChangePlan = {
    ...inverted,
    targets: inverted.targets.map((t, i) => ({ ...t, resourceVersion: versions[i] ?? t.resourceVersion })),
  };
  ctx.progress({ step: 'dry-run', message: 'server-side dry run of the restore', pct: 60 });
  const asApplied: Check = {
    name: 'still as applied',
    outcome: 'pass',
    detail: `every field ${id} wrote still reads what it wrote`,
  };
  return { ...bound, checks: [asApplied, ...(await dryRunWrites(deps.kube, bound.writes))] };
}

/** Each target must still read what the change wrote (its `after`): their resourceVersions, or a refusal naming the fields. */
async function liveVersions(
  plan: ChangePlan,
  kube: KubePort,
  refuse: (why: string) => PerfError,
): Promise<string[]> {
  const versions: string[] = [];
  for (const target of plan.targets) {
    const live = await kube.getObject(target.ref);
    const changed = target.paths
      .filter(
        (p, i) => JSON.stringify(readField(live, p) ?? null) !== JSON.stringify(target.after[i] ?? null),
      )
      .map(formatPath);
    if (changed.length > 0) {
      const where = `${target.ref.kind} ${target.ref.namespace}/${target.ref.name}`;
      throw refuse(
        `${where} changed since it was applied (${changed.join(', ')}); restoring would undo that too`,
      );
    }
    versions.push(live.metadata.resourceVersion ?? target.resourceVersion);
  }
  return versions;
}
