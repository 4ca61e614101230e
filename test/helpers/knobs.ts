import { pino } from 'pino';
import { expect } from 'vitest';
import type { KnobContext, KnobSet } from '../../src/changes/knob.js';
import { knobSetOf } from '../../src/changes/knob-sets.js';
import type { ChangePlan } from '../../src/changes/plan.js';
import { EnvSchema } from '../../src/config/env.js';
import { PlatformConfigSchema } from '../../src/config/platform.js';
import type { ComponentName } from '../../src/domain/components.js';
import type { KubeObject, KubePort, ObjectRef } from '../../src/kube/port.js';
import { rejection } from './errors.js';

/**
 * The `KnobContext` a knob-set test hands to `propose`/`verify`: the real config schema (a test's
 * perfbot.yaml parsed, defaults filled in), a silent logger, the global `fetch` and the wall clock.
 * @example knobContext(sb.kube, { tuning: { dolphinscheduler: { jvm: { recommended: '-Xmx1g' } } } })
 */
export function knobContext(
  kube: KubePort,
  platform: unknown = {},
  env: Record<string, string> = {},
): KnobContext {
  return {
    platform: PlatformConfigSchema.parse(platform),
    env: EnvSchema.parse(env),
    kube,
    log: pino({ level: 'silent' }),
    fetch,
    now: () => new Date().toISOString(),
  };
}

/** The parts of an object a change may touch and a restore must put back. */
export const specAndData = (o: KubeObject) => ({ spec: o.spec ?? null, data: o.data ?? null });

/**
 * Sends a plan's writes (or restores) as the engine does, then waits for each restarted workload's
 * rollout to complete (the sandbox rolls at once at speed 0). Not the engine: only what a test of
 * `propose` + `verify` needs between the two.
 */
export async function applyWrites(kube: KubePort, plan: ChangePlan, which: 'writes' | 'restores' = 'writes') {
  for (const w of plan[which]) await kube.patchObject(w.ref, w.patch, { type: w.type });
  for (const ref of plan.restart?.workloads ?? []) await waitForRollout(kube, ref);
}

/** Polls a workload until its status says every replica is updated and ready. */
export async function waitForRollout(kube: KubePort, ref: ObjectRef, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const o = await kube.getObject(ref);
    const replicas = (o.spec as { replicas?: number }).replicas ?? 1;
    const status = (o.status ?? {}) as {
      updatedReplicas?: number;
      readyReplicas?: number;
      updateRevision?: string;
      currentRevision?: string;
      conditions?: { type: string; reason?: string }[];
    };
    const progressing = status.conditions?.find((c) => c.type === 'Progressing');
    const done =
      status.updatedReplicas === replicas &&
      status.readyReplicas === replicas &&
      (o.kind === 'StatefulSet'
        ? status.updateRevision === status.currentRevision
        : progressing?.reason === 'NewReplicaSetAvailable');
    if (done) return;
    if (Date.now() > deadline) throw new Error(`rollout of ${ref.kind} ${ref.name} did not complete`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A registered knob set, or the test fails. @example const knob = mustKnobSet('dolphinscheduler', 'jvm') */
export function mustKnobSet(component: ComponentName, name: string): KnobSet {
  const knob = knobSetOf(component, name);
  if (!knob) throw new Error(`no knob set ${component} ${name}`);
  return knob;
}

/** Awaits a propose that must fail with a PerfError of `code` whose userMessage matches. */
export async function expectPerfError(
  promise: Promise<unknown>,
  code: string,
  message: RegExp,
): Promise<void> {
  const error = await rejection(promise);
  expect(error.code).toBe(code);
  expect(error.userMessage).toMatch(message);
}
