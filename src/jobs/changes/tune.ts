import { planOf } from '../../changes/plan.js';
import type { ProposalReturn, TunePayload } from '../contracts.js';
import type { JobContext, JobDeps } from '../deps.js';
import { changeIdOf } from '../dispatcher.js';
import { type Thread, withStatus } from '../workers/deliver.js';
import { findKnobSet, knobContext, refuseWhenBusy } from './context.js';
import { proposalStatus, publishProposal } from './propose.js';

/**
 * `tune <component> <knob-set> [key=value …] [--dry-run]`: the knob set reads the live objects,
 * computes the exact writes, runs its preflights and the server-side dry run; the card goes in the
 * thread. Refused while the component is busy (a change or a measurement holds it, or another change
 * is approved or applying). Nothing in the cluster changes here: an Approve click queues the apply.
 */
export async function runTune(
  payload: TunePayload,
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
      const knob = findKnobSet(payload.component, payload.knobSet);
      const stored = payload.dryRun ? undefined : await deps.store.changes.get(changeId);
      if (!stored) await refuseWhenBusy(payload.component, deps);
      inner.progress({ step: 'propose', message: 'reading the live objects, preflight, dry run', pct: 10 });
      const plan = stored
        ? planOf(stored)
        : await knob.propose(knobContext(deps, ctx.signal), payload.settings);
      await status.results();
      return publishProposal(changeId, plan, payload.origin, deps, payload.dryRun);
    },
    proposalStatus,
  );
}
