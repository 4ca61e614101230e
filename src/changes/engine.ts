// PLACEHOLDER until helper A's engine lands (replaced by `git merge engine`).
import { PerfError } from '../errors.js';
import type { EngineOptions, EngineOutcome, KnobContext, KnobSet } from './knob.js';
import type { ChangePlan } from './plan.js';

export async function applyPlan(
  _ctx: KnobContext,
  _knob: KnobSet,
  _plan: ChangePlan,
  _options: EngineOptions,
): Promise<EngineOutcome> {
  throw new PerfError('not_available', 'the change engine is not merged yet');
}
