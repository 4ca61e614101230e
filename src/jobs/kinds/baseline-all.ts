import { checkLimits } from '../../commands/limits.js';
import {
  type BaselineAllPayload,
  BaselineAllPayloadSchema,
  type ChildOutcome,
  JobName,
} from '../contracts.js';
import { FLOW_TITLE, planFlow, postOverview, type SettleChild, settleFlow, settleInline } from '../flows.js';
import { baseline } from './baseline.js';
import type { JobKind } from './kind.js';

/**
 * `baseline all`, a flow (`flows.ts`): its children are `baseline` jobs, one per service of
 * `jobs.groups`; it posts the overview once they have ended. In a worker the children ran before it
 * (`ctx.childOutcome` reads how they ended); in the CLI it runs them now, in this process.
 */
export const baselineAll: JobKind<BaselineAllPayload, ChildOutcome[]> = {
  name: JobName.baselineAll,
  payload: BaselineAllPayloadSchema,
  fromCommand: (command) =>
    command.kind === 'baseline' && command.target === 'all'
      ? { target: 'all', options: command.options }
      : undefined,
  title: () => FLOW_TITLE,
  // Each child is admitted again by its own kind when it runs.
  admit: (payload, platform) =>
    checkLimits({ kind: 'baseline', target: 'all', options: payload.options }, platform),
  async run(payload, deps, ctx) {
    const plan = planFlow(ctx.jobId, payload, deps.platform.jobs.groups);
    const queued = ctx.childOutcome;
    const settle: SettleChild = queued
      ? (child) => queued(child.service, child.jobId)
      : settleInline(baseline, deps, ctx);
    return postOverview(payload, await settleFlow(plan, settle, ctx.awaitStage), deps, ctx);
  },
  children: (payload, jobId, groups) => planFlow(jobId, payload, groups),
};
