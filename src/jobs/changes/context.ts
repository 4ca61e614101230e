import type { KnobContext, KnobSet } from '../../changes/knob.js';
import { knobSetOf, knobSetsOf } from '../../changes/knob-sets.js';
import type { ChangePlan } from '../../changes/plan.js';
import type { ChangeRecord } from '../../changes/record.js';
import { COMPONENT_NAMES, type ComponentName } from '../../domain/components.js';
import { PerfError } from '../../errors.js';
import type { JobDeps } from '../deps.js';

/** What a knob set and the engine are given in a job: the job's cluster, config, clock and signal. */
export function knobContext(deps: JobDeps, signal?: AbortSignal): KnobContext {
  return {
    platform: deps.platform,
    kube: deps.kube,
    log: deps.log,
    fetch: deps.fetch,
    now: () => new Date(deps.clock.now()).toISOString(),
    ...(signal === undefined ? {} : { signal }),
  };
}

/** `dolphinscheduler jvm`: the knob set, or a usage error listing the component's knob sets and their keys. */
export function findKnobSet(component: ComponentName, name: string): KnobSet {
  const knob = knobSetOf(component, name);
  if (knob) return knob;
  throw new PerfError('usage', `no knob set ${component} ${name}`, {
    userMessage: `${component} has no knob set \`${name}\`. ${knobSetsUsage(component)}`,
    retryable: false,
    context: { service: component },
  });
}

/** "dolphinscheduler's knob sets: `jvm` (JAVA_OPTS …; keys: options, heap) …", or where there are some. */
export function knobSetsUsage(component: ComponentName): string {
  const own = knobSetsOf(component);
  if (own.length > 0) {
    const sets = own.map(
      (k) => `\`${k.name}\` (${k.summary}; keys: ${k.keys.map((key) => key.name).join(', ') || 'none'})`,
    );
    return `Its knob sets: ${sets.join('; ')}. Usage: \`tune ${component} <knob-set> [key=value …] [--dry-run]\`.`;
  }
  const tunable = COMPONENT_NAMES.filter((c) => knobSetsOf(c).length > 0);
  return tunable.length === 0
    ? 'No knob sets are available yet.'
    : `Components with knob sets: ${tunable.join(', ')}.`;
}

/** States in which a change holds its component: no other proposal goes ahead meanwhile. */
const IN_FLIGHT: ReadonlySet<ChangeRecord['state']> = new Set(['approved', 'applying']);

/**
 * Refuses a proposal on a busy component: a change or a measurement holds its lock (saying who), or
 * another change of it is approved or being applied.
 */
export async function refuseWhenBusy(component: ComponentName, deps: JobDeps): Promise<void> {
  const { locks, changes } = deps.store;
  const changing = await locks.holder('change', component);
  const measuring = await locks.holder('measure', component);
  const busy = (why: string) =>
    new PerfError('conflict', `${component} is busy: ${why}`, {
      userMessage: `${component} is busy: ${why}. Propose again once it is done.`,
      retryable: false,
      context: { service: component },
    });
  if (changing !== undefined) throw busy(`a change is being applied by job ${changing}`);
  if (measuring !== undefined) throw busy(`it is being measured by job ${measuring}`);
  const inFlight = (await changes.list(component)).find((r) => IN_FLIGHT.has(r.state));
  if (inFlight) throw busy(`change ${inFlight.id} is ${inFlight.state}`);
}

/** A new proposal's record: proposed, expiring after `tuning.approvalTtlMinutes`. */
export function proposedRecord(
  id: string,
  plan: ChangePlan,
  requestedBy: string,
  deps: JobDeps,
): ChangeRecord {
  const now = deps.clock.now();
  return {
    id,
    service: plan.component,
    state: 'proposed',
    version: 1,
    requestedBy,
    createdAt: new Date(now).toISOString(),
    expiresAt: new Date(now + deps.platform.tuning.approvalTtlMinutes * 60_000).toISOString(),
    history: [],
    plan,
    approvals: [],
  };
}

/** The failed checks of a plan, as the job's status and the CLI's exit name them. */
export const refusedChecks = (plan: ChangePlan): string[] =>
  plan.checks.filter((c) => c.outcome === 'fail').map((c) => `${c.name}: ${c.detail}`);
